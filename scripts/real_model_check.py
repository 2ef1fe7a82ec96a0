"""The checks of scripts/real-model-check.sh: Errand (first argument, its base URL) against a
llama.cpp server (second argument) serving SmolLM2-135M-Instruct. Exits non-zero on a failed
check; prints the figures recorded in docs/benchmarks.md."""

import json
import statistics
import sys
import time

import httpx

ERRAND, LLAMA = sys.argv[1], sys.argv[2]
MODEL = "openai/smollm2"
PROMPT = "Write two sentences about the sea."
SETTINGS = {"max_tokens": 64, "temperature": 0}
errand = httpx.Client(base_url=ERRAND, timeout=180)


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        sys.exit(1)


def runner(name, **extra):
    body = {"name": name, "model": MODEL, "model_settings": SETTINGS, **extra}
    res = errand.put(f"/v1/runners/{name}", json=body)
    check(res.status_code in (200, 201), f"runner {name} registered ({res.status_code})")


def run(name, arguments):
    """Submits a task and waits (in rounds of the server's longest wait) until it ends."""
    task = errand.post(f"/v1/runners/{name}/tasks?wait=60", json={"arguments": arguments}).json()
    check("id" in task, f"task of {name} accepted ({task.get('detail', '')})")
    while task["status"] in ("queued", "running"):
        task = errand.get(f"/v1/tasks/{task['id']}?wait=60").json()
    return task


def sse(method, url, **kwargs):
    """Yields (arrival time, event type, data) of an Errand event stream."""
    with errand.stream(method, url, headers={"Accept": "text/event-stream"}, **kwargs) as res:
        event = None
        for line in res.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                yield time.perf_counter(), event, json.loads(line[6:])


# Started with OPENAI_BASE_URL only: Errand asked the server which kind it is.
provider = next(p for p in errand.get("/v1/models").json()["data"] if p["name"] == "openai")
check(provider["kind"] == "llamacpp" and provider["kind_detected"],
      f"the server was detected as llama.cpp: {provider['kind']} (detected: {provider['kind_detected']})")

runner("plain")
task = run("plain", {"prompt": PROMPT})
check(task["status"] == "succeeded" and task["output"], f"a plain task succeeds: {task['output']!r}")
usage = task["usage"]
check(usage["output_tokens"] and usage["output_tokens"] > 0,
      f"usage is known or marked estimated: {usage}")

schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
runner("capital", output_schema=schema)
task = run("capital", {"prompt": "What is the capital of France?"})
check(task["status"] == "succeeded" and isinstance(task["output"].get("city"), str),
      f"a schema task succeeds on default runner settings: {task['output']} ({task.get('error')})")
steps = errand.get(f"/v1/tasks/{task['id']}/steps").json()["data"]
print(f"      structured-output mode used: {steps[0]['request']['response_format']}")

# Tool calling on a 135M model behind llama-cpp-python's default chat format: a task must
# end at once, with the tool really called, an answer without it, or a clear
# `tools_unsupported` — never looping through repair turns or running into its timeout.
runner("calc", toolkits=["calculator"], output_schema={"type": "number"})
runner("must-calc", toolkits=["calculator"], output_schema={"type": "number"},
       model_settings={**SETTINGS, "tool_choice": "required"})
for name in ("calc", "must-calc"):
    task = run(name, {"prompt": "What is 6 times 7? Use the calculator tool."})
    steps = errand.get(f"/v1/tasks/{task['id']}/steps").json()["data"]
    called = any(s["kind"] == "tool_result" for s in steps)
    error = task.get("error") or {}
    fine = task["status"] == "succeeded" or error.get("code") == "tools_unsupported"
    check(fine and task["attempts"] == 1 and len(steps) <= 3,
          f"{name}: {task['status']} {error.get('code') or task.get('output')} after {len(steps)} "
          f"steps, tool called: {called} {error.get('message', '')}")

events = list(sse("POST", "/v1/runners/plain/tasks?stream=true", json={"arguments": {"prompt": PROMPT}}))
kinds = [e[1] for e in events]
check(kinds[-1] == "task.succeeded" and "message.delta" in kinds,
      f"a streamed task: {kinds.count('message.delta')} deltas, then {kinds[-1]}")

runner("long", model_settings={"max_tokens": 1000, "temperature": 0.7})
started = errand.post("/v1/runners/long/tasks", json={"arguments": {"prompt": "Tell a very long story."}}).json()
for _, kind, _ in sse("GET", f"/v1/tasks/{started['id']}/events"):
    if kind == "message.delta":
        errand.post(f"/v1/tasks/{started['id']}/cancel")
        break
ended = errand.get(f"/v1/tasks/{started['id']}?wait=30").json()
while ended["status"] in ("queued", "running"):
    ended = errand.get(f"/v1/tasks/{started['id']}?wait=30").json()
partial = ended["error"]["details"].get("partial_output", "") if ended.get("error") else ""
check(ended["status"] == "cancelled", f"a cancel mid-stream ends it with {len(partial)} characters kept")
# The server dropped the abandoned generation: it answers a new request at once.
t = time.perf_counter()
quick = httpx.post(f"{LLAMA}/v1/chat/completions", timeout=60, json={
    "model": "smollm2", "max_tokens": 1, "messages": [{"role": "user", "content": "Hi"}]})
check(quick.status_code == 200 and time.perf_counter() - t < 5,
      f"the server was free again after the cancel ({(time.perf_counter() - t) * 1000:.0f} ms)")


def direct():
    """Time to first text and tokens/s straight from the server (one chunk a token)."""
    t0 = time.perf_counter()
    first = last = None
    chunks = 0
    body = {"model": "smollm2", "stream": True, "messages": [{"role": "user", "content": PROMPT}],
            **SETTINGS}
    with httpx.stream("POST", f"{LLAMA}/v1/chat/completions", json=body, timeout=120) as res:
        for line in res.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            delta = json.loads(line[6:])["choices"][0]["delta"].get("content")
            if delta:
                now = time.perf_counter()
                first = first or now
                last = now
                chunks += 1
    return (first - t0) * 1000, chunks / (last - first), chunks


def through_errand(tokens):
    t0 = time.perf_counter()
    first = done = None
    for at, kind, _ in sse("POST", "/v1/runners/plain/tasks?stream=true",
                           json={"arguments": {"prompt": PROMPT}}):
        if kind == "message.delta" and first is None:
            first = at
        if kind == "message.completed":
            done = at
    return (first - t0) * 1000, tokens / (done - first)


runs = [direct() for _ in range(5)]
tokens = runs[0][2]
via = [through_errand(tokens) for _ in range(5)]
d_ttft = statistics.median(r[0] for r in runs)
d_tps = statistics.median(r[1] for r in runs)
e_ttft = statistics.median(r[0] for r in via)
e_tps = statistics.median(r[1] for r in via)
print(f"      {tokens} tokens a reply, 5 runs each")
print(f"      first text: server {d_ttft:.1f} ms, through Errand {e_ttft:.1f} ms (+{e_ttft - d_ttft:.1f} ms)")
print(f"      tokens/s:   server {d_tps:.1f}, through Errand {e_tps:.1f}")
# Errand may add one delta-coalescing window (50 ms) plus 10 ms at p50, and lose no tokens/s.
check(e_ttft - d_ttft <= 60, "first text through Errand within one coalescing window + 10 ms")
check(e_tps >= d_tps * 0.9, "no loss of tokens/s through Errand (within 10 % run-to-run)")
