"""Replay a finished talk: its visible reactions through a fresh Tally, faster than real time.

The messages have the live hub's shapes (`snapshot`, `tick`), so the projector page shows
a replay with the same code as a live board, and end with `{"type": "replay_end"}`.
Quiet stretches are shortened: at most MAX_GAP_SECONDS of real time pass between two
reactions, however long the room was silent.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from scoreboard.models import Board, Reaction, as_utc, reaction_public
from scoreboard.tally import Tally
from scoreboard.words import ignore_words

MAX_GAP_SECONDS = 2.0
MIN_SPEED, MAX_SPEED, DEFAULT_SPEED = 1.0, 100.0, 10.0


class ReplayError(ValueError):
    """A replay request we refuse, with a message for people."""


@dataclass(frozen=True)
class Timed:
    """A message and when to send it, in seconds after the replay started."""

    at: float
    message: dict[str, Any]


def parse_speed(raw: str | None) -> float:
    if raw is None or raw == "":
        return DEFAULT_SPEED
    try:
        speed = float(raw)
    except ValueError:
        speed = math.nan
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ReplayError(f"speed must be a number from {MIN_SPEED:g} to {MAX_SPEED:g}")
    return speed


@dataclass
class _Pending:
    """Reactions waiting for the next tick, as the hub coalesces them."""

    at: float = 0.0
    count: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    bursts: Counter[str] = field(default_factory=Counter)

    def add(self, reaction: Reaction, at: float) -> None:
        self.at, self.count = at, self.count + 1
        if reaction.text:
            self.added.append(reaction_public(reaction))
        if reaction.emoji:
            self.bursts[reaction.emoji] += 1


class Replayer:
    """Turns reactions, oldest first, into timed snapshot and tick messages."""

    def __init__(self, board: dict[str, Any], tally: Tally, *, speed: float, tick: float):
        self.board, self.tally = board, tally
        self.speed, self.tick = speed, tick
        self.seq = -1  # every message takes the next number; the first snapshot is 0
        self.clock = 0.0
        self.pending = _Pending()
        self._segment: str | None = None
        self._previous: datetime | None = None

    def run(self, reactions: Iterable[Reaction]) -> Generator[Timed, None, None]:
        for reaction in reactions:
            if reaction.status != "visible":  # belt and braces: the query already filters
                continue
            yield from self._step(reaction)
        if self._previous is None:
            yield self._snapshot()
        yield from self._flush()
        yield Timed(self.clock + self.tick, {"type": "replay_end", "total": self.tally.mood.count})

    def _step(self, reaction: Reaction) -> Iterator[Timed]:
        moment = as_utc(reaction.received_at)
        first = self._previous is None
        if self._previous is not None:
            waited = (moment - self._previous).total_seconds() / self.speed
            self.clock += min(max(waited, 0.0), MAX_GAP_SECONDS)
        self._previous = moment
        if first or reaction.segment != self._segment:
            yield from self._flush()
            self._segment = reaction.segment
            yield self._snapshot()
        due = math.ceil(self.clock / self.tick - 1e-9) * self.tick
        if self.pending.count and due > self.pending.at:
            yield from self._flush()
        self.tally.apply(reaction)
        self.pending.add(reaction, due)

    def _snapshot(self) -> Timed:
        self.seq += 1
        board = {**self.board, "segment": self._segment}
        message = {
            "type": "snapshot",
            "seq": self.seq,
            "board": board,
            "tally": self.tally.as_dict(),
            "recent": list(self.tally.recent),
        }
        return Timed(self.clock, message)

    def _flush(self) -> Iterator[Timed]:
        pending, self.pending = self.pending, _Pending()
        if not pending.count:
            return
        self.seq += 1
        message = {
            "type": "tick",
            "seq": self.seq,
            "tally": self.tally.as_dict(),
            "added": pending.added,
            "removed": [],
            "bursts": dict(pending.bursts),
        }
        yield Timed(pending.at, message)


def visible_reactions(engine: Engine, board_id: int) -> Iterator[Reaction]:
    """The board's visible reactions, oldest first, streamed from the database."""
    with Session(engine) as session:
        query = (
            select(Reaction)
            .where(Reaction.board_id == board_id, Reaction.status == "visible")
            .order_by(col(Reaction.received_at), col(Reaction.id))
            .execution_options(yield_per=1000)
        )
        yield from session.exec(query)


def replay(
    engine: Engine, board: Board, public: dict[str, Any], *, speed: float, tick: float
) -> Generator[Timed, None, None]:
    """The whole replay of `board`, read lazily: call `next` as the messages fall due."""
    assert board.id is not None
    tally = Tally(ignore_words=ignore_words(board.hashtags))
    replayer = Replayer(public, tally, speed=speed, tick=tick)
    return replayer.run(visible_reactions(engine, board.id))
