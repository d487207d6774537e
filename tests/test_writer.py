"""The single writer: group commit, durable acknowledgement, idempotent ingest."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from scoreboard import sentiment
from scoreboard.codes import hash_token
from scoreboard.db import create_schema, make_engine
from scoreboard.models import Board, Reaction, ReactionRow, as_utc
from scoreboard.reaction_table import COLUMNS, NotStored, Stored
from scoreboard.writer import Draft, Scored, Writer

T = TypeVar("T")


def score(text: str, emoji: str | None, languages: Sequence[str], tags: Sequence[str]) -> Scored:
    """The same adapter the server wires in (services.py)."""
    return sentiment.score(text, emoji, languages, ignore_tags=tags)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "writer.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{db_path}")
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def board_id(engine: Engine) -> int:
    with Session(engine) as session:
        board = Board(slug="talk", title="Talk", join_code="ABCDE", token_hash=hash_token("t"))
        session.add(board)
        session.commit()
        session.refresh(board)
        assert board.id is not None
        return board.id


class Hook:
    def __init__(self) -> None:
        self.calls: list[list[ReactionRow]] = []

    def __call__(self, reactions: list[ReactionRow]) -> None:
        self.calls.append(list(reactions))

    @property
    def ids(self) -> list[int | None]:
        return [reaction.id for call in self.calls for reaction in call]


async def with_writer(engine: Engine, hook: Hook, body: Callable[[Writer], Awaitable[T]]) -> T:
    writer = Writer(engine, score, hook)
    task = asyncio.create_task(writer.run())
    try:
        return await body(writer)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def rows(
    db_path: Path, where: str = "1", *args: object, columns: str = "id, text, external_id, label"
) -> list[tuple[Any, ...]]:
    """Read through a fresh sqlite3 connection: what another process would see."""
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(
            f"SELECT {columns} FROM reaction WHERE {where} ORDER BY id",  # noqa: S608
            args,
        ).fetchall()


def test_reaction_rows_mirror_the_table_column_for_column() -> None:
    """Rows are inserted and read back by position: the row type must match the table."""
    assert tuple(Reaction.__table__.columns.keys()) == COLUMNS  # type: ignore[attr-defined]


def test_concurrent_submissions_share_commits(engine: Engine, board_id: int) -> None:
    async def body(writer: Writer) -> list[Stored]:
        drafts = [Draft(board_id, "api", text=f"great talk {n}") for n in range(200)]
        return await asyncio.gather(*(writer.submit(draft) for draft in drafts))

    hook = Hook()
    results = run(with_writer(engine, hook, body))
    assert all(result.created for result in results)
    assert len(hook.ids) == 200
    assert sum(len(call) for call in hook.calls) == 200
    assert len(hook.calls) < 200


def test_writer_counts_batches_and_commits(engine: Engine, board_id: int) -> None:
    async def body(writer: Writer) -> tuple[int, int]:
        await asyncio.gather(*(writer.submit(Draft(board_id, "api", text="ok")) for _ in range(50)))
        return writer.batches, writer.committed

    batches, committed = run(with_writer(engine, Hook(), body))
    assert committed == 50
    assert 1 <= batches < 50


def test_an_acknowledged_reaction_is_readable_from_a_new_connection(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def one(writer: Writer, n: int) -> None:
        stored = await writer.submit(Draft(board_id, "api", external_id=f"c{n}", text=f"msg {n}"))
        assert rows(db_path, "id = ?", stored.reaction.id) == [
            (stored.reaction.id, f"msg {n}", f"c{n}", stored.reaction.label)
        ]

    async def body(writer: Writer) -> None:
        await asyncio.gather(*(one(writer, n) for n in range(60)))

    run(with_writer(engine, Hook(), body))
    fresh = make_engine(f"sqlite:///{db_path}")
    try:
        with Session(fresh) as session:
            assert session.get(Reaction, 1) is not None
    finally:
        fresh.dispose()
    assert len(rows(db_path)) == 60


def test_stored_reactions_are_scored(engine: Engine, board_id: int, db_path: Path) -> None:
    async def body(writer: Writer) -> list[Stored]:
        return [
            await writer.submit(Draft(board_id, "api", text="what a brilliant, wonderful talk")),
            await writer.submit(Draft(board_id, "api", text="this is terrible and boring")),
        ]

    good, bad = run(with_writer(engine, Hook(), body))
    assert good.reaction.label == "positive"
    assert good.reaction.score > 0
    assert bad.reaction.label == "negative"
    assert bad.reaction.score < 0
    assert good.reaction.lang == "en"
    assert [row[3] for row in rows(db_path)] == ["positive", "negative"]


def test_a_duplicate_in_a_later_batch_returns_the_original(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body(writer: Writer) -> tuple[Stored, Stored]:
        first = await writer.submit(Draft(board_id, "api", external_id="x1", text="first"))
        retry = await writer.submit(Draft(board_id, "api", external_id="x1", text="retry"))
        return first, retry

    hook = Hook()
    first, retry = run(with_writer(engine, hook, body))
    assert first.created
    assert not retry.created
    assert retry.reaction.id == first.reaction.id
    assert retry.reaction.text == "first"
    assert hook.ids == [first.reaction.id]
    assert rows(db_path) == [(first.reaction.id, "first", "x1", first.reaction.label)]


def test_a_duplicate_in_the_same_batch_returns_the_original(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body(writer: Writer) -> list[Stored]:
        drafts = [Draft(board_id, "api", external_id="same", text=f"try {n}") for n in range(5)]
        return await asyncio.gather(*(writer.submit(draft) for draft in drafts))

    hook = Hook()
    results = run(with_writer(engine, hook, body))
    assert [result.created for result in results] == [True, False, False, False, False]
    assert {result.reaction.id for result in results} == {results[0].reaction.id}
    assert len(hook.ids) == 1
    assert len(rows(db_path)) == 1


def test_a_duplicate_survives_a_restart_of_the_writer(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def first(writer: Writer) -> Stored:
        return await writer.submit(Draft(board_id, "api", external_id="r", text="before"))

    async def second(writer: Writer) -> Stored:
        return await writer.submit(Draft(board_id, "api", external_id="r", text="after"))

    original = run(with_writer(engine, Hook(), first))
    again = run(with_writer(engine, Hook(), second))
    assert not again.created
    assert again.reaction.id == original.reaction.id
    assert len(rows(db_path)) == 1


def test_a_batch_repeating_a_stored_reaction_answers_every_copy_with_the_original(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body(writer: Writer) -> tuple[Stored, tuple[Stored, Stored, Stored]]:
        first = await writer.submit(Draft(board_id, "api", external_id="old", text="first"))
        later = await asyncio.gather(
            writer.submit(Draft(board_id, "api", external_id="old", text="retry 1")),
            writer.submit(Draft(board_id, "api", external_id="new", text="fresh")),
            writer.submit(Draft(board_id, "api", external_id="old", text="retry 2")),
        )
        return first, later

    hook = Hook()
    first, (retry, fresh, again) = run(with_writer(engine, hook, body))
    assert (retry.created, fresh.created, again.created) == (False, True, False)
    assert retry.reaction == again.reaction == first.reaction
    assert hook.ids == [first.reaction.id, fresh.reaction.id]
    assert [row[1] for row in rows(db_path)] == ["first", "fresh"]


def test_the_same_external_id_from_another_source_or_board_is_not_a_duplicate(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    with Session(engine) as session:
        other = Board(slug="other", title="Other", join_code="FGHJK", token_hash=hash_token("u"))
        session.add(other)
        session.commit()
        assert other.id is not None
        other_id = other.id

    async def body(writer: Writer) -> list[Stored]:
        return [
            await writer.submit(Draft(board_id, "api", external_id="42", text="a")),
            await writer.submit(Draft(board_id, "slack", external_id="42", text="b")),
            await writer.submit(Draft(other_id, "api", external_id="42", text="c")),
        ]

    results = run(with_writer(engine, Hook(), body))
    assert all(result.created for result in results)
    assert len(rows(db_path)) == 3


def test_drafts_without_external_id_are_never_deduplicated(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body(writer: Writer) -> list[Stored]:
        same = [writer.submit(Draft(board_id, "form", text="same words")) for _ in range(5)]
        results = await asyncio.gather(*same)
        results.append(await writer.submit(Draft(board_id, "form", text="same words")))
        return results

    results = run(with_writer(engine, Hook(), body))
    assert all(result.created for result in results)
    assert len({result.reaction.id for result in results}) == 6
    assert len(rows(db_path)) == 6


def test_ids_are_unique_and_increasing_across_batches_and_restarts(
    engine: Engine, board_id: int
) -> None:
    async def body(writer: Writer) -> list[int]:
        ids: list[int] = []
        for _ in range(3):
            batch = await asyncio.gather(
                *(writer.submit(Draft(board_id, "api", text="x")) for _ in range(20))
            )
            ids += [stored.reaction.id for stored in batch if stored.reaction.id is not None]
        return ids

    first = run(with_writer(engine, Hook(), body))
    second = run(with_writer(engine, Hook(), body))
    ids = first + second
    assert len(ids) == 120
    assert len(set(ids)) == 120
    assert ids == sorted(ids)


def test_the_commit_hook_gets_only_created_reactions(engine: Engine, board_id: int) -> None:
    async def body(writer: Writer) -> list[Stored]:
        first = await writer.submit(Draft(board_id, "api", external_id="a", text="one"))
        mixed = await asyncio.gather(
            writer.submit(Draft(board_id, "api", external_id="a", text="again")),
            writer.submit(Draft(board_id, "api", external_id="b", text="two")),
            writer.submit(Draft(board_id, "api", text="three")),
        )
        return [first, *mixed]

    hook = Hook()
    results = run(with_writer(engine, hook, body))
    created = [r.reaction.id for r in results if r.created]
    assert hook.ids == created
    assert len(created) == 3
    assert all(reaction.text != "again" for call in hook.calls for reaction in call)


def test_a_failing_commit_hook_does_not_fail_the_stored_reactions(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    def broken(_: list[ReactionRow]) -> None:
        raise RuntimeError("live view bug")

    async def body() -> Stored:
        writer = Writer(engine, score, broken)
        task = asyncio.create_task(writer.run())
        try:
            return await writer.submit(Draft(board_id, "api", text="still stored"))
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    stored = run(body())
    assert stored.created
    assert rows(db_path, "id = ?", stored.reaction.id)[0][1] == "still stored"


def test_a_draft_for_a_missing_board_fails_alone(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body(writer: Writer) -> tuple[Stored | BaseException, ...]:
        return await asyncio.gather(
            writer.submit(Draft(board_id, "api", text="fine")),
            writer.submit(Draft(9999, "api", text="no such board")),
            writer.submit(Draft(board_id, "api", text="also fine")),
            return_exceptions=True,
        )

    results = run(with_writer(engine, Hook(), body))
    assert isinstance(results[1], Exception)
    assert isinstance(results[0], Stored)
    assert isinstance(results[2], Stored)
    assert [row[1] for row in rows(db_path)] == ["fine", "also fine"]


def test_a_draft_sqlite_cannot_bind_fails_alone(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    """Every route cleans text before it becomes a draft; should one ever slip through,
    it must not cost the reactions that share its batch their commit."""

    async def body(writer: Writer) -> tuple[Stored | BaseException, ...]:
        return await asyncio.gather(
            writer.submit(Draft(board_id, "api", text="fine")),
            writer.submit(Draft(board_id, "api", text="half a pair \ud800")),
            writer.submit(Draft(board_id, "api", external_id="x" * 3, author="\udfff")),
            writer.submit(Draft(2**64, "api", text="an id past 64 bits")),
            writer.submit(Draft(board_id, "api", text="also fine")),
            return_exceptions=True,
        )

    results = run(with_writer(engine, Hook(), body))
    assert [type(result).__name__ for result in results] == [
        "Stored",
        "NotStored",
        "NotStored",
        "NotStored",
        "Stored",
    ]
    assert [row[1] for row in rows(db_path)] == ["fine", "also fine"]


def test_the_reactions_of_one_loop_turn_are_scored_together(engine: Engine, board_id: int) -> None:
    """Every submission of a turn is in before the first is scored: back to back, the
    scorer's tables stay warm (one per request they went cold in between)."""
    events: list[str] = []

    def scorer(
        text: str, emoji: str | None, languages: Sequence[str], tags: Sequence[str]
    ) -> Scored:
        events.append(f"score {text}")
        return score(text, emoji, languages, tags)

    async def send(writer: Writer, n: int) -> Stored:
        events.append(f"submit {n}")
        return await writer.submit(Draft(board_id, "api", text=f"{n}"))

    async def body() -> list[Stored]:
        writer = Writer(engine, scorer, Hook())
        task = asyncio.create_task(writer.run())
        try:
            return await asyncio.wait_for(asyncio.gather(*(send(writer, n) for n in range(4))), 5)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    results = run(body())
    assert all(result.created for result in results)
    assert events == [*(f"submit {n}" for n in range(4)), *(f"score {n}" for n in range(4))]


def test_a_scorer_error_fails_its_own_reaction_only(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    def scorer(
        text: str, emoji: str | None, languages: Sequence[str], tags: Sequence[str]
    ) -> Scored:
        if text == "boom":
            raise RuntimeError("a scorer bug")
        return score(text, emoji, languages, tags)

    async def body() -> list[Stored | BaseException]:
        writer = Writer(engine, scorer, Hook())
        task = asyncio.create_task(writer.run())
        try:
            drafts = [Draft(board_id, "api", text=text) for text in ("fine", "boom", "good")]
            submits = (writer.submit(draft) for draft in drafts)
            return await asyncio.wait_for(asyncio.gather(*submits, return_exceptions=True), 5)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    fine, boom, good = run(body())
    assert isinstance(boom, RuntimeError)
    assert isinstance(fine, Stored)
    assert isinstance(good, Stored)
    assert [text for _, text, _, _ in rows(db_path)] == ["fine", "good"]


def test_a_reaction_whose_request_is_gone_before_scoring_is_not_stored(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    """Nobody waits for its answer, and nothing was acknowledged."""

    async def body() -> Stored:
        writer = Writer(engine, score, Hook())
        task = asyncio.create_task(writer.run())
        try:
            gone = asyncio.create_task(writer.submit(Draft(board_id, "api", text="gone")))
            await asyncio.sleep(0)  # submitted, not yet scored
            gone.cancel()
            return await asyncio.wait_for(writer.submit(Draft(board_id, "api", text="kept")), 5)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    assert run(body()).created
    assert [text for _, text, _, _ in rows(db_path)] == ["kept"]


def test_queued_drafts_are_committed_when_the_writer_is_cancelled(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body() -> list[Stored]:
        writer = Writer(engine, score, Hook())
        task = asyncio.create_task(writer.run())
        submits = [
            asyncio.create_task(writer.submit(Draft(board_id, "api", text=f"late {n}")))
            for n in range(30)
        ]
        await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return await asyncio.wait_for(asyncio.gather(*submits), 5)

    results = run(body())
    assert all(result.created for result in results)
    assert len(rows(db_path)) == 30


def test_a_reaction_submitted_as_the_writer_is_cancelled_is_still_stored(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    """The cancellation reaches the writer before this turn's reactions are scored: they
    must still be queued ahead of the writer's end, or their senders would wait forever."""

    async def body() -> Stored:
        writer = Writer(engine, score, Hook())
        task = asyncio.create_task(writer.run())
        await asyncio.sleep(0.05)
        task.cancel()  # delivered at the loop's next turn, before this submission is scored
        stored = await writer.submit(Draft(board_id, "api", text="last"))
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return stored

    assert run(asyncio.wait_for(body(), 5)).created
    assert [text for _, text, _, _ in rows(db_path)] == ["last"]


def test_a_batch_in_flight_when_the_writer_is_cancelled_is_still_answered(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    """Another connection holds the write lock, so the first batch waits inside its
    transaction while the writer is cancelled; it and the later drafts still land."""
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")

    async def body() -> list[Stored]:
        writer = Writer(engine, score, Hook())
        first = [
            asyncio.create_task(writer.submit(Draft(board_id, "api", text=f"first {n}")))
            for n in range(5)
        ]
        await asyncio.sleep(0)  # all five queued before the writer starts: one batch
        task = asyncio.create_task(writer.run())
        await asyncio.sleep(0.2)  # the batch is in its thread, waiting for the lock
        assert writer.queued == 0
        assert not any(f.done() for f in first)
        later = [
            asyncio.create_task(writer.submit(Draft(board_id, "api", text=f"later {n}")))
            for n in range(5)
        ]
        await asyncio.sleep(0)
        task.cancel()
        blocker.execute("COMMIT")
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return await asyncio.wait_for(asyncio.gather(*first, *later), 5)

    try:
        results = run(body())
    finally:
        blocker.close()
    assert len(results) == 10
    assert all(result.created for result in results)
    assert len(rows(db_path)) == 10


def test_stored_rows_read_back_through_the_orm_unchanged(engine: Engine, board_id: int) -> None:
    """The writer inserts without the ORM; the ORM must read exactly what it acknowledged."""

    async def body(writer: Writer) -> list[Stored]:
        return [
            await writer.submit(
                Draft(
                    board_id,
                    "slack",
                    external_id="e1",
                    author="Ann",
                    text="really clear 👏",
                    emoji="👏",
                    status="held",
                    flag="pre",
                    segment="Demo",
                    device="d1",
                    posted_at=datetime(2026, 11, 28, 9, 30, 5, 123456, tzinfo=UTC),
                )
            ),
            await writer.submit(Draft(board_id, "api", emoji="🔥")),
        ]

    results = run(with_writer(engine, Hook(), body))
    with Session(engine) as session:
        for stored in results:
            loaded = session.get(Reaction, stored.reaction.id)
            assert loaded is not None
            read = loaded.model_dump()
            for name in ("received_at", "posted_at"):
                read[name] = read[name] and as_utc(read[name])
            assert read == stored.reaction._asdict()


def test_the_writer_stores_each_value_as_the_orm_does(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    """Raw, not read back: SQL compares and sorts the stored text, so a time the writer
    stores must look like one the ORM stores (an offset or a "T" would sort apart)."""
    moment = datetime(2026, 11, 28, 9, 30, 5, 123456, tzinfo=UTC)
    draft = Draft(board_id, "slack", external_id="w", text="good", posted_at=moment)
    stored = run(with_writer(engine, Hook(), lambda writer: writer.submit(draft)))
    with Session(engine) as session:
        values = stored.reaction._asdict() | {"id": stored.reaction.id + 1, "external_id": "o"}
        session.add(Reaction(**values))
        session.commit()
    columns = "typeof(score), score, typeof(pinned), pinned, received_at, posted_at"
    written, orm = rows(db_path, "1", columns=columns)
    assert written == orm
    assert written[-1] == "2026-11-28 09:30:05.123456"


def test_a_batch_bigger_than_one_statement_is_stored_whole(
    engine: Engine, board_id: int, db_path: Path
) -> None:
    async def body(writer: Writer) -> list[Stored]:
        drafts = [Draft(board_id, "api", external_id=f"k{n}", text="ok") for n in range(1300)]
        return await asyncio.gather(*(writer.submit(draft) for draft in drafts))

    results = run(with_writer(engine, Hook(), body))
    assert all(result.created for result in results)
    assert len({result.reaction.id for result in results}) == 1300
    assert len(rows(db_path)) == 1300


def test_a_stopped_writer_refuses_new_reactions_instead_of_hanging(
    engine: Engine, board_id: int
) -> None:
    async def body() -> None:
        writer = Writer(engine, score, Hook())
        task = asyncio.create_task(writer.run())
        assert (await writer.submit(Draft(board_id, "api", text="before"))).created
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with pytest.raises(NotStored, match="try again"):
            await asyncio.wait_for(writer.submit(Draft(board_id, "api", text="after")), 2)

    run(body())
