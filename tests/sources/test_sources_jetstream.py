"""The Jetstream follower against a real local websocket server speaking Jetstream's format."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.asyncio.server import ServerConnection, serve

from scoreboard.sources.base import ConnectorStatus, Post
from scoreboard.sources.jetstream import JetstreamFollower, post_from_event, subscribe_url
from tests.sources.feed_support import DID, eventually, post_event

T0 = 1_777_888_800_000_000


def other_events(time_us: int) -> list[dict[str, Any]]:
    delete = {
        "did": DID,
        "time_us": time_us,
        "kind": "commit",
        "commit": {"operation": "delete", "collection": "app.bsky.feed.post", "rkey": "gone"},
    }
    identity = {"did": DID, "time_us": time_us + 1, "kind": "identity", "identity": {"seq": 1}}
    return [delete, identity]


Handler = Callable[[ServerConnection], Awaitable[None]]


async def follow(
    handler: Handler,
    until: Callable[[list[Post]], bool],
    **options: Any,
) -> tuple[list[Post], list[ConnectorStatus], JetstreamFollower]:
    """Run a follower against `handler` until `until(posts)` holds, then cancel it."""
    posts: list[Post] = []
    statuses: list[ConnectorStatus] = []

    async def submit(post: Post) -> None:
        posts.append(post)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        follower = JetstreamFollower(
            f"ws://127.0.0.1:{port}/subscribe",
            ["DevConf"],
            submit,
            on_status=statuses.append,
            backoff_base=0.01,
            backoff_max=0.05,
            **options,
        )
        task = asyncio.create_task(follower.run())
        await eventually(lambda: until(posts))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    return posts, statuses, follower


def test_jetstream_follows_tags_reconnects_and_resumes_from_the_cursor() -> None:
    paths: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        paths.append(ws.request.path)
        if len(paths) == 1:
            await ws.send(
                json.dumps(post_event("a1", "Nice #DevConf talk", time_us=T0, tags=["DevConf"]))
            )
            await ws.send(
                json.dumps(post_event("a2", "unrelated #cats", time_us=T0 + 10, tags=["cats"]))
            )
            for event in other_events(T0 + 20):
                await ws.send(json.dumps(event))
            await ws.send("not json")
            return  # the server drops the connection
        await ws.send(
            json.dumps(post_event("b1", "Again #devconf", time_us=T0 + 99, tags=["devconf"]))
        )
        await ws.wait_closed()

    posts, statuses, follower = asyncio.run(
        follow(handler, lambda posts: len(posts) == 2, rewind_us=5)
    )

    assert [post.external_id for post in posts] == [
        f"at://{DID}/app.bsky.feed.post/a1",
        f"at://{DID}/app.bsky.feed.post/b1",
    ]
    first, second = (parse_qs(urlsplit(path).query) for path in paths[:2])
    assert first == {"wantedCollections": ["app.bsky.feed.post"]}
    assert second["cursor"] == [str(T0 + 21 - 5)]  # last time_us seen, rewound 5 µs
    assert follower.cursor == T0 + 99
    states = [status.state for status in statuses]
    assert states[:3] == ["connecting", "connected", "reconnecting"]
    assert "connected" in states[3:]
    assert states[-1] == "stopped"
    assert statuses[2].error == "connection closed by the server"
    assert follower.status.last_event_at == datetime.fromtimestamp((T0 + 99) / 1e6, tz=UTC)


def test_jetstream_starts_from_a_saved_cursor_rewound_a_few_seconds() -> None:
    paths: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        paths.append(ws.request.path)
        await ws.send(json.dumps(post_event("c1", "#DevConf", time_us=T0, tags=["DevConf"])))
        await ws.wait_closed()

    asyncio.run(follow(handler, lambda posts: len(posts) == 1, cursor=T0 - 1_000))
    assert parse_qs(urlsplit(paths[0]).query)["cursor"] == [str(T0 - 1_000 - 3_000_000)]


def test_jetstream_reports_connection_errors_and_stops_cleanly_on_cancel() -> None:
    statuses: list[ConnectorStatus] = []

    async def scenario() -> None:
        async def submit(post: Post) -> None:
            raise AssertionError("nothing to submit")

        follower = JetstreamFollower(
            "ws://127.0.0.1:9/subscribe",  # discard port: nothing listens
            ["devconf"],
            submit,
            on_status=statuses.append,
            backoff_base=0.01,
            backoff_max=0.02,
        )
        task = asyncio.create_task(follower.run())
        await eventually(lambda: sum(status.state == "reconnecting" for status in statuses) >= 3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    failure = next(status for status in statuses if status.state == "reconnecting")
    assert failure.error is not None
    assert statuses[-1].state == "stopped"


def test_jetstream_keeps_following_when_submit_fails() -> None:
    calls: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        for n in range(2):
            event = post_event(f"d{n}", "#DevConf", time_us=T0 + n, tags=["DevConf"])
            await ws.send(json.dumps(event))
        await ws.wait_closed()

    async def scenario() -> JetstreamFollower:
        async def submit(post: Post) -> None:
            calls.append(post.external_id)
            if len(calls) == 1:
                raise RuntimeError("database is locked")

        async with serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            follower = JetstreamFollower(f"ws://127.0.0.1:{port}", ["devconf"], submit)
            task = asyncio.create_task(follower.run())
            await eventually(lambda: len(calls) >= 2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return follower

    follower = asyncio.run(scenario())
    assert len(calls) == 2
    assert follower.cursor == T0 + 1


def test_jetstream_event_parsing_reads_facets_tags_langs_and_created_at() -> None:
    event = post_event("e1", "Talk #DevConf", time_us=T0, tags=["DevConf"])
    event["commit"]["record"]["tags"] = ["Room2"]
    post = post_from_event(event)
    assert post is not None
    assert post.source == "bluesky"
    assert post.tags == ("devconf", "room2")
    assert post.lang == "en"
    assert post.author == DID
    assert post.posted_at == datetime(2026, 5, 4, 9, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "account", "did": DID, "time_us": T0},
        {"kind": "commit", "did": DID, "commit": {"operation": "update"}},
        {"kind": "commit", "did": DID, "commit": {"operation": "create", "collection": "x"}},
        {"kind": "commit", "commit": "nope"},
    ],
)
def test_jetstream_ignores_events_that_are_not_new_posts(event: dict[str, Any]) -> None:
    assert post_from_event(event) is None


def test_jetstream_subscribe_url_keeps_other_parameters() -> None:
    url = subscribe_url("wss://js.example/subscribe?compress=false&cursor=1", 42)
    assert url == (
        "wss://js.example/subscribe?compress=false&wantedCollections=app.bsky.feed.post&cursor=42"
    )


def test_jetstream_skips_unreadable_events_and_keeps_following(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad_did = post_event("f1", "#DevConf", time_us=T0, tags=["DevConf"]) | {"did": "did:\ud800"}
    far_future = post_event("f2", "#DevConf", time_us=10**400, tags=["DevConf"])
    year_9000 = 221_845_392_000_000_000  # a datetime holds it, but no relay is that far ahead
    ahead = post_event("f4", "From the future #DevConf", time_us=year_9000, tags=["DevConf"])
    good = post_event("f3", "Still here #DevConf", time_us=T0 + 2, tags=["DevConf"])

    async def handler(ws: ServerConnection) -> None:
        for event in (bad_did, far_future, ahead, good):
            await ws.send(json.dumps(event))
        await ws.wait_closed()

    caplog.set_level("WARNING", logger="scoreboard.sources.jetstream")
    posts, statuses, follower = asyncio.run(follow(handler, lambda posts: len(posts) == 3))
    assert [post.external_id for post in posts] == [
        f"at://{DID}/app.bsky.feed.post/f2",  # no event time, but a readable post
        f"at://{DID}/app.bsky.feed.post/f4",  # a post all the same
        f"at://{DID}/app.bsky.feed.post/f3",
    ]
    assert follower.cursor == T0 + 2  # neither the unreadable time nor year 9000 moved it
    assert follower.status.last_event_at == datetime.fromtimestamp((T0 + 2) / 1e6, UTC)
    assert [status.state for status in statuses].count("stopped") == 1
    [warning] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "not valid Unicode" in warning.getMessage()
