"""Live tallies per board, kept in memory and rebuilt from SQLite at start.

Only visible reactions count here: this is what the projector and the public tally
API show, so a held or hidden message can never leak through a count or a word.
"""

from __future__ import annotations

import functools
from collections import Counter, deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scoreboard.models import ReactionFacts, as_utc, iso, reaction_public
from scoreboard.words import cloud_words, ignore_words

BUCKET_SECONDS = 60
TIMELINE_BUCKETS = 180
TOP_WORDS = 40


@dataclass
class _Mean:
    count: int = 0
    total: float = 0.0

    def add(self, score: float, sign: int) -> None:
        self.count += sign
        self.total += sign * score

    @property
    def mean(self) -> float:
        return round(self.total / self.count, 3) if self.count else 0.0


@dataclass
class Tally:
    """Counts for one board; `apply(reaction, -1)` takes a reaction back out."""

    recent_size: int = 30
    ignore_words: frozenset[str] = frozenset()
    labels: Counter[str] = field(default_factory=Counter)
    mood: _Mean = field(default_factory=_Mean)
    emoji: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    timeline: dict[int, _Mean] = field(default_factory=dict)
    segments: dict[str, _Mean] = field(default_factory=dict)
    recent: deque[dict[str, Any]] = field(default_factory=deque)  # newest first
    pinned: dict[str, Any] | None = None

    def apply(
        self, reaction: ReactionFacts, sign: int = 1, public: dict[str, Any] | None = None
    ) -> None:
        """Count a visible reaction in (or, with sign -1, out); `public` is its
        `reaction_public` form when the caller has built it already."""
        if reaction.status != "visible":
            return
        self.labels[reaction.label] += sign
        self.mood.add(reaction.score, sign)
        _bump(self.sources, reaction.source, sign)
        if reaction.emoji:
            _bump(self.emoji, reaction.emoji, sign)
        if reaction.lang:
            _bump(self.languages, reaction.lang, sign)
        bucket = int(as_utc(reaction.received_at).timestamp()) // BUCKET_SECONDS
        self.timeline.setdefault(bucket, _Mean()).add(reaction.score, sign)
        if reaction.segment:
            self.segments.setdefault(reaction.segment, _Mean()).add(reaction.score, sign)
        if reaction.text:
            for word in cloud_words(reaction.text):
                _bump(self.words, word, sign)
            self._track_recent(reaction, sign, public)
        self._track_pin(reaction, sign)

    def _track_recent(
        self, reaction: ReactionFacts, sign: int, public: dict[str, Any] | None
    ) -> None:
        if sign > 0 and (not self.recent or reaction.id > self.recent[0]["id"]):
            self.recent.appendleft(public or reaction_public(reaction))  # usual: newest
        elif sign > 0:  # a restored older message goes back in its place
            items = [*self.recent, public or reaction_public(reaction)]
            self.recent = deque(sorted(items, key=lambda item: -item["id"]))
        else:
            self.recent = deque(item for item in self.recent if item["id"] != reaction.id)
        while len(self.recent) > self.recent_size:
            self.recent.pop()

    def _track_pin(self, reaction: ReactionFacts, sign: int) -> None:
        if reaction.pinned and sign > 0:
            self.pinned = reaction_public(reaction)
        elif self.pinned and self.pinned["id"] == reaction.id:
            self.pinned = None

    def pin(self, reaction: ReactionFacts) -> None:
        """Follow an organiser pinning or unpinning a visible `reaction` (as it is now)."""
        self._track_pin(reaction, 1)

    def unpin(self, reaction_ids: Collection[int]) -> None:
        """The pin was taken from these reactions (another message got it)."""
        if self.pinned and self.pinned["id"] in reaction_ids:
            self.pinned = None

    def as_dict(self) -> dict[str, Any]:
        """The `tally` object of the websocket contract and the tally API."""
        total = self.mood.count
        buckets = sorted(self.timeline.items())[-TIMELINE_BUCKETS:]
        return {
            "total": total,
            "positive": self.labels["positive"],
            "neutral": self.labels["neutral"],
            "negative": self.labels["negative"],
            "mood": self.mood.mean,
            "emoji": dict(self.emoji.most_common()),
            "sources": dict(self.sources.most_common()),
            "languages": dict(self.languages.most_common()),
            "timeline": [
                {"t": _bucket_label(b), "count": m.count, "mood": m.mean}
                for b, m in buckets
                if m.count
            ],
            "segments": [
                {"label": label, "count": m.count, "mood": m.mean}
                for label, m in self.segments.items()
                if m.count
            ],
            "words": self._top_words(),
            "pinned": self.pinned,
        }

    def _top_words(self) -> list[dict[str, Any]]:
        """Filtered as shown, not as counted: a board's hashtags may change mid-talk."""
        ranked = self.words.most_common(TOP_WORDS + len(self.ignore_words))
        kept = [(w, n) for w, n in ranked if w not in self.ignore_words][:TOP_WORDS]
        return [{"word": w, "count": n} for w, n in kept]


def _bump(counter: Counter[str], key: str, sign: int) -> None:
    counter[key] += sign
    if counter[key] <= 0:
        del counter[key]


def _bucket_time(bucket: int) -> datetime:
    return datetime.fromtimestamp(bucket * BUCKET_SECONDS, UTC)


@functools.lru_cache(maxsize=4096)
def _bucket_label(bucket: int) -> str | None:
    """A bucket's ISO time; kept, since every tick of every board formats the same ones."""
    return iso(_bucket_time(bucket))


class Tallies:
    """All boards' tallies; the writer feeds it after each commit."""

    def __init__(self, recent_size: int = 30) -> None:
        self._recent_size = recent_size
        self._by_board: dict[int, Tally] = {}

    def for_board(self, board_id: int, hashtags: Iterable[str] | None = None) -> Tally:
        """The board's tally, created on first use; `hashtags` (when given) replaces the
        words its cloud leaves out."""
        tally = self._by_board.get(board_id)
        if tally is None:
            tally = self._by_board[board_id] = Tally(recent_size=self._recent_size)
        if hashtags is not None:
            tally.ignore_words = ignore_words(hashtags)
        return tally

    def apply(self, reactions: Iterable[ReactionFacts], sign: int = 1) -> None:
        for reaction in reactions:
            self.for_board(reaction.board_id).apply(reaction, sign)
