"""A Python closed-loop client against a running Errand: `clients` coroutines on one event
loop (httpx.AsyncClient), each submitting a `mock` task with `?wait=30` and submitting the
next as soon as the answer arrives. Prints tasks/s and latency percentiles per client count.

    python scripts/closed_loop.py --url http://127.0.0.1:8080 --clients 16,64 --tasks 3000

Needs `httpx`. Creates the runner `closed-loop` (a `mock` runner answering at once) when
missing. What it measures is the service as a typical Python client sees it: the client's
own CPU is part of the figure (see docs/benchmarks.md).
"""

import argparse
import asyncio
import os
import time

import httpx

RUNNER = {
    "name": "closed-loop",
    "title": "Closed loop",
    "description": "Answers at once",
    "input_schema": {"type": "object"},
    "model": "mock",
    "model_settings": {"mock": {"text": "ok"}},
}


async def one_level(client: httpx.AsyncClient, clients: int, tasks: int) -> dict:
    latencies = []
    failures = 0
    remaining = tasks

    async def worker():
        nonlocal remaining, failures
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            res = await client.post(
                "/v1/runners/closed-loop/tasks?wait=30", json={"arguments": {}}
            )
            latencies.append(time.perf_counter() - started)
            if res.status_code != 200 or res.json().get("status") != "succeeded":
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    took = time.perf_counter() - started
    latencies.sort()

    def at(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000

    return {
        "clients": clients,
        "tasks": len(latencies),
        "rate": len(latencies) / took,
        "p50": at(0.50),
        "p99": at(0.99),
        "failures": failures,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--key", default=os.environ.get("ERRAND_API_KEY"))
    args = parser.parse_args()
    headers = {"authorization": f"Bearer {args.key}"} if args.key else {}
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(
        base_url=args.url, headers=headers, limits=limits, timeout=60
    ) as client:
        res = await client.post("/v1/runners", json=RUNNER)
        if res.status_code not in (201, 409):
            raise SystemExit(f"cannot create the runner: {res.status_code} {res.text}")
        await one_level(client, 16, 300)  # warm-up
        print("| clients | tasks | tasks/s | p50 | p99 | failures |")
        print("|---|---|---|---|---|---|")
        for clients in [int(c) for c in args.clients.split(",")]:
            r = await one_level(client, clients, args.tasks)
            print(
                f"| {r['clients']} | {r['tasks']} | {r['rate']:.0f} | {r['p50']:.1f} ms "
                f"| {r['p99']:.1f} ms | {r['failures']} |"
            )


if __name__ == "__main__":
    asyncio.run(main())
