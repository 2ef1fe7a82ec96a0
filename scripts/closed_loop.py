"""A Python closed-loop client against a running Errand: `clients` coroutines on one event
loop, each submitting a `mock` task with `?wait=30` and submitting the next as soon as the
answer arrives. Prints tasks/s and latency percentiles per client count.

    python scripts/closed_loop.py --url http://127.0.0.1:8080 --clients 16,64 \\
        --tasks 3000 --library aiohttp

`--library` picks the HTTP client: `httpx` (AsyncClient) or `aiohttp` (ClientSession);
install the one you pick. Creates the runner `closed-loop` (a `mock` runner answering at
once) when missing. The client's own CPU is part of the figure: on two cores the client
shares with the server, httpx's connection pool checks every connection on each request
(docs/benchmarks.md), so its rate falls as connections grow whatever the server does.
"""

import argparse
import asyncio
import os
import time

RUNNER = {
    "name": "closed-loop",
    "title": "Closed loop",
    "description": "Answers at once",
    "input_schema": {"type": "object"},
    "model": "mock",
    "model_settings": {"mock": {"text": "ok"}},
}


class Httpx:
    def __init__(self, url: str, headers: dict):
        import httpx

        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
        self.client = httpx.AsyncClient(
            base_url=url, headers=headers, limits=limits, timeout=60
        )

    async def post(self, path: str, body: dict) -> tuple[int, dict]:
        res = await self.client.post(path, json=body)
        return res.status_code, res.json()

    async def close(self) -> None:
        await self.client.aclose()


class Aiohttp:
    def __init__(self, url: str, headers: dict):
        import aiohttp

        self.url = url
        connector = aiohttp.TCPConnector(limit=256)
        self.client = aiohttp.ClientSession(
            headers=headers,
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=60),
        )

    async def post(self, path: str, body: dict) -> tuple[int, dict]:
        async with self.client.post(self.url + path, json=body) as res:
            return res.status, await res.json(content_type=None)

    async def close(self) -> None:
        await self.client.close()


async def one_level(client, clients: int, tasks: int) -> dict:
    latencies = []
    failures = 0
    remaining = tasks

    async def worker():
        nonlocal remaining, failures
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            status, task = await client.post(
                "/v1/runners/closed-loop/tasks?wait=30", {"arguments": {}}
            )
            latencies.append(time.perf_counter() - started)
            if status != 200 or task.get("status") != "succeeded":
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
    parser.add_argument("--library", choices=["httpx", "aiohttp"], default="httpx")
    parser.add_argument("--key", default=os.environ.get("ERRAND_API_KEY"))
    args = parser.parse_args()
    headers = {"authorization": f"Bearer {args.key}"} if args.key else {}
    client = (Httpx if args.library == "httpx" else Aiohttp)(args.url, headers)
    try:
        status, body = await client.post("/v1/runners", RUNNER)
        if status not in (201, 409):
            raise SystemExit(f"cannot create the runner: {status} {body}")
        await one_level(client, 16, 300)  # warm-up
        print(f"{args.library}:")
        print("| clients | tasks | tasks/s | p50 | p99 | failures |")
        print("|---|---|---|---|---|---|")
        for clients in [int(c) for c in args.clients.split(",")]:
            r = await one_level(client, clients, args.tasks)
            print(
                f"| {r['clients']} | {r['tasks']} | {r['rate']:.0f} | {r['p50']:.1f} ms "
                f"| {r['p99']:.1f} ms | {r['failures']} |"
            )
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
