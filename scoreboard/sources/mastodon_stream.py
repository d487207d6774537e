"""Mastodon hashtag follower: streaming API first, tag-timeline polling when streaming fails."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from scoreboard.sources.base import (
    FollowerHealth,
    PayloadError,
    Post,
    StatusCallback,
    backoff_delay,
    id_str,
    is_valid_unicode,
    matches,
    normalise_tag,
)
from scoreboard.sources.mastodon import is_shareable, post_from_status

log = logging.getLogger(__name__)

Submit = Callable[[Post], Awaitable[None]]
MAX_FRAME = 1024 * 1024


def id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings and other servers' are sortable: shorter is older."""
    return len(status_id), status_id


def streaming_url(instance_url: str, tag: str) -> str:
    """`wss://host/api/v1/streaming?stream=hashtag&tag=...` for an instance's https URL."""
    parts = urlsplit(instance_url)
    scheme = "ws" if parts.scheme in ("http", "ws") else "wss"
    query = urlencode({"stream": "hashtag", "tag": tag})
    return urlunsplit((scheme, parts.netloc, "/api/v1/streaming", query, ""))


def timeline_path(tag: str) -> str:
    return "/api/v1/timelines/tag/" + quote(tag, safe="")


def status_from_frame(message: str | bytes) -> dict[str, Any] | None:
    """The Status in an `update` frame; its payload is itself a JSON string."""
    try:
        frame = json.loads(message)
        if not isinstance(frame, dict) or frame.get("event") != "update":
            return None
        payload = frame.get("payload")
        status = json.loads(payload) if isinstance(payload, str) else None
    except ValueError:
        return None
    return status if isinstance(status, dict) else None


class MastodonTagFollower(FollowerHealth):
    """Follows one hashtag on one instance; run it as a task and cancel the task to stop.

    Each round catches up through `/api/v1/timelines/tag/{tag}?since_id=` and then
    streams. When streaming cannot connect it polls every `poll_interval` seconds for
    `polls_per_stream_retry` rounds before trying the stream again. `since_id` is the
    position to persist; `status` and `on_status` report health.
    """

    def __init__(
        self,
        instance_url: str,
        tag: str,
        submit: Submit,
        *,
        access_token: str | None = None,
        since_id: str | None = None,
        on_status: StatusCallback | None = None,
        streaming_base_url: str | None = None,
        poll_interval: float = 30.0,
        polls_per_stream_retry: int = 10,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        backfill: bool = False,
        http_timeout: float = 10.0,
        page_limit: int = 40,
        max_pages: int = 5,
    ) -> None:
        super().__init__(on_status, backoff_base, backoff_max)
        self.instance_url = instance_url.rstrip("/")
        self.tag = normalise_tag(tag)
        self.submit = submit
        self.access_token = access_token
        self.since_id = since_id
        self.stream_url = streaming_url(streaming_base_url or self.instance_url, self.tag)
        self.poll_interval = poll_interval
        self.polls_per_stream_retry = polls_per_stream_retry
        self.backfill = backfill
        self.http_timeout = http_timeout
        self.page_limit = page_limit
        self.max_pages = max_pages
        self._primed = since_id is not None or backfill

    @property
    def position(self) -> str | None:
        return self.since_id

    @property
    def host(self) -> str:
        """The instance for log lines: never a path, query or credentials from the URL."""
        return urlsplit(self.instance_url).hostname or "?"

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}

    async def run(self) -> None:
        """Catch up, stream, and fall back to polling, until cancelled."""
        try:
            async with httpx.AsyncClient(
                base_url=self.instance_url,
                headers=self._auth_headers(),
                timeout=self.http_timeout,
            ) as client:
                while True:
                    await self._poll(client)
                    if await self._stream():
                        delay = backoff_delay(self._failures, self.backoff_base, self.backoff_max)
                        await asyncio.sleep(delay)
                    else:
                        await self._poll_for_a_while(client)
        finally:
            self._report("stopped", self.error)

    # --- streaming -------------------------------------------------------------------

    async def _stream(self) -> bool:
        """Stream until the connection drops; False when it could not connect at all."""
        self._report("connecting", self.error)
        started = time.monotonic()
        connected = False
        try:
            async with connect(
                self.stream_url,
                additional_headers=self._auth_headers(),
                open_timeout=self.http_timeout,
                max_size=MAX_FRAME,
            ) as ws:
                connected = True
                self._report("connected")
                async for message in ws:
                    status = status_from_frame(message)
                    if status is not None:
                        self._failures = 0
                        await self._consider(status)
            error = "stream closed by the server"
        except (OSError, TimeoutError, WebSocketException) as exc:
            error = f"streaming failed: {type(exc).__name__}: {exc}"
        self._failures = 0 if time.monotonic() - started > self.backoff_max else self._failures + 1
        self._report("reconnecting" if connected else "polling", error)
        return connected

    # --- polling ---------------------------------------------------------------------

    async def _poll_for_a_while(self, client: httpx.AsyncClient) -> None:
        polling_failures = 0
        for _ in range(self.polls_per_stream_retry):
            if polling_failures:
                delay = backoff_delay(polling_failures, self.backoff_base, self.backoff_max)
            else:
                delay = self.poll_interval
            await asyncio.sleep(delay)
            polling_failures = 0 if await self._poll(client) else polling_failures + 1

    async def _fetch(self, client: httpx.AsyncClient, max_id: str | None) -> list[Any]:
        params = {"limit": str(self.page_limit)}
        if self.since_id is not None:
            params["since_id"] = self.since_id
        if max_id is not None:
            params["max_id"] = max_id
        response = await client.get(timeline_path(self.tag), params=params)
        response.raise_for_status()
        page = response.json()
        if not isinstance(page, list):
            raise PayloadError("tag timeline did not return a list", status=502)
        return page

    async def _poll(self, client: httpx.AsyncClient) -> bool:
        """Fetch everything newer than `since_id` (a few pages at most) and submit it."""
        statuses: list[dict[str, Any]] = []
        max_id: str | None = None
        try:
            for _ in range(self.max_pages):
                page = [item for item in await self._fetch(client, max_id) if id_of(item)]
                statuses.extend(page)
                if len(page) < self.page_limit or self.since_id is None:
                    break
                max_id = min((id_of(item) or "" for item in page), key=id_key)
        except (httpx.HTTPError, ValueError, PayloadError) as exc:
            self._report(self.state, f"polling failed: {type(exc).__name__}: {exc}")
            return False
        if not self._primed:  # first look without backfill: only learn where "now" is
            newest = max((id_of(item) or "" for item in statuses), key=id_key, default=None)
            self.since_id = newest or None
            self._primed = True
            return True
        for status in sorted(statuses, key=lambda item: id_key(id_of(item) or "")):
            await self._consider(status)
        return True

    # --- both ------------------------------------------------------------------------

    async def _consider(self, status: Mapping[str, Any]) -> None:
        status_id = id_of(status)
        if status_id is None:
            return
        if self.since_id is None or id_key(status_id) > id_key(self.since_id):
            self.since_id = status_id
        self.last_event_at = datetime.now(UTC)
        if not is_shareable(status):
            return
        try:
            post = post_from_status(status)
        except Exception as exc:  # one unreadable status must never stop the follower
            reason = exc.message if isinstance(exc, PayloadError) else type(exc).__name__
            log.warning(
                "mastodon %s #%s: skipped status %.40r: %s", self.host, self.tag, status_id, reason
            )
            return
        if post.text and matches(post, [self.tag], chat_source=False):
            try:
                await self.submit(post)
            except Exception as exc:
                log.exception("submitting a Mastodon post failed")
                self.error = f"submit failed: {type(exc).__name__}"


def id_of(status: object) -> str | None:
    """A Status's id; None when it has none or one that is not valid Unicode (ignored)."""
    status_id = id_str(status.get("id")) if isinstance(status, dict) else None
    return status_id if status_id is not None and is_valid_unicode(status_id) else None
