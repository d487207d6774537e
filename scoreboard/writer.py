"""The single writer: group commit of concurrent reactions, with idempotent ingest.

Every request that stores a reaction hands a `Draft` to the writer and waits. The
writer takes everything queued at that moment, scores it, inserts it in one
transaction (one fsync for the lot) and only then answers each waiting request: an
acknowledged reaction is on disk. `(board, source, external_id)` makes a retry or a
redelivered webhook return the stored reaction instead of a second row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from scoreboard.models import Reaction, utcnow

log = logging.getLogger(__name__)

MAX_BATCH = 1000


class Scored(Protocol):
    """What the sentiment seam answers (see `scoreboard.sentiment.score`)."""

    @property
    def label(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def lang(self) -> str | None: ...


Scorer = Callable[[str, str | None, Sequence[str], Sequence[str]], Scored]
CommitHook = Callable[[list[Reaction]], None]


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
    reaction: Reaction
    created: bool


class Writer:
    """Owns every insert of reactions; run it as one task per server."""

    def __init__(self, engine: Engine, scorer: Scorer, on_commit: CommitHook) -> None:
        self._engine = engine
        self._scorer = scorer
        self._on_commit = on_commit
        self._queue: asyncio.Queue[tuple[Draft, asyncio.Future[Stored]]] = asyncio.Queue()
        self._next_id = 0
        self.batches = 0
        self.committed = 0

    async def submit(self, draft: Draft) -> Stored:
        """Store a reaction durably; returns once its row is committed."""
        future: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        await self._queue.put((draft, future))
        return await future

    async def run(self) -> None:
        """Commit batches forever; cancel to stop (queued work is answered first)."""
        with self._engine.connect() as conn:
            self._next_id = (conn.execute(select(func.max(Reaction.id))).scalar() or 0) + 1
        try:
            while True:
                batch = [await self._queue.get()]
                await self._commit_batch(batch)
        finally:
            await self._drain()

    async def _drain(self) -> None:
        while not self._queue.empty():
            batch = [self._queue.get_nowait()]
            await self._commit_batch(batch)

    async def _commit_batch(self, batch: list[tuple[Draft, asyncio.Future[Stored]]]) -> None:
        while len(batch) < MAX_BATCH and not self._queue.empty():
            batch.append(self._queue.get_nowait())
        drafts = [draft for draft, _ in batch]
        work = asyncio.ensure_future(asyncio.to_thread(self._store, drafts))
        try:
            results = await asyncio.shield(work)
        except asyncio.CancelledError:
            # The thread commits regardless: answer this batch before stopping.
            self._finish(batch, await work)
            raise
        except Exception as error:
            log.exception("commit of %d reactions failed", len(drafts))
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        self._finish(batch, results)

    def _finish(
        self,
        batch: list[tuple[Draft, asyncio.Future[Stored]]],
        results: list[Stored | Exception],
    ) -> None:
        self.batches += 1
        created = [r.reaction for r in results if isinstance(r, Stored) and r.created]
        self.committed += len(created)
        if created:
            try:
                self._on_commit(created)
            except Exception:  # the rows are safe on disk; a live-view bug must not fail them
                log.exception("commit hook failed")
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Stored):
                future.set_result(result)
            else:
                future.set_exception(result)

    # -- runs in a worker thread --

    def _store(self, drafts: list[Draft]) -> list[Stored | Exception]:
        try:
            return list(self._store_batch(drafts))
        except IntegrityError:
            # Rare (a board deleted meanwhile): store the others one by one.
            return [self._store_one(draft) for draft in drafts]

    def _store_one(self, draft: Draft) -> Stored | Exception:
        try:
            return self._store_batch([draft])[0]
        except IntegrityError as error:
            return error

    def _store_batch(self, drafts: list[Draft]) -> list[Stored]:
        with self._engine.begin() as conn:
            existing = self._existing(conn, drafts)
            results: list[Stored] = []
            rows: list[dict[str, Any]] = []
            next_id = self._next_id
            for draft in drafts:
                known = existing.get(draft.key) if draft.key else None
                if known is not None:
                    results.append(Stored(known, created=False))
                    continue
                reaction = self._build(draft, next_id)
                next_id += 1
                rows.append(reaction.model_dump())
                results.append(Stored(reaction, created=True))
                if draft.key:
                    existing[draft.key] = reaction
            if rows:
                conn.execute(insert(Reaction), rows)
        self._next_id = next_id
        return results

    def _existing(self, conn: Any, drafts: list[Draft]) -> dict[tuple[int, str, str], Reaction]:
        """Stored reactions for the batch's keys, one indexed lookup per (board, source)."""
        wanted: dict[tuple[int, str], set[str]] = {}
        for draft in drafts:
            if draft.external_id is not None:
                wanted.setdefault((draft.board_id, draft.source), set()).add(draft.external_id)
        found: dict[tuple[int, str, str], Reaction] = {}
        for (board_id, source), external_ids in wanted.items():
            ids = sorted(external_ids)
            for start in range(0, len(ids), 500):
                query = select(Reaction).where(
                    col(Reaction.board_id) == board_id,
                    col(Reaction.source) == source,
                    col(Reaction.external_id).in_(ids[start : start + 500]),
                )
                for row in conn.execute(query).mappings():
                    reaction = Reaction.model_validate(dict(row))
                    found[(board_id, source, str(reaction.external_id))] = reaction
        return found

    def _build(self, draft: Draft, reaction_id: int) -> Reaction:
        scored = self._scorer(draft.text or "", draft.emoji, draft.languages, draft.ignore_tags)
        return Reaction(
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
            received_at=draft.received_at,
            posted_at=draft.posted_at,
            segment=draft.segment,
            flag=draft.flag,
            device=draft.device,
        )
