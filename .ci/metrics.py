"""/metrics read by the Prometheus Python client's parser: after a task runs, every family
Errand documents parses, with the samples the task left (its end, its pickup, its model
call), and a request without a key is refused.

Usage: metrics.py BASE_URL API_KEY
"""

import json
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

BASE, KEY = sys.argv[1], sys.argv[2]


def call(method, path, body=None, key=True):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if key:
        request.add_header("authorization", f"Bearer {KEY}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def expect(got, want, what):
    if got != want:
        sys.exit(f"FAIL {what}: got {got!r}, want {want!r}")


status, _, _ = call("POST", "/v1/runners", {"name": "metered", "model_settings": {"mock": {"text": "ok"}}})
expect(status, 201, "create a runner")
status, _, body = call("POST", "/v1/runners/metered/tasks?wait=30", {"arguments": {}})
expect((status in (200, 201), json.loads(body)["status"]), (True, "succeeded"), "run a task to its end")

status, _, _ = call("GET", "/metrics", key=False)
expect(status, 401, "/metrics without a key")
status, headers, page = call("GET", "/metrics")
expect(status, 200, "/metrics with the key")
expect(headers["content-type"].split(";")[0], "text/plain", "the text format's media type")

families = {f.name: f for f in text_string_to_metric_families(page)}
for name in [
    "errand_tasks_ended", "errand_task_duration_seconds", "errand_task_pickup_seconds",
    "errand_model_calls", "errand_model_call_seconds", "errand_model_tokens",
    "errand_worker_slots", "errand_worker_slots_busy", "errand_tasks",
    "errand_queue_messages", "errand_queue_oldest_due_seconds", "errand_db_connections",
]:
    if name not in families:
        sys.exit(f"FAIL family {name} missing; got {sorted(families)}")


def value(family, suffix="", **labels):
    for sample in families[family].samples:
        if sample.name == family + suffix and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    sys.exit(f"FAIL no sample {family}{suffix} {labels}")


expect(value("errand_tasks_ended", "_total", project="default", runner="metered", status="succeeded"), 1.0, "one task ended")
expect(value("errand_task_pickup_seconds", "_count"), 1.0, "one pickup")
expect(value("errand_model_calls", "_total", provider="mock", outcome="ok") >= 1, True, "a model call")
expect(families["errand_task_pickup_seconds"].type, "histogram", "pickup is a histogram")
for sample in families["errand_tasks_ended"].samples:
    if "task_id" in sample.labels or any(len(v) == 36 and v.count("-") == 4 for v in sample.labels.values()):
        sys.exit(f"FAIL a task id in a label: {sample}")
print(f"metrics ok: {len(families)} families parsed")
