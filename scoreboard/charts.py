"""The report's charts as plain coordinates: the template draws them as inline SVG
(escaped by Jinja), so no chart library and no inline styles are needed."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scoreboard.models import as_utc

MAX_BARS = 90
NICE_BUCKET_MINUTES = (1, 2, 5, 10, 15, 20, 30, 60, 120, 240)
CHART_WIDTH, CHART_HEIGHT = 720.0, 240.0
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 34.0, 8.0, 22.0, 26.0
EMOJI_ROW, EMOJI_BAR_MAX, EMOJI_WIDTH = 34.0, 290.0, 400.0


@dataclass
class Slice:
    """Reactions of one minute, segment or talk: how many, their mood, their emoji."""

    count: int = 0
    score_total: float = 0.0
    emoji: Counter[str] = field(default_factory=Counter)

    def add(self, score: float, emoji: str | None) -> None:
        self.count += 1
        self.score_total += score
        if emoji:
            self.emoji[emoji] += 1

    @property
    def mood(self) -> float:
        return round(self.score_total / self.count, 2) if self.count else 0.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    mood: float
    mood_y: float
    minute: int  # where the bar starts, in minutes since the first reaction

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    label: str
    index: int
    title: str
    """The segment's whole name, for a band too narrow to show it (as a tooltip)."""


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"
    """SVG text-anchor: the first label starts at the plot's left edge and one at the
    right edge ends there, so neither is cut off by the chart's border."""


@dataclass(frozen=True)
class TimelineChart:
    bars: list[Bar]
    mood_points: str
    bands: list[Band]
    ticks: list[Tick]
    bucket_minutes: int
    most: int
    width: float = CHART_WIDTH
    height: float = CHART_HEIGHT

    @property
    def zero_y(self) -> float:
        return _mood_y(0.0)

    @property
    def top_y(self) -> float:
        return _mood_y(1.0)

    @property
    def bottom_y(self) -> float:
        return _mood_y(-1.0)

    @property
    def plot_left(self) -> float:
        return PLOT_LEFT

    @property
    def plot_right(self) -> float:
        return CHART_WIDTH - PLOT_RIGHT


@dataclass(frozen=True)
class EmojiBar:
    emoji: str
    count: int
    y: float
    width: float


def bucket_minutes(span_minutes: float) -> int:
    """The smallest tidy bucket that keeps the chart under MAX_BARS bars."""
    for minutes in NICE_BUCKET_MINUTES:
        if span_minutes / minutes <= MAX_BARS:
            return minutes
    return math.ceil(span_minutes / MAX_BARS)


def timeline_chart(minutes: dict[datetime, Slice], segments: Sequence[Any]) -> TimelineChart:
    """Volume bars and a mean-mood line over time, with the talk's segments as bands."""
    start = min(minutes)
    span = (max(minutes) - start).total_seconds() / 60 + 1
    size = bucket_minutes(span)
    buckets: dict[int, Slice] = {}
    for minute, piece in minutes.items():
        merged = buckets.setdefault(int((minute - start).total_seconds() // 60) // size, Slice())
        merged.count += piece.count
        merged.score_total += piece.score_total
    count = max(buckets) + 1
    step = (CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT) / count
    most = max(piece.count for piece in buckets.values())
    bars = [_bar(index, piece, step, most, size) for index, piece in sorted(buckets.items())]
    end = start + timedelta(minutes=count * size)
    return TimelineChart(
        bars=bars,
        mood_points=" ".join(f"{bar.middle},{bar.mood_y}" for bar in bars),
        bands=_bands(segments, start, end),
        ticks=_ticks(count, size, step),
        bucket_minutes=size,
        most=most,
    )


def _plot_height() -> float:
    return CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM


def _mood_y(mood: float) -> float:
    return round(PLOT_TOP + (1 - mood) / 2 * _plot_height(), 1)


def _bar(index: int, piece: Slice, step: float, most: int, size: int) -> Bar:
    height = piece.count / most * _plot_height()
    gap = min(2.0, step / 5)
    return Bar(
        x=round(PLOT_LEFT + index * step + gap / 2, 1),
        y=round(CHART_HEIGHT - PLOT_BOTTOM - height, 1),
        width=round(max(step - gap, 0.5), 1),
        height=round(height, 1),
        count=piece.count,
        mood=piece.mood,
        mood_y=_mood_y(piece.mood),
        minute=index * size,
    )


def _x(moment: datetime, start: datetime, end: datetime) -> float:
    fraction = (moment - start).total_seconds() / (end - start).total_seconds()
    clamped = min(1.0, max(0.0, fraction))
    return round(PLOT_LEFT + clamped * (CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT), 1)


def _bands(segments: Sequence[Any], start: datetime, end: datetime) -> list[Band]:
    bands = []
    for index, (label, started_at) in enumerate(segments):
        left = _x(as_utc(started_at), start, end)
        later = segments[index + 1][1] if index + 1 < len(segments) else None
        right = _x(as_utc(later), start, end) if later else _x(end, start, end)
        if right - left >= 1:
            width = round(right - left, 1)
            bands.append(Band(left, width, _fit(label, right - left), index % 2, label))
    return bands


def _fit(label: str, width: float) -> str:
    room = max(1, int(width / 7))
    return label if len(label) <= room else label[: max(0, room - 1)] + "…"


def _ticks(count: int, size: int, step: float) -> list[Tick]:
    every = max(1, math.ceil(count / 6))
    return [
        Tick(
            round(PLOT_LEFT + index * step, 1),
            f"+{index * size} min",
            "start" if index == 0 else "end" if index == count else "middle",
        )
        for index in range(0, count + 1, every)
    ]


def emoji_bars(counts: Counter[str]) -> list[EmojiBar]:
    most = max(counts.values(), default=1)
    return [
        EmojiBar(emoji, n, index * EMOJI_ROW, round(max(2.0, n / most * EMOJI_BAR_MAX), 1))
        for index, (emoji, n) in enumerate(counts.most_common())
    ]
