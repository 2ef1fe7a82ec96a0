#!/usr/bin/env python3
"""Measures the time from `POST /v1/runners/{name}/tasks` to `succeeded` for a `mock` task.

Usage: scripts/latency.py [BASE_URL] [N]   (defaults: http://127.0.0.1:8080, 20)

Prints the client-observed latency (POST sent → GET shows succeeded, polling every 2 ms)
and the server-side one (created_at → finished_at), as median / p90 / max in milliseconds.
Standard library only.
"""
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20
RUNNER = "latency-bench"


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method,
                                 headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def summary(name, xs):
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(len(xs) * 0.9))]
    print(f"{name:<28} median {statistics.median(xs):7.1f} ms   p90 {p90:7.1f} ms   max {xs[-1]:7.1f} ms")


def main():
    call("PUT", f"/v1/runners/{RUNNER}", {
        "input_schema": {"type": "object", "properties": {"i": {"type": "integer"}}},
        "output_schema": {"type": "object", "required": ["i"]},
        "model": "mock",
    })
    client, server = [], []
    for i in range(N):
        start = time.perf_counter()
        status, task = call("POST", f"/v1/runners/{RUNNER}/tasks", {"arguments": {"i": i}})
        assert status == 202, task
        while task["status"] in ("queued", "running"):
            time.sleep(0.002)
            _, task = call("GET", f"/v1/tasks/{task['id']}")
        elapsed = (time.perf_counter() - start) * 1000
        assert task["status"] == "succeeded", task
        client.append(elapsed)
        server.append((ts(task["finished_at"]) - ts(task["created_at"])).total_seconds() * 1000)
    print(f"{N} mock tasks against {BASE}")
    summary("POST → succeeded (client)", client)
    summary("created → finished (server)", server)


if __name__ == "__main__":
    main()
