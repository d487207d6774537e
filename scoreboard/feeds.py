"""Pull sources while the server runs: followers per board, restarted when settings change."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from scoreboard.models import Board, iso
from scoreboard.source_configs import (
    PULL_SOURCES,
    SourceConfig,
    enabled_pull_configs,
    list_configs,
    save_position,
)
from scoreboard.sources import JetstreamFollower, MastodonTagFollower, Post
from scoreboard.sources.base import backoff_delay, unique_tags
from scoreboard.sources.jetstream import DEFAULT_URL as JETSTREAM_URL

if TYPE_CHECKING:
    from scoreboard.services import Services

log = logging.getLogger(__name__)

Follower = JetstreamFollower | MastodonTagFollower
Submit = Callable[[Post], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class FeedTuning:
    """Reconnect and persistence timing; tests make these small."""

    backoff_base: float = 1.0
    backoff_max: float = 60.0
    poll_interval: float = 30.0
    save_interval: float = 5.0


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """What should run for one board's pull source; any difference restarts it."""

    source: str
    tags: tuple[str, ...]
    endpoint: str
    token: str | None = field(default=None, repr=False)


def feed_spec(config: SourceConfig, board: Board) -> FeedSpec | str:
    """The feed to run for this config, or the reason nothing runs."""
    if not config.enabled:
        return "disabled"
    if not board.open:
        return "the board is closed"
    tags = unique_tags(board.hashtags)
    only = config.settings.get("tag")
    if config.source == "mastodon_feed" and isinstance(only, str) and only:
        tags = tuple(tag for tag in tags if tag == only)
    if not tags:
        return "the board has no hashtags to follow" + (f" matching {only!r}" if only else "")
    if config.source == "bluesky":
        return FeedSpec("bluesky", tags, str(config.settings.get("url") or JETSTREAM_URL))
    return FeedSpec(config.source, tags, str(config.settings.get("instance")), config.secret)


def _since_ids(position: str | None) -> dict[str, str]:
    """Mastodon positions are `{tag: since_id}` as JSON; anything unreadable starts fresh."""
    try:
        decoded = json.loads(position) if position else {}
    except ValueError:
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {str(k): v for k, v in decoded.items() if isinstance(v, str)}


def _cursor(position: str | None) -> int | None:
    return int(position) if position and position.isdigit() else None


@dataclass
class Feed:
    """The running followers of one board's pull source."""

    spec: FeedSpec
    followers: list[Follower]
    tasks: list[asyncio.Task[None]]
    saved: str | None

    def position(self) -> str | None:
        first = self.followers[0]
        if isinstance(first, JetstreamFollower):
            return self.saved if first.cursor is None else str(first.cursor)
        ids = {
            f.tag: f.since_id
            for f in self.followers
            if isinstance(f, MastodonTagFollower) and f.since_id is not None
        }
        return json.dumps(ids, sort_keys=True) if ids else self.saved

    def status(self) -> dict[str, Any]:
        statuses = [f.status for f in self.followers]
        trouble = [s for s in statuses if s.state != "connected"]
        shown = trouble[0] if trouble else statuses[0]
        last = max((s.last_event_at for s in statuses if s.last_event_at), default=None)
        errors = [s.error for s in statuses if s.error]
        return {
            "state": shown.state,
            "error": errors[0] if errors else None,
            "last_event_at": iso(last),
            "tags": list(self.spec.tags),
        }

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


class FeedManager:
    """Runs a follower per enabled pull source per open board; `reconfigure` after changes."""

    def __init__(self, services: Services, tuning: FeedTuning | None = None) -> None:
        self.services = services
        self.tuning = tuning or FeedTuning()
        self._feeds: dict[tuple[int, str], Feed] = {}
        self._idle: dict[tuple[int, str], str] = {}
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[None]] = set()
        self._saver: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Start every enabled feed; call from the event loop."""
        self._loop = asyncio.get_running_loop()
        with Session(self.services.engine) as session:
            board_ids = {config.board_id for config in enabled_pull_configs(session)}
        for board_id in sorted(board_ids):
            self._schedule(board_id)
        self._saver = asyncio.create_task(self._save_every_so_often(), name="feed-positions")

    async def stop(self) -> None:
        """Stop every follower and save where each got to."""
        tasks = [*self._pending, *([self._saver] if self._saver else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with self._lock:
            for key in list(self._feeds):
                await self._stop_feed(key)
        self._loop = None

    def reconfigure(self, board_id: int) -> None:
        """Bring a board's feeds in line with its settings; safe from any thread."""
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._schedule(board_id)
        else:
            loop.call_soon_threadsafe(self._schedule, board_id)

    def status(self, board_id: int) -> dict[str, dict[str, Any]]:
        """Per pull source of the board: state, error, last event time, followed tags."""
        found: dict[str, dict[str, Any]] = {}
        for (owner, source), reason in self._idle.items():
            if owner == board_id:
                found[source] = {"state": "stopped", "error": reason, "last_event_at": None}
        for (owner, source), feed in self._feeds.items():
            if owner == board_id:
                found[source] = feed.status()
        return found

    # --- reconciling -------------------------------------------------------------------

    def _schedule(self, board_id: int) -> None:
        task = asyncio.create_task(self._reconcile(board_id), name=f"feeds-{board_id}")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _reconcile(self, board_id: int) -> None:
        async with self._lock:
            configs = await asyncio.to_thread(self._load, board_id)
            board = self.services.boards.by_id(board_id)
            for config in configs:
                key = (board_id, config.source)
                wanted = feed_spec(config, board) if board else "the board is gone"
                current = self._feeds.get(key)
                if current is not None and current.spec == wanted:
                    continue
                position = config.position
                if current is not None:
                    position = await self._stop_feed(key)
                if isinstance(wanted, str):
                    self._idle[key] = wanted
                else:
                    self._idle.pop(key, None)
                    self._start_feed(key, wanted, position)

    def _load(self, board_id: int) -> list[SourceConfig]:
        with Session(self.services.engine) as session:
            return [c for c in list_configs(session, board_id) if c.source in PULL_SOURCES]

    def _start_feed(self, key: tuple[int, str], spec: FeedSpec, position: str | None) -> None:
        submit = self._submitter(key[0])
        followers = self._followers(spec, position, submit)
        tasks = [
            asyncio.create_task(
                self._keep_running(follower, key), name=f"feed-{key[0]}-{spec.source}"
            )
            for follower in followers
        ]
        self._feeds[key] = Feed(spec, followers, tasks, position)
        log.info("following %s for board %d: %s", spec.source, key[0], ", ".join(spec.tags))

    async def _keep_running(self, follower: Follower, key: tuple[int, str]) -> None:
        """Run `follower` until cancelled. A follower rides out network trouble itself;
        one that ends on anything else (a bug, a library's surprise) is logged and started
        again after a backoff, from its cursor, instead of staying stopped for the talk."""
        failures = 0
        while True:
            started = time.monotonic()
            try:
                await follower.run()
                error = "the follower ended"
            except Exception as exc:
                log.exception(
                    "the %s follower of board %d failed; starting it again", key[1], key[0]
                )
                error = f"restarting after an internal error ({type(exc).__name__})"
            if time.monotonic() - started > self.tuning.backoff_max:
                failures = 0  # it had been running fine
            follower.restarting(error)
            await asyncio.sleep(
                backoff_delay(failures, self.tuning.backoff_base, self.tuning.backoff_max)
            )
            failures += 1

    async def _stop_feed(self, key: tuple[int, str]) -> str | None:
        feed = self._feeds.pop(key)
        await feed.stop()
        position = feed.position()
        if position != feed.saved:
            await asyncio.to_thread(self._save, key, position)
        log.info("stopped %s for board %d", key[1], key[0])
        return position

    def _followers(self, spec: FeedSpec, position: str | None, submit: Submit) -> list[Follower]:
        tune = self.tuning
        if spec.source == "bluesky":
            return [
                JetstreamFollower(
                    spec.endpoint,
                    spec.tags,
                    submit,
                    cursor=_cursor(position),
                    backoff_base=tune.backoff_base,
                    backoff_max=tune.backoff_max,
                )
            ]
        since = _since_ids(position)
        return [
            MastodonTagFollower(
                spec.endpoint,
                tag,
                submit,
                access_token=spec.token,
                since_id=since.get(tag),
                poll_interval=tune.poll_interval,
                backoff_base=tune.backoff_base,
                backoff_max=tune.backoff_max,
            )
            for tag in spec.tags
        ]

    def _submitter(self, board_id: int) -> Submit:
        async def submit(post: Post) -> None:
            board = self.services.boards.by_id(board_id)
            if board is not None:
                await self.services.store_post(board, post)

        return submit

    # --- positions ---------------------------------------------------------------------

    async def _save_every_so_often(self) -> None:
        while True:
            await asyncio.sleep(self.tuning.save_interval)
            for key, feed in list(self._feeds.items()):
                position = feed.position()
                if position != feed.saved:
                    await asyncio.to_thread(self._save, key, position)
                    feed.saved = position

    def _save(self, key: tuple[int, str], position: str | None) -> None:
        with Session(self.services.engine) as session:
            save_position(session, key[0], key[1], position)
