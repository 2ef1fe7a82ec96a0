// The dashboard's list pages: the overview, runners (with a form to submit a task), tasks,
// threads, queues, schedules, webhooks and files.
"use strict";

(() => {
  const { api, h, when, status, enc, filePath, table, route } = Errand;
  const go = (hash) => { location.hash = hash; };
  // A live page draws itself again every few seconds while it shows.
  const live = (signal) => setTimeout(() => { if (!signal.aborted) Errand.render(); }, 5000);

  // Overview: the last hour's tasks by status and minute, queues, workers.
  route(/^\/$/, async (main, signal) => {
    live(signal);
    const [stats, queues] = await Promise.all([
      api("GET", "/v1/stats/tasks?minutes=60"),
      api("GET", "/v1/queues?limit=100"),
    ]);
    const s = stats.by_status;
    const done = s.succeeded + s.failed + s.cancelled + s.timed_out;
    const card = (n, label, cls) => h("div.card", {}, h("div.n" + (cls ? "." + cls : ""), {}, n), h("div.l", {}, label));
    // One bar per minute of the window, empty minutes too.
    const counted = new Map(stats.per_minute.map((m) => [new Date(m.minute).getTime(), m.by_status]));
    const first = Math.floor(new Date(stats.since).getTime() / 60000) * 60000;
    const minutes = [];
    for (let t = first; t <= Date.now(); t += 60000) minutes.push({ minute: t, by_status: counted.get(t) || {} });
    const max = Math.max(1, ...minutes.map((m) => Object.values(m.by_status).reduce((a, b) => a + b, 0)));
    const bar = (m) => {
      const b = m.by_status;
      const seg = (n, cls) => h("div." + cls, { style: `height:${(80 * (n || 0)) / max}px` });
      const other = Object.entries(b).filter(([k]) => k !== "succeeded" && k !== "failed" && k !== "timed_out")
        .reduce((a, [, n]) => a + n, 0);
      return h("div.bar", { title: `${new Date(m.minute).toLocaleTimeString()}: ${JSON.stringify(b)}` },
        seg(b.succeeded, "ok"), seg((b.failed || 0) + (b.timed_out || 0), "bad"), seg(other, "other"));
    };
    main.append(
      h("h1", {}, "Overview"),
      h("p.muted", {}, `Tasks made in the last hour${stats.capped ? " (counts capped)" : ""}, by their status now.`),
      h("div.cards", {},
        card(s.queued + s.waiting, "queued or waiting"),
        card(s.running, "running"),
        card(s.input_required, "asking a person"),
        card(s.succeeded, "succeeded", "succeeded"),
        card(s.failed + s.timed_out, "failed or timed out", "failed"),
        card(done, "ended in the hour")),
      h("h2", {}, "Per minute"),
      h("div.chart", { id: "per-minute" }, minutes.map(bar)),
      h("h2", {}, "Queues"),
      table(queues.data, [
        ["queue", (q) => q.name],
        ["pending", (q) => q.depth.pending],
        ["running", (q) => q.depth.running + q.depth.leased],
        ["dead", (q) => q.depth.dead],
        ["oldest due", (q) => (q.oldest_pending_age_seconds == null ? "—" : `${q.oldest_pending_age_seconds.toFixed(0)} s`)],
        ["consumers", (q) => q.consumers.runners.join(", ") || "—"],
      ], (q) => go(`#/queues`)));
  });

  route(/^\/runners$/, async (main) => {
    const page = await api("GET", "/v1/runners?limit=100");
    main.append(h("h1", {}, "Runners"), table(page.data, [
      ["name", (r) => r.name],
      ["model", (r) => r.model || "—"],
      ["version", (r) => r.version],
      ["queue", (r) => r.queue || "—"],
      ["updated", (r) => when(r.updated_at)],
    ], (r) => go(`#/runners/${enc(r.name)}`)));
  });

  route(/^\/runners\/([^/]+)$/, async (main, name) => {
    const runner = await api("GET", `/v1/runners/${enc(name)}`);
    const args = h("textarea", { id: "arguments", "aria-label": "arguments" }, "{}");
    const out = h("div");
    const submit = async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      try {
        const task = await api("POST", `/v1/runners/${enc(name)}/tasks`, { arguments: JSON.parse(args.value || "{}") });
        go(`#/tasks/${enc(task.id)}`);
      } catch (err) {
        out.append(Errand.problem(err));
      }
    };
    main.append(
      h("h1", {}, `Runner ${runner.name}`),
      h("p.muted", {}, `${runner.model} · version ${runner.version}`),
      h("h2", {}, "Run a task"),
      h("form", { id: "submit-task", on: { submit } }, args,
        h("button.primary", { type: "submit", id: "run" }, "Run"), out),
      h("h2", {}, "Definition"),
      h("pre", {}, JSON.stringify(runner, null, 2)));
  });

  route(/^\/tasks$/, async (main, signal) => {
    live(signal);
    const page = await api("GET", "/v1/tasks?limit=100");
    main.append(h("h1", {}, "Tasks"), table(page.data, [
      ["task", (t) => t.id.slice(0, 8)],
      ["runner", (t) => t.runner],
      ["status", (t) => status(t.status)],
      ["made", (t) => when(t.created_at)],
      ["cost", (t) => (t.usage.cost_usd == null ? "—" : `$${t.usage.cost_usd.toFixed(4)}`)],
    ], (t) => go(`#/tasks/${enc(t.id)}`)));
  });

  route(/^\/threads$/, async (main) => {
    const page = await api("GET", "/v1/threads?limit=100");
    main.append(h("h1", {}, "Threads"), table(page.data, [
      ["thread", (t) => t.key || t.id.slice(0, 8)],
      ["status", (t) => status(t.status)],
      ["messages", (t) => t.message_count],
      ["updated", (t) => when(t.updated_at)],
    ], (t) => go(`#/threads/${enc(t.id)}`)));
  });

  route(/^\/threads\/([^/]+)$/, async (main, id) => {
    const [thread, messages] = await Promise.all([
      api("GET", `/v1/threads/${enc(id)}`),
      api("GET", `/v1/threads/${enc(id)}/messages?limit=100`),
    ]);
    main.append(h("h1", {}, `Thread ${thread.key || thread.id}`), table(messages.data, [
      ["#", (m) => m.seq],
      ["role", (m) => m.role],
      ["content", (m) => h("div.output", {}, m.content || (m.tool_calls ? JSON.stringify(m.tool_calls) : ""))],
      ["task", (m) => h("a", { href: `#/tasks/${enc(m.task_id)}` }, String(m.task_id).slice(0, 8))],
    ]));
  });

  route(/^\/queues$/, async (main) => {
    const page = await api("GET", "/v1/queues?limit=100");
    main.append(h("h1", {}, "Queues"), table(page.data, [
      ["queue", (q) => q.name],
      ["pending", (q) => q.depth.pending],
      ["delayed", (q) => q.depth.delayed],
      ["leased", (q) => q.depth.leased],
      ["running", (q) => q.depth.running],
      ["dead", (q) => q.depth.dead],
      ["consumers", (q) => q.consumers.runners.join(", ") || "—"],
    ]));
  });

  route(/^\/schedules$/, async (main) => {
    const page = await api("GET", "/v1/schedules?limit=100");
    main.append(h("h1", {}, "Schedules"), table(page.data, [
      ["schedule", (s) => s.name || s.id.slice(0, 8)],
      ["cron", (s) => `${s.cron} (${s.timezone})`],
      ["target", (s) => s.target.runner || `queue ${s.target.queue}`],
      ["enabled", (s) => (s.enabled ? "yes" : "no")],
      ["next fire", (s) => when(s.next_fire_at)],
      ["last fire", (s) => when(s.last_fire_at)],
    ], (s) => go(`#/schedules/${enc(s.id)}`)));
  });

  route(/^\/schedules\/([^/]+)$/, async (main, id) => {
    const fires = await api("GET", `/v1/schedules/${enc(id)}/fires?limit=100`);
    main.append(h("h1", {}, "Fires"), table(fires.data, [
      ["tick", (f) => when(f.fire_at)],
      ["outcome", (f) => f.outcome],
      ["task", (f) => (f.task_id ? h("a", { href: `#/tasks/${enc(f.task_id)}` }, f.task_id.slice(0, 8)) : "—")],
    ]));
  });

  route(/^\/webhooks$/, async (main) => {
    const page = await api("GET", "/v1/webhooks?limit=100");
    main.append(h("h1", {}, "Webhooks"), table(page.data, [
      ["url", (w) => w.url],
      ["events", (w) => w.events.join(", ")],
      ["enabled", (w) => (w.enabled ? "yes" : `no: ${w.disabled_reason || ""}`)],
    ], (w) => go(`#/webhooks/${enc(w.id)}`)));
  });

  route(/^\/webhooks\/([^/]+)$/, async (main, id) => {
    const deliveries = await api("GET", `/v1/webhooks/${enc(id)}/deliveries?limit=100`);
    const redeliver = (d) => async (ev) => {
      ev.stopPropagation();
      await api("POST", `/v1/webhooks/${enc(id)}/deliveries/${enc(d.id)}/redeliver`, {});
      Errand.render();
    };
    main.append(h("h1", {}, "Deliveries"), table(deliveries.data, [
      ["event", (d) => d.event_type],
      ["status", (d) => d.status],
      ["tries", (d) => d.attempts],
      ["last answer", (d) => `${d.last_status_code || ""} ${d.last_error || ""}`.trim() || "—"],
      ["next try", (d) => when(d.next_attempt_at)],
      ["", (d) => h("button", { on: { click: redeliver(d) } }, "Redeliver")],
    ]));
  });

  route(/^\/files$/, async (main) => {
    const page = await api("GET", "/v1/files?limit=100");
    main.append(h("h1", {}, "Files"), table(page.data, [
      ["path", (f) => f.path],
      ["type", (f) => f.content_type],
      ["bytes", (f) => f.size_bytes],
      ["updated", (f) => when(f.updated_at)],
    ], (f) => go(`#/files/${enc(f.path)}`)));
  });

  route(/^\/files\/(.+)$/, async (main, path) => {
    const file = await api("GET", `/v1/files/${filePath(path)}`);
    main.append(h("h1", {}, file.path), h("pre", {}, file.content));
  });
})();
