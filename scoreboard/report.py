"""The post-talk report's numbers, computed from visible reactions only.

Held and hidden reactions appear here as counts in the moderation summary, never as text,
words or emoji. The charts' geometry is scoreboard.charts.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from scoreboard.charts import (
    EMOJI_ROW,
    EMOJI_WIDTH,
    Bar,
    EmojiBar,
    Slice,
    TimelineChart,
    emoji_bars,
    timeline_chart,
)
from scoreboard.models import Board, Reaction, Segment, as_utc
from scoreboard.moderation import status_counts
from scoreboard.words import cloud_words, ignore_words

TOP_COMMENTS = 5
TOP_WORDS = 40
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
    total: Slice = field(default_factory=Slice)
    labels: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    people: set[tuple[str, str]] = field(default_factory=set)
    anonymous: int = 0
    minutes: dict[datetime, Slice] = field(default_factory=dict)
    segments: dict[str, Slice] = field(default_factory=dict)
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
        self.minutes.setdefault(minute, Slice()).add(row.score, row.emoji)
        self.segments.setdefault(row.segment or NO_SEGMENT, Slice()).add(row.score, row.emoji)
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


def segment_rows(segments: dict[str, Slice]) -> list[SegmentRow]:
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
