"""The reaction table on one DB-API connection, for the writer's thread.

A batch is one multi-row INSERT that skips keys already stored, in one autocommit
transaction; only when a key was there already are the originals read back. Rows are
plain `ReactionRow`s, converted with SQLAlchemy's own column types, so that they read
back through the ORM as usual.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import Engine

from scoreboard.models import Reaction, ReactionRow

if TYPE_CHECKING:
    from scoreboard.writer import Draft, Scored

log = logging.getLogger(__name__)

UNAVAILABLE = "the reaction could not be stored; try again in a moment"
T = TypeVar("T")
_ONE_ROW = (sqlite3.IntegrityError, UnicodeEncodeError, OverflowError)
"""What one row can cause, rather than the disk: a constraint, or a value SQLite cannot
bind (half a surrogate pair, an integer past 64 bits). Nothing of the batch was written."""

COLUMNS: tuple[str, ...] = ReactionRow._fields
"""The reaction table's columns, in order: ReactionRow mirrors the table (a test checks)."""


class NotStored(Exception):
    """The reaction was not stored (a database error, or the server is stopping).

    Nothing was acknowledged, so the sender may safely try again: a retry with the same
    external id is recognised if the row did land after all.
    """

    status = 503
    retry_after = 1  # seconds


@dataclass(frozen=True, slots=True)
class Stored:
    reaction: ReactionRow
    created: bool


class Queued(Protocol):
    """What the table reads of a reaction waiting in the writer's queue."""

    @property
    def draft(self) -> Draft: ...
    @property
    def scored(self) -> Scored: ...


class ReactionTable:
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
        bind = [kind.bind_processor(dialect) for kind in types]
        self._bind = [(i, convert) for i, convert in enumerate(bind) if convert]
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

    def store(self, batch: Sequence[Queued]) -> list[Stored | Exception]:
        try:
            return [*self._store_batch(batch)]
        except _ONE_ROW:
            # Rare (a board deleted meanwhile, a value SQLite cannot take): one reaction
            # must not cost the others their commit, so store them one by one.
            return [self._store_one(pending) for pending in batch]

    def _store_one(self, pending: Queued) -> Stored | Exception:
        try:
            return self._store_batch([pending])[0]
        except _ONE_ROW as error:
            log.error(
                "the database refused a reaction for board %d: %s",
                pending.draft.board_id,
                error if isinstance(error, sqlite3.IntegrityError) else type(error).__name__,
            )
            return NotStored(UNAVAILABLE)

    def _store_batch(self, batch: Sequence[Queued]) -> list[Stored]:
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
        """The rows' values in column order, each converted as its column's type binds it."""
        params: list[Any] = []
        for row in rows:
            values = list(row)
            for index, convert in self._bind:
                if values[index] is not None:
                    values[index] = convert(values[index])
            params += values
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


def _row(pending: Queued, reaction_id: int) -> ReactionRow:
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
