// Starts the dashboard: the key form, and the router that renders the page the hash names
// (leaving a page aborts its streams).
"use strict";

(() => {
  const { KEY, h, routes, problem } = Errand;
  const main = document.getElementById("main");
  let leaving = null;

  Errand.render = async () => {
    if (leaving) leaving.abort();
    leaving = new AbortController();
    const signal = leaving.signal;
    const path = location.hash.replace(/^#/, "") || "/";
    for (const a of document.querySelectorAll("#nav a")) {
      const target = a.getAttribute("href").slice(1);
      a.classList.toggle("active", target === "/" ? path === "/" : path.startsWith(target));
    }
    const found = routes.map(([re, render]) => [path.match(re), render]).find(([m]) => m);
    // The fragment's parts as the user means them (`%2F` a slash within a name): pages
    // encode them again for each API path they build, so no part can change the path.
    const parts = found && found[0].slice(1).map((part) => {
      try { return decodeURIComponent(part); } catch { return null; }
    });
    if (!found || parts.includes(null)) {
      main.replaceChildren(h("p", {}, "No such page."));
      return;
    }
    // Drawn aside, then shown whole: a page drawn again does not flicker.
    const page = h("div");
    const render = found[1];
    try {
      await render(page, ...parts, signal);
    } catch (err) {
      if (err.status === 401 || err.status === 403) {
        page.append(h("p", {}, "This needs an API key with the read scope: enter one above."));
      }
      page.append(problem(err));
    }
    if (!signal.aborted) main.replaceChildren(page);
  };

  const input = document.getElementById("key");
  input.value = sessionStorage.getItem(KEY) || "";
  document.getElementById("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    Errand.render();
  });
  document.getElementById("forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    input.value = "";
    Errand.render();
  });
  window.addEventListener("hashchange", Errand.render);
  Errand.render();
})();
