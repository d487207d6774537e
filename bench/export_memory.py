"""Export memory benchmark: peak memory and time while streaming each format from SQLite.

Fills a fresh SQLite file with N reactions (200k by default; executemany, setup only),
then exports it once per format, each in a fresh child process so that peak RSS
(`ru_maxrss`) belongs to that format alone. A second child per format measures the
Python heap peak with tracemalloc (slower, so its time is not reported). Flat memory
means the peak stays a few MB whatever N is; compare `--rows 50000` with the default.

    python bench/export_memory.py
    python bench/export_memory.py --rows 1000000 --formats csv,json
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from scoreboard import exports
from scoreboard.codes import hash_token
from scoreboard.db import create_schema, make_engine
from scoreboard.models import Board

SLUG = "bench-talk"
COLUMNS = (
    "board_id, source, external_id, author, text, emoji, lang, score, label, status, pinned, "
    "received_at, segment"
)
WORDS = "great demo clear slow python async sqlite websocket projector phone question".split()


def fill(db_url: str, rows: int) -> None:
    engine = make_engine(db_url)
    create_schema(engine)
    with Session(engine) as session:
        board = Board(slug=SLUG, title="Bench talk", join_code="BENCH", token_hash=hash_token("x"))
        session.add(board)
        session.commit()
        board_id = board.id
    engine.dispose()
    start = datetime(2026, 5, 1, 14, 0, tzinfo=UTC)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        db.executemany(
            f"INSERT INTO reaction ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",  # noqa: S608
            (_row(board_id, n, start) for n in range(rows)),
        )


def _row(board_id: int | None, n: int, start: datetime) -> tuple[Any, ...]:
    score = ((n * 37) % 200 - 100) / 100
    text = " ".join(WORDS[(n + k * 3) % len(WORDS)] for k in range(8)) + f" #{n}"
    moment = (start + timedelta(milliseconds=27 * n)).strftime("%Y-%m-%d %H:%M:%S.%f")
    status = ("visible", "visible", "visible", "held", "hidden")[n % 5]
    label = "positive" if score > 0.2 else "negative" if score < -0.2 else "neutral"
    return (
        board_id,
        ("form", "api", "slack")[n % 3],
        f"bench-{n}",
        f"person {n % 997}" if n % 2 else None,
        text if n % 4 else None,
        ("👏", "🤔", "❤️", None)[n % 4],
        "en",
        score,
        label,
        status,
        n % 1000 == 0,
        moment,
        f"Part {n * 4 // 200_000 + 1}",
    )


def export_once(db_url: str, fmt: str) -> None:
    """Stream one export to /dev/null through the functions the HTTP endpoints use."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        board = session.exec(select(Board).where(Board.slug == SLUG)).one()
        assert board.id is not None
        header = exports.board_header(session, board, exports.utc_now(), exports.ExportFilter())
    with Path("/dev/null").open("wb") as sink:
        exports.write_export(sink, fmt, engine, header, board.id, exports.ExportFilter())
    engine.dispose()


def child(db_url: str, fmt: str, trace: bool) -> None:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    export_once(db_url, fmt)
    elapsed = time.perf_counter() - started
    peak_heap = tracemalloc.get_traced_memory()[1] if trace else 0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"seconds": elapsed, "rss_kib": peak_rss, "base_kib": baseline, "heap": peak_heap}
        )
    )


def measure(db_url: str, fmt: str, trace: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", fmt, "--db", db_url]
    result = subprocess.run(
        [*command, *(["--trace"] if trace else [])],
        capture_output=True,
        text=True,
        check=True,
    )
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--formats", default="csv,json,ndjson,xlsx")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.child, args.trace)
        return
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite:///{folder}/bench.db"
        started = time.perf_counter()
        fill(db_url, args.rows)
        size = Path(folder, "bench.db").stat().st_size / 2**20
        print(
            f"{args.rows} reactions inserted in {time.perf_counter() - started:.1f} s "
            f"({size:.0f} MiB database)"
        )
        print(
            f"{'format':<8}{'time':>9}{'rows/s':>10}{'peak RSS':>11}{'RSS growth':>12}"
            f"{'heap peak':>11}"
        )
        for fmt in args.formats.split(","):
            timed = measure(db_url, fmt, trace=False)
            traced = measure(db_url, fmt, trace=True)
            growth = (timed["rss_kib"] - timed["base_kib"]) / 1024
            print(
                f"{fmt:<8}{timed['seconds']:>8.1f}s{args.rows / timed['seconds']:>10.0f}"
                f"{timed['rss_kib'] / 1024:>9.0f}MB{growth:>10.0f}MB"
                f"{traced['heap'] / 2**20:>9.1f}MB"
            )


if __name__ == "__main__":
    main()
