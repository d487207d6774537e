"""The Mastodon hashtag follower against a real local server: streaming API and tag timeline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from scoreboard.sources import mastodon_stream
from scoreboard.sources.base import ConnectorStatus, Post
from scoreboard.sources.mastodon import post_from_status
from scoreboard.sources.mastodon_stream import (
    MastodonTagFollower,
    id_key,
    status_from_frame,
    streaming_url,
)
from tests.sources.feed_support import eventually, status, update_frame


@dataclass
class FakeInstance:
    """The parts of a Mastodon server the follower talks to, on one loopback port."""

    timeline: list[dict[str, Any]]
    streaming: bool = True
    stream_frames: list[str] = field(default_factory=list)
    polls: list[dict[str, list[str]]] = field(default_factory=list)
    stream_requests: list[str] = field(default_factory=list)
    stream_auth: list[str | None] = field(default_factory=list)
    after_drop: list[dict[str, Any]] = field(default_factory=list)
    after_poll: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def answer_timeline(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        newest_first = sorted(self.timeline, key=lambda item: id_key(item["id"]), reverse=True)
        since = query.get("since_id", [None])[0]
        before = query.get("max_id", [None])[0]
        limit = int(query.get("limit", ["20"])[0])
        return [
            item
            for item in newest_first
            if (since is None or id_key(item["id"]) > id_key(since))
            and (before is None or id_key(item["id"]) < id_key(before))
        ][:limit]

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        query = parse_qs(parts.query)
        if parts.path == "/api/v1/timelines/tag/devconf":
            self.polls.append(query)
            body = json.dumps(self.answer_timeline(query))
            self.timeline += self.after_poll.pop(len(self.polls), [])
            response = connection.respond(HTTPStatus.OK, body)
            response.headers["Content-Type"] = "application/json"
            return response
        if parts.path != "/api/v1/streaming":
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        self.stream_requests.append(request.path)
        self.stream_auth.append(request.headers.get("Authorization"))
        if not self.streaming:
            return connection.respond(HTTPStatus.UNAUTHORIZED, '{"error":"token required"}')
        return None

    async def handler(self, ws: ServerConnection) -> None:
        frames, self.stream_frames = self.stream_frames, []
        for frame in frames:
            await ws.send(frame)
        if frames:
            # Drop the connection after a burst; posts made meanwhile reach only the timeline.
            self.timeline += self.after_drop
            return
        await ws.wait_closed()


async def follow(
    instance: FakeInstance,
    until: Callable[[list[Post], MastodonTagFollower], bool],
    **options: Any,
) -> tuple[list[Post], list[ConnectorStatus], MastodonTagFollower]:
    posts: list[Post] = []
    statuses: list[ConnectorStatus] = []

    async def submit(post: Post) -> None:
        posts.append(post)

    server: Server
    async with serve(
        instance.handler, "127.0.0.1", 0, process_request=instance.process_request
    ) as server:
        port = server.sockets[0].getsockname()[1]
        follower = MastodonTagFollower(
            f"http://127.0.0.1:{port}",
            "#DevConf",
            submit,
            on_status=statuses.append,
            poll_interval=0.01,
            polls_per_stream_retry=3,
            backoff_base=0.01,
            backoff_max=0.05,
            http_timeout=2,
            **options,
        )
        task = asyncio.create_task(follower.run())
        await eventually(lambda: until(posts, follower))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    return posts, statuses, follower


def test_mastodon_stream_follows_updates_and_catches_up_from_since_id_after_a_drop() -> None:
    instance = FakeInstance(timeline=[status(100, "old #DevConf post")])
    instance.stream_frames = [
        update_frame(status(101)),
        update_frame(status(102, "boost", reblog=status(90))),
        json.dumps({"stream": ["hashtag"], "event": "delete", "payload": "100"}),
        "garbage",
    ]
    instance.after_drop = [status(103, "missed while offline #DevConf")]

    posts, statuses, follower = asyncio.run(
        follow(instance, lambda posts, _: len(posts) == 2, access_token="tok")
    )

    assert [post.external_id for post in posts] == ["101", "103"]
    assert posts[0].text == "Great #DevConf talk"
    assert posts[0].author == "Ana (@ana@example.social)"
    # Fresh start without backfill: the first poll only learns where "now" is.
    assert instance.polls[0] == {"limit": ["40"]}
    # After the stream dropped, the catch-up poll resumed from the last streamed id.
    assert instance.polls[1]["since_id"] == ["102"]
    assert parse_qs(urlsplit(instance.stream_requests[0]).query) == {
        "stream": ["hashtag"],
        "tag": ["devconf"],
    }
    assert instance.stream_auth[0] == "Bearer tok"
    assert follower.since_id == "103"
    states = [item.state for item in statuses]
    assert "connected" in states
    assert "reconnecting" in states
    assert states[-1] == "stopped"


def test_mastodon_stream_falls_back_to_polling_the_tag_timeline_when_streaming_fails() -> None:
    instance = FakeInstance(timeline=[status(200)], streaming=False)
    instance.after_poll = {2: [status(201, "no tag here"), status(202, "Yes #DevConf")]}

    def done(posts: list[Post], _: MastodonTagFollower) -> bool:
        return len(posts) == 2 and len(instance.stream_requests) >= 2

    posts, statuses, follower = asyncio.run(follow(instance, done, since_id="150"))

    assert [post.external_id for post in posts] == ["200", "202"]
    assert instance.polls[0]["since_id"] == ["150"]
    assert instance.polls[2]["since_id"] == ["200"]
    polling = [item for item in statuses if item.state == "polling"]
    assert polling
    assert polling[0].error is not None
    assert "InvalidStatus" in polling[0].error
    assert follower.since_id == "202"


def test_mastodon_stream_submits_the_first_post_of_a_tag_that_was_empty_at_start() -> None:
    instance = FakeInstance(timeline=[], streaming=False)
    instance.after_poll = {1: [status(500)]}
    posts, _, follower = asyncio.run(follow(instance, lambda posts, _: len(posts) == 1))
    assert posts[0].external_id == "500"
    assert instance.polls[0] == {"limit": ["40"]}
    assert follower.since_id == "500"


def test_mastodon_stream_backfills_recent_posts_when_asked() -> None:
    instance = FakeInstance(timeline=[status(n) for n in range(300, 303)])
    posts, _, _ = asyncio.run(follow(instance, lambda posts, _: len(posts) == 3, backfill=True))
    assert [post.external_id for post in posts] == ["300", "301", "302"]


def test_mastodon_stream_pages_through_a_long_gap_oldest_first() -> None:
    instance = FakeInstance(timeline=[status(n) for n in range(1000, 1007)])
    posts, _, follower = asyncio.run(
        follow(instance, lambda posts, _: len(posts) == 7, since_id="999", page_limit=3)
    )
    assert [post.external_id for post in posts] == [str(n) for n in range(1000, 1007)]
    assert instance.polls[1]["max_id"] == ["1004"]
    assert follower.since_id == "1006"


def test_mastodon_stream_survives_an_unreachable_instance_and_stops_on_cancel() -> None:
    statuses: list[ConnectorStatus] = []

    async def scenario() -> None:
        async def submit(post: Post) -> None:
            raise AssertionError("nothing to submit")

        follower = MastodonTagFollower(
            "http://127.0.0.1:9",
            "devconf",
            submit,
            on_status=statuses.append,
            poll_interval=0.01,
            polls_per_stream_retry=2,
            backoff_base=0.01,
            backoff_max=0.02,
            http_timeout=1,
        )
        task = asyncio.create_task(follower.run())
        await eventually(lambda: sum(item.state == "polling" for item in statuses) >= 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert any(item.error and "polling failed" in item.error for item in statuses)
    assert statuses[-1].state == "stopped"


def test_mastodon_stream_url_uses_websocket_schemes() -> None:
    assert streaming_url("https://mastodon.example", "devconf") == (
        "wss://mastodon.example/api/v1/streaming?stream=hashtag&tag=devconf"
    )
    assert streaming_url("http://localhost:3000", "café").startswith("ws://localhost:3000/")


def test_mastodon_stream_frames_other_than_update_are_ignored() -> None:
    assert status_from_frame(update_frame(status(1))) == status(1)
    assert status_from_frame('{"event": "delete", "payload": "1"}') is None
    assert status_from_frame('{"event": "update", "payload": "not json"}') is None
    assert status_from_frame("[]") is None


def test_mastodon_stream_keeps_following_after_a_status_with_a_time_utc_cannot_hold() -> None:
    instance = FakeInstance(timeline=[])
    instance.stream_frames = [
        update_frame(status(101, created_at="9999-12-31T23:59:59-14:00")),
        update_frame(status(102, created_at="0001-01-01T00:00:00+14:00")),
        update_frame(status(103)),
    ]
    posts, statuses, follower = asyncio.run(follow(instance, lambda posts, _: len(posts) == 3))
    assert [(post.external_id, post.posted_at) for post in posts[:2]] == [
        ("101", None),
        ("102", None),
    ]
    assert follower.since_id == "103"
    assert [item.state for item in statuses].count("stopped") == 1  # only when cancelled


def test_mastodon_stream_skips_an_unreadable_status_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    instance = FakeInstance(timeline=[], streaming=False)
    instance.after_poll = {
        1: [
            status(201, content=["not", "html"]),
            status(202, "a\ud800 #DevConf") | {"id": "x\ud800"},
        ],
        2: [status(203, "Still here #DevConf")],
    }
    caplog.set_level("WARNING", logger="scoreboard.sources.mastodon_stream")
    posts, _, follower = asyncio.run(
        follow(instance, lambda posts, _: len(posts) == 1, access_token="tok-s3cr3t")
    )
    assert [post.external_id for post in posts] == ["203"]
    assert follower.since_id == "203"  # never the id that is not valid Unicode
    [warning] = [record for record in caplog.records if record.levelname == "WARNING"]
    assert "skipped status '201'" in warning.getMessage()
    assert "tok-s3cr3t" not in caplog.text


def test_mastodon_stream_survives_a_parser_error_nobody_foresaw(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def choke_on_301(item: Mapping[str, Any]) -> Post:
        if item["id"] == "301":
            raise OverflowError("date value out of range")
        return post_from_status(item)

    monkeypatch.setattr(mastodon_stream, "post_from_status", choke_on_301)
    instance = FakeInstance(timeline=[])
    instance.stream_frames = [update_frame(status(301)), update_frame(status(302))]
    caplog.set_level("WARNING", logger="scoreboard.sources.mastodon_stream")
    posts, statuses, _ = asyncio.run(follow(instance, lambda posts, _: len(posts) == 1))
    assert [post.external_id for post in posts] == ["302"]
    assert "OverflowError" in caplog.text
    assert [item.state for item in statuses].count("stopped") == 1
