"""Bluesky Jetstream follower: new posts carrying the board's hashtags, resumable by cursor."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from scoreboard.sources.base import (
    FollowerHealth,
    Post,
    SourceError,
    StatusCallback,
    backoff_delay,
    from_unix,
    matches,
    opt_dict,
    opt_list,
    opt_str,
    parse_iso,
    unique_tags,
)

log = logging.getLogger(__name__)

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
POST_COLLECTION = "app.bsky.feed.post"
TAG_FEATURE = "app.bsky.richtext.facet#tag"
REWIND_US = 3_000_000  # Jetstream suggests rewinding a few seconds; dedupe absorbs overlap.
MAX_FRAME = 1024 * 1024
CURSOR_AHEAD_US = 600_000_000
"""How far past this machine's clock an event's time may be and still move the cursor:
Jetstream stamps events with its own clock, and one time far ahead (a faulty or hostile
relay) would otherwise make every reconnect skip the posts until then."""

Submit = Callable[[Post], Awaitable[None]]


def subscribe_url(url: str, cursor: int | None) -> str:
    """The subscribe URL asking only for posts, from `cursor` (unix µs) when resuming."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("wantedCollections", "cursor")]
    query.append(("wantedCollections", POST_COLLECTION))
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def tags_of(record: Mapping[str, Any]) -> tuple[str, ...]:
    """Tags from rich-text tag facets plus the record's out-of-text `tags` list."""
    found: list[str] = []
    for facet in opt_list(record.get("facets")):
        for feature in opt_list(facet.get("features") if isinstance(facet, dict) else None):
            if isinstance(feature, dict) and feature.get("$type") == TAG_FEATURE:
                found.append(opt_str(feature.get("tag")) or "")
    found.extend(tag for tag in opt_list(record.get("tags")) if isinstance(tag, str))
    return unique_tags(found)


def event_time(time_us: object) -> datetime | None:
    """An event's `time_us` (unix microseconds) as UTC; None when absent or out of range."""
    if type(time_us) is not int:
        return None
    try:
        return from_unix(time_us / 1e6)
    except OverflowError:  # too large even for a float
        return None


def post_from_event(event: Mapping[str, Any]) -> Post | None:
    """A Post for a `create` commit of an `app.bsky.feed.post` record, else None."""
    commit = opt_dict(event.get("commit"))
    if event.get("kind") != "commit" or commit is None or commit.get("operation") != "create":
        return None
    record = opt_dict(commit.get("record"))
    did, rkey = opt_str(event.get("did")), opt_str(commit.get("rkey"))
    if commit.get("collection") != POST_COLLECTION or record is None or not did or not rkey:
        return None
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    langs = [lang for lang in opt_list(record.get("langs")) if isinstance(lang, str)]
    return Post(
        source="bluesky",
        external_id=f"at://{did}/{POST_COLLECTION}/{rkey}",
        text=text.strip(),
        author=did,
        posted_at=parse_iso(record.get("createdAt")) or event_time(event.get("time_us")),
        tags=tags_of(record),
        lang=langs[0] if langs else None,
    )


class JetstreamFollower(FollowerHealth):
    """Follows a Jetstream instance; run it as a task and cancel the task to stop.

    `status` (and `on_status`, called on every state change) reports the state, the
    last error text, the time of the last event and the cursor to persist for resuming.
    """

    def __init__(
        self,
        url: str,
        hashtags: Iterable[str],
        submit: Submit,
        *,
        cursor: int | None = None,
        on_status: StatusCallback | None = None,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        rewind_us: int = REWIND_US,
        open_timeout: float = 10.0,
    ) -> None:
        super().__init__(on_status, backoff_base, backoff_max)
        self.url = url
        self.hashtags = unique_tags(hashtags)
        self.submit = submit
        self.cursor = cursor
        self.rewind_us = rewind_us
        self.open_timeout = open_timeout

    @property
    def position(self) -> str | None:
        return None if self.cursor is None else str(self.cursor)

    async def run(self) -> None:
        """Connect, follow and reconnect with backoff until cancelled."""
        try:
            while True:
                await self._session()
                delay = backoff_delay(self._failures, self.backoff_base, self.backoff_max)
                self._failures += 1
                await asyncio.sleep(delay)
        finally:
            self._report("stopped", self.error)

    def resume_cursor(self) -> int | None:
        if self.cursor is None:
            return None
        return max(0, self.cursor - self.rewind_us)

    async def _session(self) -> None:
        url = subscribe_url(self.url, self.resume_cursor())
        started = time.monotonic()
        self._report("connecting", self.error)
        try:
            async with connect(url, open_timeout=self.open_timeout, max_size=MAX_FRAME) as ws:
                self._report("connected")
                async for message in ws:
                    self._failures = 0
                    await self._handle(message)
            error = "connection closed by the server"
        except (OSError, TimeoutError, WebSocketException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() - started > self.backoff_max:
            self._failures = 0
        self._report("reconnecting", error)

    async def _handle(self, message: str | bytes) -> None:
        try:
            event = json.loads(message)
        except ValueError:
            log.debug("ignoring a Jetstream frame that is not JSON")
            return
        if not isinstance(event, dict):
            return
        try:
            post = post_from_event(event)
        except Exception as exc:  # one unreadable event must never stop the follower
            reason = exc.message if isinstance(exc, SourceError) else type(exc).__name__
            log.warning("skipped a Jetstream event from %.80r: %s", event.get("did"), reason)
            post = None
        if post is not None and matches(post, self.hashtags, chat_source=False):
            try:
                await self.submit(post)
            except Exception as exc:
                log.exception("submitting a Bluesky post failed")
                self.error = f"submit failed: {type(exc).__name__}"
        moment = event_time(event.get("time_us"))
        # A time no datetime can hold, or one far ahead of ours, is no place to resume from.
        if moment is not None and event["time_us"] <= time.time_ns() // 1000 + CURSOR_AHEAD_US:
            self.cursor = max(event["time_us"], self.cursor or 0)
            self.last_event_at = moment
