"""The printed report of bench/load.py: result rows, the tables, the targets, the profiles."""

from __future__ import annotations

import argparse
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench.load_http import Ingest
from bench.load_servers import top_costs
from bench.load_ws import Fanout, Posted


@dataclass
class IngestRow:
    """One level of senders over all rounds; `ratios` pairs each round with its ceiling."""

    senders: int
    project: Ingest
    ceiling: Ingest | None
    server_cpu: float
    ceiling_cpu: float = float("nan")
    ratios: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """The median of the paired ratios: robust to a round the machine was busier."""
        return statistics.median(self.ratios) if self.ratios else float("nan")


@dataclass
class FanoutRow:
    label: str
    subscribers: int
    project: Fanout
    ceiling: Fanout | None
    rss_mb: float
    server_cpu: float
    seconds: float
    posted: Posted
    ceiling_cpu: float = float("nan")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile in milliseconds (nan when there are no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def ratio(value: float, ceiling: float) -> str:
    return f"{value / ceiling:.2f}" if ceiling and ceiling == ceiling else "-"


def columns(cells: list[tuple[str, int]]) -> str:
    return " ".join(f"{text:>{width}}" for text, width in cells)


def ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q):.1f}" if values else "-"


def per_unit(share: float, rate: float) -> str:
    """Server CPU microseconds per unit of work: robust to a busy machine, unlike rates."""
    return f"{1e6 * share / rate:.0f}" if rate and share == share else "-"


def cpu(seconds: float, wall: float) -> str:
    return f"{100 * seconds / wall:.0f}%" if wall else "-"


INGEST_HEAD = [
    ("senders", 7), ("acked/s", 8), ("p50 ms", 7), ("p99 ms", 7), ("max ms", 7), ("errors", 6),
    ("ceiling/s", 9), ("ratio", 5), ("ceil p99", 8), ("server CPU", 10), ("ceil CPU", 8),
    ("client CPU", 10), ("us/ack", 6), ("ceil us", 7),
]  # fmt: skip


def print_ingest(rows: list[IngestRow], check: str, args: argparse.Namespace) -> None:
    print(
        f"\nDurable ingest: POST /api/boards/SLUG/reactions, {args.seconds:g} s per level, "
        f"{args.rounds} round(s); rates are the rounds' mean, ratio the median of the rounds'"
    )
    print(columns(INGEST_HEAD))
    for row in rows:
        p, c = row.project, row.ceiling
        cells = [f"{row.senders}", f"{p.rate:.0f}", ms(p.latencies, 50), ms(p.latencies, 99)]
        cells += [ms(p.latencies, 100), f"{p.errors}", f"{c.rate:.0f}" if c else "-"]
        cells += [f"{row.ratio:.2f}" if c else "-", ms(c.latencies, 99) if c else "-"]
        cells += [f"{100 * row.server_cpu:.0f}%", f"{100 * row.ceiling_cpu:.0f}%"]
        cells += [cpu(p.client_cpu, p.seconds), per_unit(row.server_cpu, p.rate)]
        cells += [per_unit(row.ceiling_cpu, c.rate) if c else "-"]
        print(columns([(text, width) for text, (_, width) in zip(cells, INGEST_HEAD, strict=True)]))
    for row in rows:
        if len(row.ratios) > 1:
            each = " ".join(f"{value:.2f}" for value in row.ratios)
            print(f"ratio per round at {row.senders} senders: {each}")
    print(check)
    client_note([row.project.client_cpu / row.project.seconds for row in rows], args)
    print("us/ack = server CPU microseconds per acknowledged reaction (ceil us: per request).")
    print_ratio_parts(rows)


RATIO_HEAD = [
    ("senders", 7), ("CPU us", 6), ("ceil us", 7), ("CPU x", 5), ("busy", 5),
    ("ceil busy", 9), ("busy x", 6), ("rate x", 6),
]  # fmt: skip


def _cost_and_busy(result: Ingest, server_share: float) -> tuple[float, float]:
    """Server plus client CPU per request (us) and the share of the machine's cores busy."""
    shares = server_share + result.client_cpu / result.seconds
    return 1e6 * shares / result.rate, shares / (os.cpu_count() or 1)


def print_ratio_parts(rows: list[IngestRow]) -> None:
    """Where the ratio comes from: the server and its clients share the cores, so a rate
    is the cores kept busy over the CPU a request costs both. The rates' ratio is the
    product of the two ratios below: work added per request, and time the cores idle."""
    rows = [row for row in rows if row.ceiling and row.project.rate and row.ceiling.rate]
    if not rows:
        return
    print("\nWhere the ratio comes from: server and clients share the cores, so the ratio of the")
    print("rounds' mean rates is rate x = CPU x (ceiling's CPU per request / project's) * busy x")
    print("(busy / ceiling's); CPU us = server + client CPU per request, busy = all cores' use")
    print(columns(RATIO_HEAD))
    for row in rows:
        assert row.ceiling is not None
        cost, busy = _cost_and_busy(row.project, row.server_cpu)
        ceiling_cost, ceiling_busy = _cost_and_busy(row.ceiling, row.ceiling_cpu)
        cells = [f"{row.senders}", f"{cost:.0f}", f"{ceiling_cost:.0f}"]
        cells += [f"{ceiling_cost / cost:.2f}", f"{100 * busy:.0f}%", f"{100 * ceiling_busy:.0f}%"]
        cells += [f"{busy / ceiling_busy:.2f}", f"{row.project.rate / row.ceiling.rate:.2f}"]
        print(columns([(text, width) for text, (_, width) in zip(cells, RATIO_HEAD, strict=True)]))


FANOUT_HEAD = [
    ("subscribers", 15), ("p50 ms", 7), ("p99 ms", 7), ("max ms", 7), ("tick/s", 6),
    ("bytes", 6), ("proj p99", 8), ("post p99", 8),
    ("closed", 6), ("RSS MB", 6), ("ceil p99", 8), ("p99 x", 5),
    ("tick/s x", 8), ("server CPU", 10), ("ceil CPU", 8), ("client CPU", 10), ("us/msg", 6),
    ("ceil us", 7),
]  # fmt: skip


def tick_rate(result: Fanout, seconds: float) -> float:
    return result.ticks / max(result.connected, 1) / seconds


def print_fanout(rows: list[FanoutRow], args: argparse.Namespace) -> None:
    print(
        f"\nFan-out: {args.rate:g} posts/s for {args.seconds:g} s, "
        f"at most {args.tick_hz:g} ticks/s;"
        " latency: post sent -> first tick holding it, at every subscriber"
    )
    print(columns(FANOUT_HEAD))
    for row in rows:
        p, c = row.project, row.ceiling
        p99, ticks = percentile(p.latencies, 99), tick_rate(p, row.seconds)
        cells = [row.label, ms(p.latencies, 50), ms(p.latencies, 99), ms(p.latencies, 100)]
        cells += [f"{ticks:.1f}", f"{p.tick_bytes // max(p.ticks, 1)}", ms(p.projector, 99)]
        cells += [ms(row.posted[1], 99)]
        cells += [f"{p.closed}", f"{row.rss_mb:.0f}", ms(c.latencies, 99) if c else "-"]
        cells += [ratio(p99, percentile(c.latencies, 99)) if c else "-"]
        cells += [ratio(ticks, tick_rate(c, row.seconds)) if c else "-"]
        cells += [f"{100 * row.server_cpu:.0f}%", f"{100 * row.ceiling_cpu:.0f}%"]
        cells += [cpu(p.client_cpu, row.seconds)]
        cells += [per_unit(row.server_cpu, ticks * p.connected)]
        cells += [per_unit(row.ceiling_cpu, tick_rate(c, row.seconds) * c.connected) if c else "-"]
        print(columns([(text, width) for text, (_, width) in zip(cells, FANOUT_HEAD, strict=True)]))
        if row.posted[0]:
            print(f"{'':>15} ({row.posted[0]} posts failed)")
    client_note([row.project.client_cpu / row.seconds for row in rows], args)
    print(
        "CPU columns are % of one core over the level; the client figure sums its "
        f"{args.clients} processes (the poster not included). x = project / ceiling; "
        "us/msg = server CPU microseconds per tick delivered to one subscriber; "
        "post p99 = acknowledgement of the fan-out posts, part of submit-to-screen."
    )


def client_note(shares: list[float], args: argparse.Namespace) -> None:
    """Warn when the Python client, not the server, may have been the limit."""
    if max(shares, default=0.0) > 0.8 * args.clients:
        print(
            f"WARNING: the {args.clients} client processes used over 80% of their cores: these "
            "figures may measure the client; try more --clients on a machine with more cores."
        )


def target(name: str, value: str, ok: bool, note: str = "") -> None:
    print(f"  {name:<38}{value:>12}  {'PASS' if ok else 'MISS'}{note}")


def print_targets(ingest_rows: list[IngestRow], fanout_rows: list[FanoutRow]) -> None:
    print("\nTargets (issue 7, 2-core machine)")
    at50 = next((row for row in ingest_rows if row.senders == 50), None)
    if at50:
        p = at50.project
        share = at50.ratio
        p99 = percentile(p.latencies, 99)
        target("ingest >= 2,000/s at 50 senders", f"{p.rate:.0f}/s", p.rate >= 2000)
        target("ingest p99 < 100 ms at 50 senders", f"{p99:.1f} ms", p99 < 100)
        target("ingest errors = 0 at 50 senders", f"{p.errors}", p.errors == 0)
        target("ingest >= 70% of HTTP ceiling", f"{100 * share:.0f}%", share >= 0.7)
    full = [row for row in fanout_rows if row.subscribers == 2000]
    if len(full) == 2:
        base, slow = full
        p99, ticks = percentile(base.project.latencies, 99), tick_rate(base.project, base.seconds)
        slow_p99 = percentile(slow.project.latencies, 99)
        change = 100 * (slow_p99 - p99) / p99
        target("2,000 subscribers at 10 ticks/s", f"{ticks:.1f}/s", ticks >= 9.5)
        target("p99 submit-to-screen < 250 ms", f"{p99:.1f} ms", p99 < 250)
        target("RSS < 300 MB at 2,000 subscribers", f"{base.rss_mb:.0f} MB", base.rss_mb < 300)
        note = f"  ({p99:.1f} -> {slow_p99:.1f} ms)"
        target("10% slow clients move p99 by <= 20%", f"{change:+.0f}%", change <= 20, note)


def print_profiles(directory: Path) -> None:
    for name in ("ingest", "fanout"):
        raw = directory / f"{name}.txt"
        for title, within in (("own time", ""), ("total time in scoreboard/", "scoreboard/")):
            costs = top_costs(raw, 6, within)
            if costs:
                print(f"\npy-spy, server under {name} load, top {title} ({raw}):")
                for share, frame in costs:
                    print(f"  {share:5.1f}%  {frame}")
    print(
        "(% of non-idle samples of all server threads; Runner.run own time is uvloop and "
        "httptools C code and socket calls)"
    )
