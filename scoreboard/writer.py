"""The single writer: group commit of concurrent reactions, with idempotent ingest.

Every request that stores a reaction hands it over and waits. The reactions that arrive
in one turn of the event loop are scored together, then queued for the writer's thread,
which takes everything queued at that moment and inserts it in one transaction
(one fsync for the lot), and only then answers each waiting request: an acknowledged
reaction is on disk. `(board, source, external_id)` makes a retry or a redelivered
webhook return the stored reaction instead of a second row.

The hot path speaks to SQLite directly (scoreboard.reaction_table): one multi-row INSERT
per batch, rows as plain `ReactionRow`s. Commits run on the writer's own thread, so the
event loop keeps serving requests while the disk syncs.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from scoreboard.models import ReactionRow, utcnow
from scoreboard.reaction_table import UNAVAILABLE, NotStored, ReactionTable, Stored

log = logging.getLogger(__name__)

MAX_BATCH = 1000
LINGER_SECONDS = 0.0005
"""Under load, how long a batch waits for the requests already in flight to join it.

A commit costs about the same for one row as for twenty, so while the last batch held
more than one reaction, the writer waits this long after the first before it takes
the queue: with 1 ms against none, batches doubled in size and the server's CPU per
reaction fell by a tenth (bench/load.py). Once a request cost less to serve, 0.5 ms
did better than 1 ms: in four paired runs at 50 senders, 4% more acknowledgements a
second for 4% less server CPU each (the senders wait less in step; docs/performance.md).
A lone reaction, the usual case in a quiet room, never waits.
"""


class Scored(Protocol):
    """What the sentiment seam answers (see `scoreboard.sentiment.score`)."""

    @property
    def label(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def lang(self) -> str | None: ...


Scorer = Callable[[str, str | None, Sequence[str], Sequence[str]], Scored]
CommitHook = Callable[[list[ReactionRow]], None]


@dataclass(slots=True)
class Draft:
    """A validated reaction on its way to the database."""

    board_id: int
    source: str
    external_id: str | None = None
    author: str | None = None
    text: str | None = None
    emoji: str | None = None
    status: str = "visible"
    segment: str | None = None
    posted_at: datetime | None = None
    languages: Sequence[str] = ("en", "nl")
    ignore_tags: Sequence[str] = ()
    flag: str | None = None
    device: str | None = None
    received_at: datetime = field(default_factory=utcnow)

    @property
    def key(self) -> tuple[int, str, str] | None:
        if self.external_id is None:
            return None
        return (self.board_id, self.source, self.external_id)


@dataclass(slots=True)
class _Pending:
    draft: Draft
    scored: Scored
    future: asyncio.Future[Stored]


class Writer:
    """Owns every insert of reactions; run it as one task per server.

    The commits happen on a thread of the writer's own that takes the next batch as
    soon as the last is on disk: the event loop only hands reactions over and answers
    the waiting requests, and no batch waits for the loop to start it.
    """

    def __init__(self, engine: Engine, scorer: Scorer, on_commit: CommitHook) -> None:
        self._scorer = scorer
        self._on_commit = on_commit
        self._inbox: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._unscored: list[tuple[Draft, asyncio.Future[Stored]]] = []
        self._table = ReactionTable(engine)
        self._stopped = False
        self._last_batch = 0
        self.batches = 0
        self.committed = 0

    @property
    def queued(self) -> int:
        """Reactions waiting for the next batch (not those being committed)."""
        return self._inbox.qsize()

    async def submit(self, draft: Draft) -> Stored:
        """Score and store a reaction durably; returns once its row is committed."""
        if self._stopped:
            raise NotStored("the server is stopping; try again in a moment")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Stored] = loop.create_future()
        if not self._unscored:
            loop.call_soon(self._score_arrived)  # once this turn's requests are all in
        self._unscored.append((draft, future))
        return await future

    def _score_arrived(self) -> None:
        """Score the reactions of one turn of the event loop back to back, then queue them.

        Scored one per request, between the requests' other work, the scorer's tables
        and patterns went cold: scored together, a stored reaction cost the server about
        a tenth less CPU under `wrk` (docs/performance.md). It is still done on the event
        loop, before the batch forms, so a batch waits only for the disk.
        """
        arrived, self._unscored = self._unscored, []
        for draft, future in arrived:
            if future.done():  # its request was cancelled: nobody waits for an answer
                continue
            try:
                scored = self._scorer(
                    draft.text or "", draft.emoji, draft.languages, draft.ignore_tags
                )
            except Exception as error:  # the scorer's bug fails its own request only
                future.set_exception(error)
                continue
            self._inbox.put(_Pending(draft, scored, future))

    async def run(self) -> None:
        """Commit until cancelled; what was submitted before is stored and answered first."""
        loop = asyncio.get_running_loop()
        self._table.open()
        finished: asyncio.Future[None] = loop.create_future()
        thread = threading.Thread(
            target=self._commit_forever, args=(loop, finished), name="writer", daemon=True
        )
        thread.start()
        try:
            await asyncio.shield(finished)
        finally:
            self._stopped = True
            self._score_arrived()  # what was submitted this turn goes in before the end
            self._inbox.put(None)  # after everything already submitted
            await finished
            self._table.close()

    # -- the writer's thread --

    def _commit_forever(
        self, loop: asyncio.AbstractEventLoop, finished: asyncio.Future[None]
    ) -> None:
        try:
            stop = False
            while not stop:
                batch, stop = self._next_batch()
                if batch:
                    results = self._store(batch)
                    loop.call_soon_threadsafe(self._finish, batch, results)
        finally:
            loop.call_soon_threadsafe(finished.set_result, None)

    def _next_batch(self) -> tuple[list[_Pending], bool]:
        """Wait for one reaction, then take what else is queued; True once told to stop."""
        first = self._inbox.get()
        if first is None:
            return [], True
        if self._last_batch > 1:
            time.sleep(LINGER_SECONDS)
        batch = [first]
        while len(batch) < MAX_BATCH:
            try:
                pending = self._inbox.get_nowait()
            except queue.Empty:
                break
            if pending is None:
                return batch, True
            batch.append(pending)
        self._last_batch = len(batch)
        return batch, False

    def _store(self, batch: list[_Pending]) -> list[Stored | Exception]:
        try:
            return self._table.store(batch)
        except Exception:  # the disk or database failed: every request hears it
            log.exception("commit of %d reactions failed", len(batch))
            return [NotStored(UNAVAILABLE) for _ in batch]

    # -- back on the event loop --

    def _finish(self, batch: list[_Pending], results: list[Stored | Exception]) -> None:
        self.batches += 1
        created = [r.reaction for r in results if isinstance(r, Stored) and r.created]
        self.committed += len(created)
        if created:
            try:
                self._on_commit(created)
            except Exception:  # the rows are safe on disk; a live-view bug must not fail them
                log.exception("commit hook failed")
        for pending, result in zip(batch, results, strict=True):
            if pending.future.done():
                continue
            if isinstance(result, Stored):
                pending.future.set_result(result)
            else:
                pending.future.set_exception(result)
