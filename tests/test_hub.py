"""The hub: a snapshot first, then coalesced ticks; slow clients never hold up the rest."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

from scoreboard.hub import Hub, Subscriber

BOARD = 1
T = TypeVar("T")


class Source:
    """Counts how often the hub asks for the state, and lets tests change it."""

    def __init__(self) -> None:
        self.total = 0
        self.snapshot_calls = 0
        self.tally_calls = 0

    def snapshot(self, board_id: int) -> dict[str, Any]:
        self.snapshot_calls += 1
        return {"board": {"id": board_id}, "tally": {"total": self.total}, "recent": []}

    def tally(self, board_id: int) -> dict[str, Any]:
        self.tally_calls += 1
        return {"total": self.total}


def make_hub(source: Source, **options: Any) -> Hub:
    return Hub(source.snapshot, source.tally, tick_hz=10, **options)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


async def read(subscriber: Subscriber) -> dict[str, Any]:
    message = await asyncio.wait_for(subscriber.next_message(), 1)
    assert message is not None
    parsed: dict[str, Any] = json.loads(message)
    return parsed


async def nothing_pending(subscriber: Subscriber) -> bool:
    try:
        await asyncio.wait_for(subscriber.next_message(), 0.02)
    except TimeoutError:
        return True
    return False


def item(reaction_id: int, emoji: str | None = None) -> dict[str, Any]:
    return {"id": reaction_id, "text": f"message {reaction_id}", "emoji": emoji}


def test_a_new_subscriber_gets_a_snapshot_first() -> None:
    async def scenario() -> None:
        source = Source()
        source.total = 4
        hub = make_hub(source)
        hub.added(BOARD, item(1), shown=True)
        hub.tick()
        async with hub.subscribe(BOARD) as subscriber:
            first = await read(subscriber)
            assert first["type"] == "snapshot"
            assert first["seq"] == hub.seq(BOARD) == 1
            assert first["tally"] == {"total": 4}
            assert await nothing_pending(subscriber)

    run(scenario())


def test_many_added_calls_coalesce_into_one_tick_with_all_items() -> None:
    async def scenario() -> None:
        source = Source()
        hub = make_hub(source)
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            for n in range(1, 51):
                hub.added(BOARD, item(n), shown=True)
            source.total = 50
            assert hub.tick() == 1
            tick = await read(subscriber)
            assert tick["type"] == "tick"
            assert [added["id"] for added in tick["added"]] == list(range(1, 51))
            assert tick["tally"] == {"total": 50}
            assert tick["removed"] == []
            assert await nothing_pending(subscriber)

    run(scenario())


def test_items_not_shown_are_counted_in_the_tick_but_not_added() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            hub.added(BOARD, item(1, "👏"), shown=False)
            hub.tick()
            tick = await read(subscriber)
            assert tick["added"] == []
            assert tick["bursts"] == {"👏": 1}

    run(scenario())


def test_seq_increases_by_one_per_tick() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(BOARD) as subscriber:
            start = (await read(subscriber))["seq"]
            seqs = []
            for n in range(5):
                hub.added(BOARD, item(n), shown=True)
                hub.tick()
                seqs.append((await read(subscriber))["seq"])
            assert seqs == [start + 1, start + 2, start + 3, start + 4, start + 5]

    run(scenario())


def test_no_tick_when_nothing_changed() -> None:
    async def scenario() -> None:
        source = Source()
        hub = make_hub(source)
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            hub.added(BOARD, item(1), shown=True)
            assert hub.tick() == 1
            await read(subscriber)
            calls = source.tally_calls
            assert hub.tick() == 0
            assert hub.tick() == 0
            assert hub.seq(BOARD) == 1
            assert source.tally_calls == calls
            assert await nothing_pending(subscriber)

    run(scenario())


def test_a_reading_subscriber_receives_every_tick() -> None:
    async def scenario() -> None:
        hub = make_hub(Source(), max_queue=4)
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            received: list[int] = []
            for n in range(1, 41):
                hub.added(BOARD, item(n), shown=True)
                hub.tick()
                message = await read(subscriber)
                assert message["type"] == "tick"
                received.extend(added["id"] for added in message["added"])
            assert received == list(range(1, 41))

    run(scenario())


def test_a_subscriber_that_never_reads_gets_one_snapshot_not_a_backlog() -> None:
    async def scenario() -> None:
        source = Source()
        hub = make_hub(source, max_queue=4)
        async with hub.subscribe(BOARD) as lagging, hub.subscribe(BOARD) as reading:
            await read(lagging)
            await read(reading)
            for n in range(1, 101):
                hub.added(BOARD, item(n), shown=True)
                source.total = n
                hub.tick()
                assert (await read(reading))["seq"] == n
            caught_up = await read(lagging)
            assert caught_up["type"] == "snapshot"
            assert caught_up["seq"] == hub.seq(BOARD) == 100
            assert caught_up["tally"] == {"total": 100}
            assert await nothing_pending(lagging)

    run(scenario())


def test_a_subscriber_behind_by_less_than_its_queue_gets_each_tick() -> None:
    async def scenario() -> None:
        hub = make_hub(Source(), max_queue=8)
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            for n in range(1, 4):
                hub.added(BOARD, item(n), shown=True)
                hub.tick()
            messages = [await read(subscriber) for _ in range(3)]
            assert [(m["type"], m["seq"]) for m in messages] == [
                ("tick", 1),
                ("tick", 2),
                ("tick", 3),
            ]

    run(scenario())


def test_a_stalled_subscriber_is_dropped_after_stall_seconds() -> None:
    async def scenario() -> None:
        hub = make_hub(Source(), max_queue=2, stall_seconds=0.01)
        async with hub.subscribe(BOARD) as stalled, hub.subscribe(BOARD) as healthy:
            await read(stalled)
            await read(healthy)
            await asyncio.sleep(0.02)
            for n in range(1, 11):
                hub.added(BOARD, item(n), shown=True)
                hub.tick()
                await read(healthy)
                healthy.sent()
            assert hub.subscriber_count(BOARD) == 1
            assert stalled.closed
            assert await asyncio.wait_for(stalled.next_message(), 1) is None
            assert not healthy.closed

    run(scenario())


def test_a_slow_subscriber_within_stall_seconds_is_kept() -> None:
    async def scenario() -> None:
        hub = make_hub(Source(), max_queue=2, stall_seconds=60)
        async with hub.subscribe(BOARD) as slow:
            await read(slow)
            for n in range(10):
                hub.added(BOARD, item(n), shown=True)
                hub.tick()
            assert hub.subscriber_count(BOARD) == 1
            assert (await read(slow))["type"] == "snapshot"

    run(scenario())


def test_the_snapshot_is_serialised_once_per_seq() -> None:
    async def scenario() -> None:
        source = Source()
        hub = make_hub(source)
        async with hub.subscribe(BOARD) as one, hub.subscribe(BOARD) as two:
            first = await one.next_message()
            second = await two.next_message()
            assert first is not None
            assert first is second
            assert source.snapshot_calls == 1
            hub.added(BOARD, item(1), shown=True)
            hub.tick()
            async with hub.subscribe(BOARD) as three:
                fresh = await three.next_message()
                assert fresh is not None
                assert fresh != first
                assert json.loads(fresh)["seq"] == 1
                assert source.snapshot_calls == 2

    run(scenario())


def test_a_tick_is_serialised_once_for_all_subscribers() -> None:
    async def scenario() -> None:
        source = Source()
        hub = make_hub(source)
        async with hub.subscribe(BOARD) as one, hub.subscribe(BOARD) as two:
            await one.next_message()
            await two.next_message()
            hub.added(BOARD, item(1), shown=True)
            hub.tick()
            assert await one.next_message() is await two.next_message()
            assert source.tally_calls == 1

    run(scenario())


def test_removed_ids_are_sent_and_drop_items_not_yet_sent() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            hub.added(BOARD, item(1), shown=True)
            hub.added(BOARD, item(2), shown=True)
            hub.removed(BOARD, 2)
            hub.removed(BOARD, 7)
            hub.tick()
            tick = await read(subscriber)
            assert [added["id"] for added in tick["added"]] == [1]
            assert tick["removed"] == [2, 7]

    run(scenario())


def test_a_restored_message_comes_back_without_a_burst() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            hub.removed(BOARD, 7)
            hub.restored(BOARD, item(7, "👏"), shown=True)
            hub.tick()
            tick = await read(subscriber)
            assert [added["id"] for added in tick["added"]] == [7]
            assert tick["removed"] == []
            assert tick["bursts"] == {}

    run(scenario())


def test_bursts_count_emoji_taps_since_the_last_tick() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            for emoji in ["👏", "👏", "❤️", "👏"]:
                hub.added(BOARD, item(1, emoji), shown=False)
            hub.tick()
            assert (await read(subscriber))["bursts"] == {"👏": 3, "❤️": 1}
            hub.added(BOARD, item(2), shown=True)
            hub.tick()
            assert (await read(subscriber))["bursts"] == {}

    run(scenario())


def test_ticks_are_per_board() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(1) as one, hub.subscribe(2) as two:
            await read(one)
            await read(two)
            hub.added(1, item(1), shown=True)
            assert hub.tick() == 1
            assert (await read(one))["type"] == "tick"
            assert await nothing_pending(two)
            assert hub.seq(2) == 0

    run(scenario())


def test_resync_sends_a_fresh_snapshot_to_every_subscriber() -> None:
    async def scenario() -> None:
        source = Source()
        hub = make_hub(source)
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            source.total = 9
            hub.changed(BOARD, resync=True)
            message = await read(subscriber)
            assert message["type"] == "snapshot"
            assert message["seq"] == 1
            assert message["tally"] == {"total": 9}

    run(scenario())


def test_unsubscribing_on_exit_removes_the_subscriber() -> None:
    async def scenario() -> None:
        hub = make_hub(Source())
        async with hub.subscribe(BOARD):
            assert hub.subscriber_count(BOARD) == 1
        assert hub.subscriber_count(BOARD) == 0

    run(scenario())


def test_run_ticks_on_its_own_at_tick_hz() -> None:
    async def scenario() -> None:
        hub = Hub(Source().snapshot, Source().tally, tick_hz=50)
        async with hub.subscribe(BOARD) as subscriber:
            await read(subscriber)
            task = asyncio.create_task(hub.run())
            try:
                hub.added(BOARD, item(1), shown=True)
                tick = await read(subscriber)
                assert tick["type"] == "tick"
                assert tick["added"][0]["id"] == 1
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    run(scenario())


def test_a_client_joining_right_after_a_hide_never_gets_the_hidden_message() -> None:
    source = Source()
    hub = make_hub(source)
    source.total = 1

    async def body() -> tuple[dict[str, Any], dict[str, Any]]:
        async with hub.subscribe(BOARD) as first:
            before = await read(first)  # the snapshot is cached for this seq
        source.total = 0  # the organiser hid the only message
        hub.removed(BOARD, 7)
        async with hub.subscribe(BOARD) as second:  # before the next tick
            return before, await read(second)

    before, after = run(body())
    assert before["tally"]["total"] == 1
    assert after["tally"]["total"] == 0
