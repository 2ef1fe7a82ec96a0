// The dashboard's plumbing: the key (kept in sessionStorage, so it leaves with the tab),
// calls to the API with it, event streams read over fetch (EventSource cannot send a key),
// a tiny element builder and the hash router.
"use strict";

const Errand = (() => {
  const KEY = "errand.key";
  const key = () => sessionStorage.getItem(KEY) || "";
  const headers = (extra) => {
    const h = Object.assign({ accept: "application/json" }, extra || {});
    if (key()) h.authorization = "Bearer " + key();
    return h;
  };

  // A call; throws an Error carrying the problem (status, code, detail, violations).
  async function api(method, path, body) {
    const init = { method, headers: headers() };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error((data && (data.detail || data.title)) || res.statusText);
      err.status = res.status;
      err.problem = data;
      throw err;
    }
    return data;
  }

  // Follows an SSE stream over fetch; calls onEvent({id, type, data}) per event and
  // resolves when the stream ends (or `signal` aborts it).
  async function stream(path, onEvent, signal) {
    const res = await fetch(path, { headers: headers({ accept: "text/event-stream" }), signal });
    if (res.status === 204) return;
    if (!res.ok) throw new Error("stream: " + res.status);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = { type: "message", data: "" };
        for (const line of frame.split("\n")) {
          const at = line.indexOf(":");
          if (at === 0) continue; // a comment: the heartbeat
          const field = at < 0 ? line : line.slice(0, at);
          const val = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
          if (field === "event") event.type = val;
          else if (field === "id") event.id = Number(val);
          else if (field === "data") event.data += (event.data ? "\n" : "") + val;
        }
        if (event.data) onEvent(Object.assign(event, { data: JSON.parse(event.data) }));
      }
    }
  }

  // h("tag.class", {attrs, on: {click}}, ...children)
  function h(spec, attrs, ...children) {
    const [tag, ...classes] = spec.split(".");
    const el = document.createElement(tag);
    if (classes.length) el.className = classes.join(" ");
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const when = (t) => (t ? new Date(t).toLocaleString() : "—");
  const status = (s) => h("span.status." + s, {}, s);
  // One path segment from a name. `.` and `..` would be resolved away by the URL parser
  // (even as `%2E`), moving the request to another path: none is sent.
  const enc = (name) => {
    const text = String(name);
    if (text === "." || text === "..") throw new Error(`no such name ${text}`);
    return encodeURIComponent(text);
  };
  // A stored file's path for the API: each segment encoded as `enc` does.
  const filePath = (path) => {
    try {
      return path.split("/").map(enc).join("/");
    } catch {
      throw new Error(`no file ${path}`);
    }
  };

  // A table: columns are [heading, row => cell]; `open` makes rows links.
  function table(rows, columns, open) {
    if (!rows.length) return h("p.muted", {}, "Nothing here yet.");
    return h("table", {},
      h("thead", {}, h("tr", {}, columns.map(([name]) => h("th", {}, name)))),
      h("tbody", {}, rows.map((row) => h("tr" + (open ? ".link" : ""),
        open ? { on: { click: () => open(row) } } : {},
        columns.map(([, cell]) => h("td", {}, cell(row)))))));
  }

  function problem(err) {
    const p = err.problem || {};
    return h("div.error", { role: "alert" },
      h("p", {}, `${err.status || ""} ${p.code || ""}: ${err.message}`),
      (p.violations || p.errors || []).map((v) => h("p", {}, `${v.pointer || ""} ${v.message || ""}`)));
  }

  const routes = [];
  const route = (pattern, render) => routes.push([pattern, render]);

  return { KEY, key, api, stream, h, when, status, enc, filePath, table, problem, route, routes };
})();
