"""Durable ingest benchmark: reactions acknowledged per second against the real server.

Starts `scoreboard serve` (the command users run) on a loopback port with a fresh
SQLite file, sends reactions from C concurrent senders for a few seconds, prints
throughput and acknowledgement latency, then checks the database holds exactly the
acknowledged reactions.

    python bench/ingest.py                      # 10, 50 and 200 senders, 10 s each
    python bench/ingest.py --senders 50 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ADMIN = "bench-admin-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SCOREBOARD_DATABASE_URL": f"sqlite:///{db}",
        "SCOREBOARD_ADMIN_TOKEN": ADMIN,
        "SCOREBOARD_RATE_LIMIT": "0",
        "SCOREBOARD_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "scoreboard", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        time.sleep(0.1)
    server.kill()
    raise SystemExit("server did not start")


async def sender(
    base: str, url: str, until: float, name: str, latencies: list[float]
) -> tuple[set[int], int]:
    """One phone: its own connection, one request at a time (httpx's shared pool
    costs the client more CPU than the server spends on a request)."""
    acknowledged: set[int] = set()
    errors = 0
    n = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < until:
            n += 1
            body = {"text": f"sender {name} says great talk {n}", "client_id": f"{name}-{n}"}
            started = time.perf_counter()
            try:
                response = await http.post(url, json=body)
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code == 201:
                acknowledged.add(response.json()["id"])
            else:
                errors += 1
    return acknowledged, errors


async def run_level(port: int, slug: str, senders: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    base = f"http://127.0.0.1:{port}"
    until = time.monotonic() + seconds
    url = f"/api/boards/{slug}/reactions"
    started = time.monotonic()
    results = await asyncio.gather(
        *(sender(base, url, until, f"c{senders}s{i}", latencies) for i in range(senders))
    )
    elapsed = time.monotonic() - started
    acknowledged = set().union(*(ids for ids, _ in results))
    latencies.sort()
    return {
        "senders": senders,
        "acked": len(acknowledged),
        "rate": len(acknowledged) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max": latencies[-1] * 1000,
        "errors": sum(errors for _, errors in results),
        "ids": acknowledged,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, nargs="*", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        port = free_port()
        server = start_server(db, port)
        try:
            board = httpx.post(
                f"http://127.0.0.1:{port}/api/boards",
                json={"title": "Benchmark"},
                headers={"Authorization": f"Bearer {ADMIN}"},
            ).json()
            rows = [
                asyncio.run(run_level(port, board["slug"], n, args.seconds)) for n in args.senders
            ]
        finally:
            server.terminate()
            server.wait(10)
        with contextlib.closing(sqlite3.connect(db)) as conn:
            stored = {row[0] for row in conn.execute("SELECT id FROM reaction")}
    print(f"durable ingest, {args.seconds:.0f} s per level, python {sys.version.split()[0]}")
    print(f"{'senders':>8} {'acked/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    acknowledged: set[int] = set()
    for row in rows:
        acknowledged |= row["ids"]  # type: ignore[arg-type]
        print(
            f"{row['senders']:>8} {row['rate']:>9.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['max']:>8.1f} {row['errors']:>7.0f}"
        )
    verdict = "exactly" if stored == acknowledged else "NOT exactly"
    print(f"database holds {verdict} the {len(acknowledged)} acknowledged reactions")


if __name__ == "__main__":
    main()
