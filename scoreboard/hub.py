"""Live fan-out: coalesced ticks per board, serialised once, never held up by a slow client.

Reactions never become one websocket message each. The hub collects what changed on
a board and, at most `tick_hz` times a second, sends every subscriber one `tick` with
the absolute tally and the deltas. Each subscriber has a small bounded queue: a client
that falls behind loses its queued ticks and gets one fresh snapshot instead, and a
client that stops reading for `stall_seconds` is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

log = logging.getLogger(__name__)

_CHANGED = '{"type":"changed"}'
SnapshotSource = Callable[[int], dict[str, Any]]
TallySource = Callable[[int], dict[str, Any]]


class Subscriber:
    """One connected client: a bounded queue of serialised messages."""

    def __init__(self, hub: Hub, board_id: int, max_queue: int) -> None:
        self._hub = hub
        self.board_id = board_id
        self._queue: asyncio.Queue[str] = asyncio.Queue(max_queue)
        self._wake = asyncio.Event()
        self.needs_snapshot = True
        self.closed = False
        self.last_progress = time.monotonic()
        self._wake.set()

    def offer(self, message: str) -> None:
        """Queue a tick; on overflow drop the backlog and resync with a snapshot."""
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            while not self._queue.empty():
                self._queue.get_nowait()
            self.needs_snapshot = True
        self._wake.set()

    def request_snapshot(self) -> None:
        self.needs_snapshot = True
        self._wake.set()

    def close(self) -> None:
        self.closed = True
        self._wake.set()

    async def next_message(self) -> str | None:
        """The next message to send, or None once the hub dropped this client."""
        while True:
            if self.closed:
                return None
            if self.needs_snapshot:
                self.needs_snapshot = False
                while not self._queue.empty():
                    self._queue.get_nowait()
                return self._hub.snapshot_message(self.board_id)
            if not self._queue.empty():
                return self._queue.get_nowait()
            self._wake.clear()
            await self._wake.wait()

    def sent(self) -> None:
        self.last_progress = time.monotonic()

    def stalled(self, now: float, stall_seconds: float) -> bool:
        return self._queue.full() and now - self.last_progress > stall_seconds


@dataclass
class _Channel:
    seq: int = 0
    dirty: bool = False
    subscribers: set[Subscriber] = field(default_factory=set)
    organisers: set[Subscriber] = field(default_factory=set)
    organiser_dirty: bool = False
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    bursts: Counter[str] = field(default_factory=Counter)
    snapshot: tuple[int, str] | None = None


class Hub:
    """Publish/subscribe per board with a sequence number and coalesced ticks."""

    def __init__(
        self,
        snapshot_source: SnapshotSource,
        tally_source: TallySource,
        *,
        tick_hz: float = 10.0,
        max_queue: int = 8,
        stall_seconds: float = 20.0,
    ) -> None:
        self._snapshot_source = snapshot_source
        self._tally_source = tally_source
        self.interval = 1.0 / tick_hz
        self._max_queue = max_queue
        self._stall_seconds = stall_seconds
        self._channels: dict[int, _Channel] = {}

    def _channel(self, board_id: int) -> _Channel:
        channel = self._channels.get(board_id)
        if channel is None:  # not setdefault, which would build a spare _Channel every call
            channel = self._channels[board_id] = _Channel()
        return channel

    # -- what changed (called by the writer's commit hook and by moderation) --

    def added(self, board_id: int, item: dict[str, Any], *, shown: bool) -> None:
        """A new reaction is visible: `shown` when it belongs in the ticker; its emoji
        floats up."""
        channel = self._channel(board_id)
        channel.dirty = True
        if shown:
            channel.added.append(item)
        if item.get("emoji"):
            channel.bursts[item["emoji"]] += 1

    def restored(self, board_id: int, item: dict[str, Any], *, shown: bool) -> None:
        """An organiser made a message visible again: back in the ticker, no burst."""
        channel = self._channel(board_id)
        channel.dirty = True
        channel.removed = [i for i in channel.removed if i != item["id"]]
        if shown:
            channel.added.append(item)

    def removed(self, board_id: int, reaction_id: int) -> None:
        channel = self._channel(board_id)
        channel.dirty = True
        channel.snapshot = None  # a client joining before the next tick must not see it
        channel.added = [item for item in channel.added if item["id"] != reaction_id]
        channel.removed.append(reaction_id)

    def changed(self, board_id: int, *, resync: bool = False) -> None:
        """Something else changed (settings, segment, pin); `resync` sends snapshots."""
        channel = self._channel(board_id)
        channel.dirty = True
        channel.snapshot = None
        if resync:
            channel.seq += 1
            for subscriber in channel.subscribers:
                subscriber.request_snapshot()

    # -- subscribers --

    @contextlib.asynccontextmanager
    async def subscribe(
        self, board_id: int, *, organiser: bool = False
    ) -> AsyncIterator[Subscriber]:
        """A public subscriber gets snapshot and ticks; an organiser gets a small
        `{"type": "changed"}` whenever anything on the board changed, held messages
        included, and fetches what it needs over the authenticated API."""
        subscriber = Subscriber(self, board_id, self._max_queue)
        channel = self._channel(board_id)
        group = channel.organisers if organiser else channel.subscribers
        if organiser:
            subscriber.needs_snapshot = False
            subscriber.offer(_CHANGED)
        group.add(subscriber)
        try:
            yield subscriber
        finally:
            group.discard(subscriber)

    def organiser_changed(self, board_id: int) -> None:
        self._channel(board_id).organiser_dirty = True

    def subscriber_count(self, board_id: int) -> int:
        return len(self._channel(board_id).subscribers)

    def total_subscribers(self) -> int:
        return sum(len(c.subscribers) + len(c.organisers) for c in self._channels.values())

    def seq(self, board_id: int) -> int:
        return self._channel(board_id).seq

    def snapshot_message(self, board_id: int) -> str:
        """The full state, serialised once per seq however many clients ask for it."""
        channel = self._channel(board_id)
        if channel.snapshot is None or channel.snapshot[0] != channel.seq:
            body = {"type": "snapshot", "seq": channel.seq, **self._snapshot_source(board_id)}
            channel.snapshot = (channel.seq, orjson.dumps(body).decode())
        return channel.snapshot[1]

    # -- the tick --

    def tick(self) -> int:
        """Send one tick to each board that changed; returns how many boards ticked."""
        ticked = 0
        now = time.monotonic()
        for board_id, channel in self._channels.items():
            if channel.dirty:
                self._tick_channel(board_id, channel)
                ticked += 1
            if channel.organiser_dirty:
                channel.organiser_dirty = False
                for organiser in channel.organisers:
                    organiser.offer(_CHANGED)
            self._drop_stalled(channel, now)
        return ticked

    def _tick_channel(self, board_id: int, channel: _Channel) -> None:
        channel.seq += 1
        channel.dirty = False
        added, removed, bursts = channel.added, channel.removed, channel.bursts
        channel.added, channel.removed, channel.bursts = [], [], Counter()
        if not channel.subscribers:
            return
        message = orjson.dumps(
            {
                "type": "tick",
                "seq": channel.seq,
                "tally": self._tally_source(board_id),
                "added": added,
                "removed": removed,
                "bursts": dict(bursts),
            }
        ).decode()
        for subscriber in channel.subscribers:
            subscriber.offer(message)

    def _drop_stalled(self, channel: _Channel, now: float) -> None:
        for group in (channel.subscribers, channel.organisers):
            for subscriber in list(group):
                if subscriber.stalled(now, self._stall_seconds):
                    log.info("dropping a stalled subscriber of board %s", subscriber.board_id)
                    subscriber.close()
                    group.discard(subscriber)

    async def run(self) -> None:
        """Tick forever at `tick_hz`; cancel to stop."""
        while True:
            started = time.monotonic()
            try:
                self.tick()
            except Exception:  # a bug in one tick must not stop the live board
                log.exception("tick failed")
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - started)))
