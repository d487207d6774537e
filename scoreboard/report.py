"""The post-talk report's numbers and chart geometry, computed from visible reactions only.

Held and hidden reactions appear here as counts in the moderation summary, never as text,
words or emoji. Charts are plain coordinates; the template turns them into inline SVG
(escaped by Jinja), so no chart library and no inline styles are needed.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from scoreboard.models import Board, Reaction, Segment, as_utc
from scoreboard.moderation import status_counts
from scoreboard.words import cloud_words, ignore_words

TOP_COMMENTS = 5
TOP_WORDS = 40
MAX_BARS = 90
NICE_BUCKET_MINUTES = (1, 2, 5, 10, 15, 20, 30, 60, 120, 240)
CHART_WIDTH, CHART_HEIGHT = 720.0, 240.0
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 34.0, 8.0, 22.0, 26.0
EMOJI_ROW, EMOJI_BAR_MAX, EMOJI_WIDTH = 34.0, 290.0, 400.0
NO_SEGMENT = "(no segment)"


@dataclass(frozen=True)
class Comment:
    text: str
    author: str | None
    emoji: str | None
    score: float
    minute: str
    segment: str | None
    source: str
    times: int = 1  # how often the room sent this same text


@dataclass
class _Slice:
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
    title: str

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


@dataclass(frozen=True)
class SegmentRow:
    label: str
    count: int
    mood: float
    top_emoji: str | None


@dataclass(frozen=True)
class Share:
    name: str
    count: int
    percent: int


@dataclass(frozen=True)
class Word:
    word: str
    count: int
    size: int  # 1..5, a CSS class: no inline styles under the CSP


@dataclass(frozen=True)
class Report:
    title: str
    slug: str
    generated_at: datetime
    total: int
    people: int
    anonymous: int
    mood: float
    labels: dict[str, int]
    first_at: datetime | None
    last_at: datetime | None
    peak: Bar | None
    timeline: TimelineChart | None
    emoji: list[EmojiBar]
    emoji_height: float
    emoji_width: float
    segments: list[SegmentRow]
    sources: list[Share]
    words: list[Word]
    positive: list[Comment]
    negative: list[Comment]
    moderation: dict[str, int]

    @property
    def minutes(self) -> int:
        if self.first_at is None or self.last_at is None:
            return 0
        return math.ceil((self.last_at - self.first_at).total_seconds() / 60)


@dataclass
class _Gather:
    """One pass over the visible reactions, oldest first, keeping only bounded state."""

    ignore: frozenset[str]
    total: _Slice = field(default_factory=_Slice)
    labels: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    people: set[tuple[str, str]] = field(default_factory=set)
    anonymous: int = 0
    minutes: dict[datetime, _Slice] = field(default_factory=dict)
    segments: dict[str, _Slice] = field(default_factory=dict)
    best: list[tuple[float, int, Comment]] = field(default_factory=list)
    worst: list[tuple[float, int, Comment]] = field(default_factory=list)
    # Rooms repeat themselves ("great talk!" x 12): rank each text once, count the rest.
    repeats: Counter[int] = field(default_factory=Counter)
    first_at: datetime | None = None
    last_at: datetime | None = None

    def add(self, row: Any) -> None:
        moment = as_utc(row.received_at)
        self.first_at = self.first_at or moment
        self.last_at = moment
        self.total.add(row.score, row.emoji)
        self.labels[row.label] += 1
        self.sources[row.source] += 1
        minute = moment.replace(second=0, microsecond=0)
        self.minutes.setdefault(minute, _Slice()).add(row.score, row.emoji)
        self.segments.setdefault(row.segment or NO_SEGMENT, _Slice()).add(row.score, row.emoji)
        if row.device:  # a keyed hash of the phone's cookie or address
            self.people.add(("device", row.device))
        elif row.author:
            self.people.add((row.source, row.author.casefold()))
        else:
            self.anonymous += 1
        if row.text:
            self.words.update(cloud_words(row.text, self.ignore))
            self._rank(row, moment)

    def _rank(self, row: Any, moment: datetime) -> None:
        key = _text_key(row.text)
        self.repeats[key] += 1
        if self.repeats[key] > 1:
            return
        comment = Comment(
            row.text, row.author, row.emoji, round(row.score, 2), "", row.segment, row.source
        )
        stamped = (moment, comment)
        if row.label == "positive":
            _keep(self.best, (row.score, -row.id, stamped))
        elif row.label == "negative":
            _keep(self.worst, (-row.score, -row.id, stamped))


def _text_key(text: str) -> int:
    """Same words, same key: case and spacing don't make a different comment."""
    return hash(" ".join(text.casefold().split()))


def _keep(heap: list[Any], item: tuple[float, int, Any]) -> None:
    if len(heap) < TOP_COMMENTS:
        heapq.heappush(heap, item)
    elif item[:2] > heap[0][:2]:
        heapq.heapreplace(heap, item)


def build_report(engine: Engine, board: Board, now: datetime | None = None) -> Report:
    """Everything the report page shows, from one streamed pass over the board's reactions."""
    assert board.id is not None
    gather = _Gather(ignore=ignore_words(board.hashtags))
    with Session(engine) as session:
        for row in session.execute(_visible(board.id).execution_options(yield_per=2000)):
            gather.add(row)
        moderation = status_counts(session, board.id)
        segments = list(
            session.execute(
                select(col(Segment.label), col(Segment.started_at))
                .where(col(Segment.board_id) == board.id)
                .order_by(col(Segment.started_at))
            )
        )
    return _assemble(board, gather, moderation, segments, now or datetime.now(UTC))


def _visible(board_id: int) -> Any:
    columns = ("id", "received_at", "source", "author", "device", "text", "emoji", "score")
    return (
        select(*(getattr(Reaction, name) for name in (*columns, "label", "segment")))
        .where(col(Reaction.board_id) == board_id, col(Reaction.status) == "visible")
        .order_by(col(Reaction.received_at), col(Reaction.id))
    )


def _assemble(
    board: Board,
    gather: _Gather,
    moderation: dict[str, int],
    segments: Sequence[Any],
    now: datetime,
) -> Report:
    chart = timeline_chart(gather.minutes, segments) if gather.minutes else None
    emoji = emoji_bars(gather.total.emoji)
    return Report(
        title=board.title,
        slug=board.slug,
        generated_at=now,
        total=gather.total.count,
        people=len(gather.people),
        anonymous=gather.anonymous,
        mood=gather.total.mood,
        labels={label: gather.labels[label] for label in ("positive", "neutral", "negative")},
        first_at=gather.first_at,
        last_at=gather.last_at,
        peak=max(chart.bars, key=lambda bar: bar.count) if chart else None,
        timeline=chart,
        emoji=emoji,
        emoji_height=max(EMOJI_ROW, EMOJI_ROW * len(emoji)),
        emoji_width=EMOJI_WIDTH,
        segments=segment_rows(gather.segments),
        sources=shares(gather.sources),
        words=word_cloud(gather.words),
        positive=_ranked(gather.best, gather.first_at, gather.repeats),
        negative=_ranked(gather.worst, gather.first_at, gather.repeats),
        moderation=moderation,
    )


def _ranked(
    heap: list[tuple[float, int, Any]], start: datetime | None, repeats: Counter[int]
) -> list[Comment]:
    ordered = sorted(heap, key=lambda item: item[:2], reverse=True)
    return [
        replace(_with_minute(comment, moment, start), times=repeats[_text_key(comment.text)])
        for _, _, (moment, comment) in ordered
    ]


def _with_minute(comment: Comment, moment: datetime, start: datetime | None) -> Comment:
    elapsed = int((moment - start).total_seconds() // 60) if start else 0
    return replace(comment, minute=f"+{elapsed} min")


# -- charts --


def bucket_minutes(span_minutes: float) -> int:
    """The smallest tidy bucket that keeps the chart under MAX_BARS bars."""
    for minutes in NICE_BUCKET_MINUTES:
        if span_minutes / minutes <= MAX_BARS:
            return minutes
    return math.ceil(span_minutes / MAX_BARS)


def timeline_chart(minutes: dict[datetime, _Slice], segments: Sequence[Any]) -> TimelineChart:
    """Volume bars and a mean-mood line over time, with the talk's segments as bands."""
    start = min(minutes)
    span = (max(minutes) - start).total_seconds() / 60 + 1
    size = bucket_minutes(span)
    buckets: dict[int, _Slice] = {}
    for minute, piece in minutes.items():
        merged = buckets.setdefault(int((minute - start).total_seconds() // 60) // size, _Slice())
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


def _bar(index: int, piece: _Slice, step: float, most: int, size: int) -> Bar:
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
        title=f"+{index * size} min: {piece.count} reactions, mood {piece.mood:+.2f}",
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


def segment_rows(segments: dict[str, _Slice]) -> list[SegmentRow]:
    return [
        SegmentRow(label, piece.count, piece.mood, _top(piece.emoji))
        for label, piece in segments.items()
    ]


def _top(counts: Counter[str]) -> str | None:
    found = counts.most_common(1)
    return found[0][0] if found else None


def shares(counts: Counter[str]) -> list[Share]:
    total = sum(counts.values()) or 1
    return [Share(name, n, round(100 * n / total)) for name, n in counts.most_common()]


def word_cloud(counts: Counter[str]) -> list[Word]:
    """The top words in alphabetical order, each with one of five sizes."""
    top = counts.most_common(TOP_WORDS)
    most = top[0][1] if top else 1
    sized = [Word(word, n, 1 + min(4, int(4 * math.sqrt(n / most)))) for word, n in top]
    return sorted(sized, key=lambda word: word.word)
