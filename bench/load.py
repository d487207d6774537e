"""Load benchmark: durable ingest and live fan-out of the real server, against ceilings.

Starts `python -m scoreboard serve` on a loopback port with a fresh SQLite file and
measures, printing one table with the targets of issue 7:

1. durable ingest: reactions acknowledged per second at 10, 50 and 200 concurrent
   senders, ack latency, errors, and that the database holds exactly what was acked;
2. fan-out: submit-to-screen latency and ticks per second at 100, 1,000 and 2,000
   websocket subscribers with a steady stream of posts, and the server's RSS;
3. the same loads against ceilings on the same machine in the same run (a bare FastAPI
   endpoint under uvicorn, bench/ceiling_http.py, and a `websockets.broadcast()` tick
   server, bench/ceiling_ws.py), each figure printed as a ratio of its ceiling; ingest
   alternates project and ceiling level by level for --rounds rounds and reports the
   median of the paired ratios, since a shared machine drifts within minutes;
4. slow clients: 10% of the subscribers stop reading; the others' p99 must hold.

    python bench/load.py              # the full run, 10 s per level (about 5 minutes)
    python bench/load.py --quick      # a smoke run of under a minute
    python bench/load.py --profile /tmp/prof   # also sample the server with py-spy

The client is Python (httpx, websockets) spread over --clients processes; the client
CPU share is printed so a reader can tell whether the client or the server was the limit.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.metadata
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.load_http import Ingest, ingest, one_after_another, run_async
from bench.load_report import (
    FanoutRow,
    IngestRow,
    print_fanout,
    print_ingest,
    print_profiles,
    print_targets,
)
from bench.load_servers import (
    ADMIN,
    Server,
    profiled,
    start_ceiling_http,
    start_ceiling_ws,
    start_scoreboard,
)
from bench.load_ws import Fanout, Posted, Subscribers, post_http, post_ws, slow_readers

BOARD_PATH = "/ws/boards/{slug}"
Poster = Callable[[float, float], Coroutine[Any, Any, Posted]]  # (rate, seconds)


def create_board(server: Server) -> str:
    """A fresh board on the server; returns its slug."""
    response = httpx.post(
        f"{server.base}/api/boards",
        json={"title": "Benchmark"},
        headers={"Authorization": f"Bearer {ADMIN}"},
        timeout=30,
    )
    response.raise_for_status()
    slug: str = response.json()["slug"]
    return slug


def stored_ids(db: Path, slug: str) -> set[int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        query = "SELECT r.id FROM reaction r JOIN board b ON b.id = r.board_id WHERE b.slug = ?"
        return {row[0] for row in conn.execute(query, (slug,))}


def measure_ingest(
    server: Server, slug: str, senders: int, args: argparse.Namespace, profile: Path | None
) -> tuple[Ingest, float]:
    cpu = server.cpu_seconds()
    with profiled(server, args.seconds + 2, profile):
        result = ingest(
            server.base, f"/api/boards/{slug}/reactions", senders, args.seconds, args.clients
        )
    return result, (server.cpu_seconds() - cpu) / max(result.seconds, 1e-9)


def run_ingest(args: argparse.Namespace, tmp: Path) -> tuple[list[IngestRow], str]:
    """Each round runs every level against the project, then against the ceiling, so
    each ratio compares two runs made a few seconds apart."""
    db = tmp / "ingest.db"
    server = start_scoreboard(db, args.tick_hz)
    ceiling = None if args.no_ceilings else start_ceiling_http()
    project_rounds: dict[int, list[tuple[Ingest, float]]] = {n: [] for n in args.senders}
    ceiling_rounds: dict[int, list[tuple[Ingest, float]]] = {n: [] for n in args.senders}
    try:
        slug = create_board(server)
        for round_ in range(args.rounds):
            for senders in args.senders:
                profiling = args.profile and senders == 50 and round_ == 0
                profile = args.profile / "ingest.txt" if profiling else None
                project_rounds[senders].append(measure_ingest(server, slug, senders, args, profile))
                if ceiling is not None:
                    ceiling_rounds[senders].append(
                        measure_ingest(ceiling, "ceiling", senders, args, None)
                    )
    finally:
        server.stop()
        if ceiling is not None:
            ceiling.stop()
    rows = [
        _row(senders, project_rounds[senders], ceiling_rounds[senders]) for senders in args.senders
    ]
    acked: set[int] = set().union(*(row.project.acked for row in rows))
    stored = stored_ids(db, slug)
    verdict = "exactly" if stored == acked else "NOT exactly"
    check = (
        f"database holds {verdict} the {len(acked)} acknowledged reactions "
        f"(missing {len(acked - stored)}, unacknowledged extra {len(stored - acked)})"
    )
    return rows, check


def _row(
    senders: int, project: list[tuple[Ingest, float]], ceiling: list[tuple[Ingest, float]]
) -> IngestRow:
    """One level's rounds (each a result and its server CPU share) as a table row; the
    ratios pair each project round with the ceiling round run right after it."""
    row = IngestRow(
        senders,
        one_after_another([result for result, _ in project]),
        one_after_another([result for result, _ in ceiling]) if ceiling else None,
        statistics.fmean(share for _, share in project),
    )
    if ceiling:
        row.ceiling_cpu = statistics.fmean(share for _, share in ceiling)
        pairs = zip(project, ceiling, strict=True)
        row.ratios = [p.rate / c.rate for (p, _), (c, _) in pairs if c.rate]
    return row


def measure_fanout(
    server: Server,
    url: str,
    count: int,
    args: argparse.Namespace,
    post: Poster,
    slow: int = 0,
    profile: Path | None = None,
) -> tuple[Fanout, float, float, Posted]:
    """Fan-out of `count` subscribers (plus `slow` non-readers) while `post` sends texts;
    returns what they saw, RSS, server CPU share and the posts' outcome. Profiles only the posts."""
    with slow_readers(server.port, urlsplit(url).path, slow):
        subscribers = Subscribers(url, count, args.clients)
        connected = subscribers.connect()
        if connected < count:
            print(f"  warning: {connected} of {count} subscribers connected", file=sys.stderr)
        start = time.monotonic()
        subscribers.go(start, start + args.seconds)
        cpu = server.cpu_seconds()
        with profiled(server, args.seconds, profile):
            posted: Posted = run_async(post(args.rate, args.seconds))
            server_cpu = (server.cpu_seconds() - cpu) / (time.monotonic() - start)
        time.sleep(0.5)  # the last ticks
        rss = server.rss_mb()
        return subscribers.finish(), rss, server_cpu, posted


def run_fanout(args: argparse.Namespace, tmp: Path) -> list[FanoutRow]:
    server = start_scoreboard(tmp / "fanout.db", args.tick_hz)
    rows: list[FanoutRow] = []
    try:
        slug = create_board(server)
        url = f"ws://127.0.0.1:{server.port}{BOARD_PATH.format(slug=slug)}"
        post = functools.partial(post_http, server.base, slug)
        for count in args.subscribers:
            last = count == max(args.subscribers)
            profile = args.profile / "fanout.txt" if args.profile and last else None
            result, rss, cpu, fails = measure_fanout(server, url, count, args, post, 0, profile)
            rows.append(FanoutRow(str(count), count, result, None, rss, cpu, args.seconds, fails))
        count = max(args.subscribers)
        slow = count // 10
        result, rss, cpu, fails = measure_fanout(server, url, count - slow, args, post, slow)
        rows.append(
            FanoutRow(
                f"{count - slow}+{slow} slow", count, result, None, rss, cpu, args.seconds, fails
            )
        )
    finally:
        server.stop()
    if not args.no_ceilings:
        biggest = max(rows[:-1], key=lambda row: row.subscribers).project
        pad = max(200, biggest.tick_bytes // max(biggest.ticks, 1) - 120)
        ceiling = start_ceiling_ws(args.tick_hz, pad)
        try:
            url = f"ws://127.0.0.1:{ceiling.port}/ws/ceiling"
            publish = functools.partial(post_ws, f"ws://127.0.0.1:{ceiling.port}/publish")
            for row in rows[:-1]:
                row.ceiling, _, row.ceiling_cpu, _ = measure_fanout(
                    ceiling, url, row.subscribers, args, publish
                )
        finally:
            ceiling.stop()
    return rows


def machine() -> str:
    versions = []
    for package in ("uvloop", "httptools", "uvicorn", "websockets", "httpx"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} absent")
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        + ", ".join(versions)
    )


def machine_busy() -> tuple[float, float]:
    """(CPU seconds the whole machine was busy, CPU seconds of this run's processes)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    ours = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return busy, sum(usage.ru_utime + usage.ru_stime for usage in ours)


def fsync_ms(directory: Path, count: int = 20) -> float:
    """Median time of a 4 KiB write + fsync where the database lives: durable ingest
    cannot acknowledge faster than this disk commits."""
    times = []
    with (directory / "fsync-probe").open("wb") as probe:
        for _ in range(count):
            started = time.perf_counter()
            probe.write(b"x" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
            times.append(time.perf_counter() - started)
    return 1000 * sorted(times)[count // 2]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def raise_open_files(needed: int) -> None:
    """Servers and client processes inherit the limit; 2,000 sockets need more than 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join((__doc__ or "").splitlines()[1:]),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 3 s levels, 50 senders, 100 and 2,000 subscribers",
    )
    parser.add_argument("--seconds", type=float, help="length of each level (default 10, quick 3)")
    parser.add_argument("--senders", type=int, nargs="+", help="ingest levels (default 10 50 200)")
    parser.add_argument(
        "--subscribers", type=int, nargs="+", help="fan-out levels (default 100 1000 2000)"
    )
    parser.add_argument("--rate", type=float, default=20.0, help="posts per second during fan-out")
    parser.add_argument(
        "--tick-hz", type=float, default=10.0, help="SCOREBOARD_TICK_HZ for the server"
    )
    parser.add_argument("--clients", type=int, default=2, help="client processes (default 2)")
    parser.add_argument(
        "--rounds", type=int, help="ingest rounds, project and ceiling alternating (default 3)"
    )
    parser.add_argument("--no-ceilings", action="store_true", help="skip the ceiling runs")
    parser.add_argument(
        "--skip", choices=["ingest", "fanout"], action="append", default=[], help="skip a part"
    )
    parser.add_argument("--profile", type=Path, help="write py-spy raw profiles of the server here")
    args = parser.parse_args()
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.senders = args.senders or ([50] if args.quick else [10, 50, 200])
    args.subscribers = args.subscribers or ([100, 2000] if args.quick else [100, 1000, 2000])
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    return args


def main() -> None:
    args = parse_args()
    raise_open_files(4 * max(args.subscribers) + 1024)
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"load average before: {load_average()} (other work on the machine adds noise)")
    busy, ours, wall = *machine_busy(), time.monotonic()
    ingest_rows: list[IngestRow] = []
    fanout_rows: list[FanoutRow] = []
    with tempfile.TemporaryDirectory(prefix="scoreboard-load-") as tmp:
        print(f"disk: write + fsync of 4 KiB takes {fsync_ms(Path(tmp)):.1f} ms (median of 20)")
        if "ingest" not in args.skip:
            ingest_rows, check = run_ingest(args, Path(tmp))
            print_ingest(ingest_rows, check, args)
        if "fanout" not in args.skip:
            fanout_rows = run_fanout(args, Path(tmp))
            print_fanout(fanout_rows, args)
    print_targets(ingest_rows, fanout_rows)
    busy_now, ours_now = machine_busy()
    wall = time.monotonic() - wall
    others = 100 * (busy_now - busy - (ours_now - ours)) / wall
    print(
        f"load average after: {load_average()}; other processes used {others:.0f}% of a core "
        f"on average during the run ({os.cpu_count()} cores = {100 * (os.cpu_count() or 1)}%)"
    )
    if args.profile:
        print_profiles(args.profile)


if __name__ == "__main__":
    main()
