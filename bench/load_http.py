"""Durable-ingest load for bench/load.py: C concurrent senders spread over client processes.

Each sender is one phone: its own httpx.AsyncClient (one keep-alive connection) and
one request at a time, because httpx's shared pool costs the client more CPU than the
server spends on a request. The URL is parsed once and bodies are encoded with orjson:
the client's CPU is taken from the same two cores as the server's. Senders are spread
over several processes so that, on a small machine, the figures measure the server
rather than the Python client.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

SPAWN = multiprocessing.get_context("spawn")
JSON = {"content-type": "application/json"}


@dataclass
class Ingest:
    """What a level of senders achieved; merged over client processes."""

    acked: set[int] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0

    def merge(self, other: Ingest) -> None:
        self.acked |= other.acked
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds = max(self.seconds, other.seconds)
        self.client_cpu += other.client_cpu

    @property
    def rate(self) -> float:
        return len(self.acked) / self.seconds if self.seconds else 0.0


def one_after_another(parts: list[Ingest]) -> Ingest:
    """Rounds of the same level as one result: their time adds up, so the rate is the
    rounds' mean (merge is for client processes that ran at the same time)."""
    total = Ingest()
    for part in parts:
        total.merge(part)
    total.seconds = sum(part.seconds for part in parts)
    return total


def run_async(main: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run on uvloop when it is installed (as the server does)."""
    runner: Callable[[Coroutine[Any, Any, Any]], Any] = asyncio.run
    with contextlib.suppress(ImportError):
        import uvloop

        runner = uvloop.run
    return runner(main)


async def _sender(
    http: httpx.AsyncClient, url: httpx.URL, name: str, until: float, into: Ingest
) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        body = orjson.dumps({"text": f"{name} says great talk {n}", "client_id": f"{name}-{n}"})
        started = time.monotonic()
        try:
            response = await http.post(url, content=body)
        except httpx.HTTPError:
            into.errors += 1
            continue
        into.latencies.append(time.monotonic() - started)
        if response.status_code == 201:
            into.acked.add(orjson.loads(response.content)["id"])
        else:
            into.errors += 1


async def _senders(
    base: str, path: str, names: list[str], start_at: float, seconds: float
) -> Ingest:
    into = Ingest(seconds=seconds)
    clients = [httpx.AsyncClient(headers=JSON, timeout=30) for _ in names]
    url = httpx.URL(base + path)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    cpu = time.process_time()
    until = start_at + seconds
    await asyncio.gather(
        *(_sender(c, url, n, until, into) for c, n in zip(clients, names, strict=True))
    )
    into.seconds = time.monotonic() - start_at
    into.client_cpu = time.process_time() - cpu
    await asyncio.gather(*(c.aclose() for c in clients))
    return into


def _worker(
    results: Any, base: str, path: str, names: list[str], start_at: float, seconds: float
) -> None:
    results.put(run_async(_senders(base, path, names, start_at, seconds)))


def ingest(base: str, path: str, senders: int, seconds: float, processes: int) -> Ingest:
    """Run `senders` senders for `seconds` against base+path; CLOCK_MONOTONIC is shared
    by all processes, so they start together at one agreed instant."""
    results = SPAWN.Queue()
    start_at = time.monotonic() + 2.5
    names = [f"c{senders}-{time.time_ns()}-s{i}" for i in range(senders)]
    workers = [
        SPAWN.Process(
            target=_worker,
            args=(results, base, path, names[k::processes], start_at, seconds),
            daemon=True,
        )
        for k in range(min(processes, senders))
    ]
    for worker in workers:
        worker.start()
    total = Ingest()
    for _ in workers:
        total.merge(results.get(timeout=seconds + 90))
    for worker in workers:
        worker.join(10)
        if worker.is_alive():
            worker.kill()
    return total
