"""The single writer: group commit of concurrent reactions, with idempotent ingest.

Every request that stores a reaction has it scored, hands it to the writer and waits.
The writer takes everything queued at that moment and inserts it in one transaction
(one fsync for the lot), and only then answers each waiting request: an acknowledged
reaction is on disk. `(board, source, external_id)` makes a retry or a redelivered
webhook return the stored reaction instead of a second row.

The hot path speaks to SQLite directly: one multi-row INSERT per batch, rows as plain
`ReactionRow`s. Commits run on the writer's own thread, so the event loop keeps
serving requests while the disk syncs.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine

from scoreboard.models import Reaction, ReactionRow, utcnow

log = logging.getLogger(__name__)

MAX_BATCH = 1000
UNAVAILABLE = "the reaction could not be stored; try again in a moment"
LINGER_SECONDS = 0.001
"""Under load, how long a batch waits for the requests already in flight to join it.

A commit costs about the same for one row as for twenty, so while the last batch held
more than one reaction, the writer waits this long after the first before it takes
the queue: batches doubled in size and the server's CPU per reaction fell by a tenth
(bench/load.py). A lone reaction, the usual case in a quiet room, never waits.
"""
T = TypeVar("T")
_ONE_ROW = (sqlite3.IntegrityError, UnicodeEncodeError, OverflowError)
"""What one row can cause, rather than the disk: a constraint, or a value SQLite cannot
bind (half a surrogate pair, an integer past 64 bits). Nothing of the batch was written."""

COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ReactionRow))
"""The reaction table's columns, in order: ReactionRow mirrors the table (a test checks)."""


class NotStored(Exception):
    """The reaction was not stored (a database error, or the server is stopping).

    Nothing was acknowledged, so the sender may safely try again: a retry with the same
    external id is recognised if the row did land after all.
    """

    status = 503
    retry_after = 1  # seconds


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


@dataclass(frozen=True, slots=True)
class Stored:
    reaction: ReactionRow
    created: bool


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
        self._table = _Table(engine)
        self._stopped = False
        self._last_batch = 0
        self.batches = 0
        self.committed = 0

    @property
    def queued(self) -> int:
        """Reactions waiting for the next batch (not those being committed)."""
        return self._inbox.qsize()

    async def submit(self, draft: Draft) -> Stored:
        """Score and store a reaction durably; returns once its row is committed.

        Scoring happens here, spread over the requests as they arrive, so a batch
        waits only for the disk.
        """
        if self._stopped:
            raise NotStored("the server is stopping; try again in a moment")
        scored = self._scorer(draft.text or "", draft.emoji, draft.languages, draft.ignore_tags)
        future: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        self._inbox.put(_Pending(draft, scored, future))
        return await future

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


class _Table:
    """The reaction table through one DB-API connection, used from the writer's thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pooled: Any = None
        self._conn: sqlite3.Connection | None = None
        self._isolation: str | None = ""
        self._next_id = 1
        self._per_statement = 1
        dialect = engine.dialect
        columns = Reaction.__table__.columns  # type: ignore[attr-defined]
        # SQLAlchemy's own conversions, so rows read back through the ORM as usual.
        types = [columns[name].type.dialect_impl(dialect) for name in COLUMNS]
        self._bind = [kind.bind_processor(dialect) for kind in types]
        self._result = [kind.result_processor(dialect, None) for kind in types]
        self._row_sql = "(" + ",".join("?" * len(COLUMNS)) + ")"

    def open(self) -> None:
        self._pooled = self._engine.raw_connection()
        conn: sqlite3.Connection = self._pooled.driver_connection
        self._isolation = conn.isolation_level
        conn.isolation_level = None  # autocommit: a statement is a transaction of its own
        self._conn = conn
        found = conn.execute("SELECT max(id) FROM reaction").fetchone()
        self._next_id = (found[0] or 0) + 1
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        self._per_statement = max(1, min(500, limit // len(COLUMNS)))

    def close(self) -> None:
        if self._conn is not None:
            # as the pool handed it out ("" is sqlite3's own default, deferred)
            self._conn.isolation_level = self._isolation  # type: ignore[assignment]
        if self._pooled is not None:
            self._pooled.close()
        self._pooled = self._conn = None

    @property
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the writer's connection is not open")
        return self._conn

    def store(self, batch: Sequence[_Pending]) -> list[Stored | Exception]:
        try:
            return [*self._store_batch(batch)]
        except _ONE_ROW:
            # Rare (a board deleted meanwhile, a value SQLite cannot take): one reaction
            # must not cost the others their commit, so store them one by one.
            return [self._store_one(pending) for pending in batch]

    def _store_one(self, pending: _Pending) -> Stored | Exception:
        try:
            return self._store_batch([pending])[0]
        except _ONE_ROW as error:
            log.error(
                "the database refused a reaction for board %d: %s",
                pending.draft.board_id,
                error if isinstance(error, sqlite3.IntegrityError) else type(error).__name__,
            )
            return NotStored(UNAVAILABLE)

    def _store_batch(self, batch: Sequence[_Pending]) -> list[Stored]:
        """Insert the batch as if none of it were stored yet (almost always true); when
        the database skipped a key it already had, answer that one with the original."""
        conn = self._connection
        planned: list[tuple[ReactionRow, bool]] = []  # (row, stored by this batch)
        firsts: dict[tuple[int, str, str], ReactionRow] = {}
        rows: list[ReactionRow] = []
        next_id = self._next_id
        for pending in batch:
            key = pending.draft.key
            if key is not None and key in firsts:  # sent again before the first was stored
                planned.append((firsts[key], False))
                continue
            row = _row(pending, next_id)
            next_id += 1
            rows.append(row)
            planned.append((row, True))
            if key is not None:
                firsts[key] = row
        inserted = self._insert(conn, rows)
        self._next_id = next_id
        if inserted == len(rows):
            return [Stored(row, created) for row, created in planned]
        stored = self._existing(conn, list(firsts))
        results: list[Stored] = []
        for pending, (row, created) in zip(batch, planned, strict=True):
            key = pending.draft.key
            original = stored.get(key) if key is not None else None
            if original is not None and original.id != row.id:
                results.append(Stored(original, created=False))
            else:
                results.append(Stored(row, created))
        return results

    def _insert(self, conn: sqlite3.Connection, rows: Sequence[ReactionRow]) -> int:
        """Insert rows, skipping keys already stored; returns how many were new.

        A batch that fits one statement is one autocommit transaction: a single call
        into SQLite, so the writer's thread hands the GIL back and forth once per batch
        rather than for each of BEGIN, a dedupe SELECT, INSERT and COMMIT.
        """
        if not rows:
            return 0
        if len(rows) <= self._per_statement:
            return conn.execute(self._insert_sql(len(rows)), self._params(rows)).rowcount
        conn.execute("BEGIN IMMEDIATE")
        try:
            count = 0
            for chunk in _chunks(rows, self._per_statement):
                count += conn.execute(self._insert_sql(len(chunk)), self._params(chunk)).rowcount
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return count

    def _insert_sql(self, count: int) -> str:
        names = ",".join(COLUMNS)  # our own column names; every value is a parameter
        values = ",".join([self._row_sql] * count)
        return (
            f"INSERT INTO reaction ({names}) VALUES {values} "  # noqa: S608
            "ON CONFLICT (board_id, source, external_id) DO NOTHING"
        )

    def _params(self, rows: Sequence[ReactionRow]) -> list[Any]:
        params: list[Any] = []
        for row in rows:
            for convert, name in zip(self._bind, COLUMNS, strict=True):
                value = getattr(row, name)
                params.append(convert(value) if convert and value is not None else value)
        return params

    def _existing(
        self, conn: sqlite3.Connection, keys: Sequence[tuple[int, str, str]]
    ) -> dict[tuple[int, str, str], ReactionRow]:
        """The stored reactions with these keys, one indexed lookup per (board, source)."""
        wanted: dict[tuple[int, str], set[str]] = {}
        for board_id, source, external_id in keys:
            wanted.setdefault((board_id, source), set()).add(external_id)
        found: dict[tuple[int, str, str], ReactionRow] = {}
        names = ",".join(COLUMNS)
        for (board_id, source), external_ids in wanted.items():
            for ids in _chunks(sorted(external_ids), 500):
                marks = ",".join("?" * len(ids))
                query = (
                    f"SELECT {names} FROM reaction WHERE board_id = ? AND source = ? "  # noqa: S608
                    f"AND external_id IN ({marks})"
                )
                for values in conn.execute(query, (board_id, source, *ids)):
                    row = ReactionRow(*self._read(values))
                    found[(board_id, source, str(row.external_id))] = row
        return found

    def _read(self, values: Sequence[Any]) -> Iterator[Any]:
        for convert, value in zip(self._result, values, strict=True):
            yield convert(value) if convert else value


def _row(pending: _Pending, reaction_id: int) -> ReactionRow:
    draft, scored = pending.draft, pending.scored
    return ReactionRow(
        id=reaction_id,
        board_id=draft.board_id,
        source=draft.source,
        external_id=draft.external_id,
        author=draft.author,
        text=draft.text,
        emoji=draft.emoji,
        lang=scored.lang,
        score=scored.score,
        label=scored.label,
        status=draft.status,
        pinned=False,
        received_at=draft.received_at,
        posted_at=draft.posted_at,
        segment=draft.segment,
        flag=draft.flag,
        device=draft.device,
    )


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
