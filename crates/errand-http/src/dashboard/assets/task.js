// The task page: the task with its output or error (every violation with its pointer), its
// usage and cost, its steps, the model's text streamed as it arrives, and buttons to cancel
// it or answer the question it waits on.
"use strict";

(() => {
  const { api, stream, h, when, status, enc, route, problem } = Errand;
  const TERMINAL = new Set(["task.succeeded", "task.failed", "task.cancelled", "task.timed_out"]);
  const ACTIVE = new Set(["queued", "running", "input_required", "waiting"]);

  function summary(task) {
    const u = task.usage;
    return h("table", { id: "task-summary" }, h("tbody", {},
      [["status", status(task.status)],
       ["runner", h("a", { href: `#/runners/${enc(task.runner)}` }, task.runner)],
       ["model", task.model],
       ["made", when(task.created_at)],
       ["ended", when(task.finished_at)],
       ["attempts", `${task.attempts} of ${task.max_attempts}`],
       ["tokens", `${u.input_tokens ?? "—"} in, ${u.output_tokens ?? "—"} out${u.estimated ? " (estimated)" : ""}`],
       ["cost", u.cost_usd == null ? "—" : `$${u.cost_usd.toFixed(6)}`],
       ["thread", task.thread_id ? h("a", { href: `#/threads/${enc(task.thread_id)}` }, task.thread_id) : "—"],
      ].map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))));
  }

  function outcome(task) {
    if (task.error) {
      const e = task.error;
      const violations = (e.details && (e.details.violations || e.details.errors)) || [];
      return h("div.error", { id: "task-error" },
        h("p", {}, `${e.code}: ${e.message}`),
        violations.map((v) => h("p", {}, `${v.pointer}: ${v.message}`)),
        h("pre", {}, JSON.stringify(e.details, null, 2)));
    }
    if (task.output !== null && task.output !== undefined) {
      return h("pre", { id: "task-output" }, JSON.stringify(task.output, null, 2));
    }
    return h("p.muted", {}, "No output yet.");
  }

  function actions(task, reload) {
    const out = h("div");
    const act = (fn) => async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      try { await fn(); await reload(); } catch (err) { out.append(problem(err)); }
    };
    const parts = [];
    if (ACTIVE.has(task.status)) {
      parts.push(h("button", { id: "cancel", on: { click: act(() => api("POST", `/v1/tasks/${enc(task.id)}/cancel`, {})) } }, "Cancel"));
    }
    const q = task.input_request;
    if (task.status === "input_required" && q && q.kind === "approval" && q.tool_call) {
      parts.push(approval(task, q, act));
    } else if (task.status === "input_required" && q) {
      const answer = h("textarea", { id: "answer", "aria-label": "answer" }, q.schema ? "{}" : "");
      const send = () => {
        let value = answer.value;
        try { value = JSON.parse(value); } catch (_) { /* a plain-text answer */ }
        return api("POST", `/v1/tasks/${enc(task.id)}/input`, { request_id: q.request_id, answer: value });
      };
      parts.push(h("h2", {}, "It asks"), h("p", {}, q.question),
        q.schema ? h("pre", {}, JSON.stringify(q.schema, null, 2)) : null,
        h("form", { on: { submit: act(send) } }, answer, h("button.primary", { type: "submit" }, "Answer")));
    }
    return h("div", {}, parts, out);
  }

  // A tool call waiting for approval: its arguments (editable), Approve and Deny.
  function approval(task, q, act) {
    const shown = JSON.stringify(q.tool_call.arguments, null, 2);
    const args = h("textarea", { id: "approval-arguments", "aria-label": "arguments" }, shown);
    const reason = h("input", { id: "approval-reason", "aria-label": "reason", placeholder: "Why not (the model is told)" });
    const decide = (answer) =>
      api("POST", `/v1/tasks/${enc(task.id)}/input`, { request_id: q.request_id, answer });
    const approve = () => {
      const edited = JSON.parse(args.value);
      const same = JSON.stringify(edited) === JSON.stringify(q.tool_call.arguments);
      return decide(same ? { approve: true } : { approve: true, arguments: edited });
    };
    const deny = () => decide(reason.value ? { approve: false, reason: reason.value } : { approve: false });
    return h("div", { id: "approval" },
      h("h2", {}, "It waits for approval"),
      h("p", {}, `A call of ${q.tool_call.name}, with these arguments (edit them to run it with others):`),
      args,
      h("p", {}, h("button.primary", { id: "approve", on: { click: act(approve) } }, "Approve"), " ",
        reason, " ", h("button", { id: "deny", on: { click: act(deny) } }, "Deny")));
  }

  function steps(page) {
    return Errand.table(page.data, [
      ["#", (s) => s.index],
      ["kind", (s) => s.kind],
      ["attempt", (s) => s.attempt],
      ["took", (s) => (s.finished_at ? `${new Date(s.finished_at) - new Date(s.started_at)} ms` : "—")],
      ["cost", (s) => (s.cost_usd == null ? "—" : `$${s.cost_usd.toFixed(6)}`)],
      ["response", (s) => h("div.output", {}, JSON.stringify(s.response).slice(0, 400))],
    ]);
  }

  route(/^\/tasks\/([0-9a-f-]{36})$/, async (main, id, signal) => {
    const text = h("div.output.stream", { id: "streamed" });
    const live = h("p.muted", { id: "live" }, "Following its events…");
    const body = h("div");
    const reload = async () => {
      const [task, page] = await Promise.all([
        api("GET", `/v1/tasks/${enc(id)}`),
        api("GET", `/v1/tasks/${enc(id)}/steps?limit=100`),
      ]);
      body.replaceChildren(
        summary(task), actions(task, reload),
        h("h2", {}, "Outcome"), outcome(task),
        h("h2", {}, "Steps"), steps(page));
      return task;
    };
    main.append(h("h1", {}, `Task ${id}`), h("h2", {}, "Streamed text"), text, live, body);
    await reload();
    // The whole log from its start, then live until the task ends.
    stream(`/v1/tasks/${enc(id)}/events`, (event) => {
      // Each frame's data is the logged event: {seq, type, data, created_at}.
      const data = event.data.data || {};
      if (event.type === "message.delta") text.append(data.text || "");
      if (event.type === "message.completed" && !text.textContent) text.append(data.text || "");
      if (event.type === "task.input_required" || event.type === "task.queued") reload();
      if (TERMINAL.has(event.type)) {
        live.textContent = `Ended: ${event.type.slice(5)}`;
        reload();
      }
    }, signal).catch((err) => {
      if (!signal.aborted) live.textContent = `The stream stopped: ${err.message}`;
    });
  });
})();
