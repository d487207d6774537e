"""Networks onto the projector: a real server, fake Jetstream and Mastodon, signed webhooks."""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from tests.conftest import LiveServer, NewBoard, make_board, new_board
from tests.sources.feed_support import post_event, update_event
from tests.sources.feed_support import status as mastodon_status
from tests.test_live import receive, subscribe, ticks_until

pytestmark = pytest.mark.live

T0 = 1_777_888_800_000_000
DROP = None  # queued instead of a frame: close the connection


class FakeFeed:
    """A loopback websocket server whose frames the test hands over one by one."""

    def __init__(self, http: Callable[[str, dict[str, list[str]]], Any] | None = None) -> None:
        self.frames: queue.Queue[str | None] = queue.Queue()
        self.paths: list[str] = []
        self.connections = 0
        self.http = http
        self.stopping = threading.Event()
        self.server: Server = serve(self.handler, "127.0.0.1", 0, process_request=self.route)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}"

    def route(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        if self.http is not None and not parts.path.endswith("/streaming"):
            answer = self.http(parts.path, parse_qs(parts.query))
            response = connection.respond(HTTPStatus.OK, json.dumps(answer))
            response.headers["Content-Type"] = "application/json"
            return response
        self.paths.append(request.path)
        return None

    def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        while not self.stopping.is_set():
            try:
                frame = self.frames.get(timeout=0.05)
            except queue.Empty:
                continue
            if frame is DROP:
                return
            try:
                ws.send(frame)
            except ConnectionClosed:
                return

    def send(self, event: dict[str, Any]) -> None:
        self.frames.put(json.dumps(event))

    def drop(self) -> None:
        self.frames.put(DROP)

    def __enter__(self) -> FakeFeed:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.thread.join(5)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def bluesky_post(rkey: str, text: str, time_us: int, tag: str | None = "devconf") -> dict[str, Any]:
    return post_event(rkey, text, time_us=time_us, tags=[tag] if tag else [])


def configure(server: LiveServer, board: NewBoard, source: str, body: dict[str, Any]) -> None:
    url = f"{server.url}/api/boards/{board.slug}/sources/{source}"
    response = httpx.put(url, json=body, headers=board.auth, timeout=10)
    assert response.status_code == 200, response.text


def feed_status(server: LiveServer, board: NewBoard, source: str) -> dict[str, Any]:
    url = f"{server.url}/api/boards/{board.slug}/sources"
    views = httpx.get(url, headers=board.auth, timeout=10).json()["sources"]
    status: dict[str, Any] = next(view for view in views if view["source"] == source)["status"]
    return status


@pytest.fixture
def tagged_board(live_server: LiveServer) -> NewBoard:
    return new_board(live_server, title="Feeds talk", hashtags=["DevConf"])


@pytest.fixture
def jetstream() -> Iterator[FakeFeed]:
    with FakeFeed() as fake:
        yield fake


def texts(tick: dict[str, Any]) -> list[str]:
    return [item["text"] for item in tick["added"]]


def test_bluesky_posts_with_the_hashtag_reach_the_projector_and_resume_from_the_cursor(
    live_server: LiveServer, tagged_board: NewBoard, jetstream: FakeFeed
) -> None:
    configure(
        live_server, tagged_board, "bluesky", {"enabled": True, "url": f"{jetstream.url}/subscribe"}
    )
    wait_for(lambda: feed_status(live_server, tagged_board, "bluesky")["state"] == "connected")
    assert parse_qs(urlsplit(jetstream.paths[0]).query)["wantedCollections"] == [
        "app.bsky.feed.post"
    ]
    with subscribe(live_server, tagged_board.slug) as ws:
        receive(ws)
        jetstream.send(bluesky_post("a1", "Lunch was fine", T0, tag=None))
        jetstream.send(bluesky_post("a2", "Brilliant demo #DevConf", T0 + 1))
        ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 1)
        assert [t for tick in ticks for t in texts(tick)] == ["Brilliant demo #DevConf"]
        assert ticks[-1]["tally"]["sources"] == {"bluesky": 1}

        jetstream.drop()
        wait_for(lambda: jetstream.connections == 2)
        resumed = parse_qs(urlsplit(jetstream.paths[-1]).query)
        assert resumed["cursor"] == [str(T0 + 1 - 3_000_000)]
        jetstream.send(bluesky_post("a2", "Brilliant demo #DevConf", T0 + 1))  # replayed
        jetstream.send(bluesky_post("a3", "Loved the #devconf Q&A", T0 + 2))
        ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 2)
        assert [t for tick in ticks for t in texts(tick)] == ["Loved the #devconf Q&A"]
    status = feed_status(live_server, tagged_board, "bluesky")
    assert status["state"] == "connected"
    assert status["last_event_at"] is not None
    assert status["tags"] == ["devconf"]


def test_bluesky_cursor_survives_a_server_restart(db_url: str, jetstream: FakeFeed) -> None:
    server = LiveServer(db_url).start()
    try:
        board = new_board(server, title="Restart talk", hashtags=["devconf"])
        configure(server, board, "bluesky", {"enabled": True, "url": f"{jetstream.url}/subscribe"})
        wait_for(lambda: jetstream.connections == 1)
        jetstream.send(bluesky_post("b1", "First #devconf", T0 + 50))
        wait_for(lambda: feed_status(server, board, "bluesky")["last_event_at"] is not None)
    finally:
        server.stop()  # a clean stop saves the cursor
    restarted = LiveServer(db_url).start()
    try:
        wait_for(lambda: jetstream.connections == 2)
        assert parse_qs(urlsplit(jetstream.paths[-1]).query)["cursor"] == [str(T0 + 50 - 3_000_000)]
    finally:
        restarted.stop()


def test_disabling_a_feed_stops_its_follower(
    live_server: LiveServer, tagged_board: NewBoard, jetstream: FakeFeed
) -> None:
    configure(
        live_server, tagged_board, "bluesky", {"enabled": True, "url": f"{jetstream.url}/subscribe"}
    )
    wait_for(lambda: feed_status(live_server, tagged_board, "bluesky")["state"] == "connected")
    configure(live_server, tagged_board, "bluesky", {"enabled": False})
    wait_for(lambda: feed_status(live_server, tagged_board, "bluesky")["state"] == "stopped")


def test_reconfigure_follows_new_hashtags_and_stops_when_the_board_closes(
    client: TestClient, jetstream: FakeFeed
) -> None:
    board = make_board(client, hashtags=["devconf"])
    sources_url = f"/api/boards/{board.slug}/sources"
    body = {"enabled": True, "url": f"{jetstream.url}/subscribe"}
    assert client.put(f"{sources_url}/bluesky", json=body, headers=board.auth).status_code == 200

    def status() -> dict[str, Any]:
        views = client.get(sources_url, headers=board.auth).json()["sources"]
        found: dict[str, Any] = next(v for v in views if v["source"] == "bluesky")["status"]
        return found

    wait_for(lambda: status()["state"] == "connected")
    services = client.app.state.services  # type: ignore[attr-defined]
    board_id = services.boards.by_slug(board.slug).id
    client.patch(f"/api/boards/{board.slug}", json={"hashtags": ["keynote"]}, headers=board.auth)
    services.feeds.reconfigure(board_id)  # from this thread, as the board PATCH route runs
    wait_for(lambda: status().get("tags") == ["keynote"] and jetstream.connections == 2)
    client.patch(f"/api/boards/{board.slug}", json={"open": False}, headers=board.auth)
    services.feeds.reconfigure(board_id)
    wait_for(
        lambda: (
            status() == {"state": "stopped", "error": "the board is closed", "last_event_at": None}
        )
    )


class FakeMastodon:
    """The tag timeline over HTTP; the streaming API is the FakeFeed's websocket."""

    def __init__(self) -> None:
        self.timeline: list[dict[str, Any]] = []
        self.polls: list[dict[str, list[str]]] = []

    def answer(self, path: str, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        assert path == "/api/v1/timelines/tag/devconf"
        self.polls.append(query)
        since = int(query.get("since_id", ["0"])[0])
        return sorted(
            (s for s in self.timeline if int(s["id"]) > since), key=lambda s: -int(s["id"])
        )


def test_mastodon_hashtag_stream_reaches_the_projector_and_catches_up_after_a_drop(
    live_server: LiveServer, tagged_board: NewBoard
) -> None:
    instance = FakeMastodon()
    with FakeFeed(http=instance.answer) as fake:
        http_url = fake.url.replace("ws://", "http://")
        configure(
            live_server, tagged_board, "mastodon_feed", {"enabled": True, "instance": http_url}
        )
        wait_for(
            lambda: feed_status(live_server, tagged_board, "mastodon_feed")["state"] == "connected"
        )
        assert "stream=hashtag" in fake.paths[0]
        with subscribe(live_server, tagged_board.slug) as ws:
            receive(ws)
            fake.send(update_event(mastodon_status(100, "Not about the talk #weather")))
            fake.send(update_event(mastodon_status(101, "Great #DevConf keynote")))
            ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 1)
            assert [t for tick in ticks for t in texts(tick)] == ["Great #DevConf keynote"]
            instance.timeline.append(mastodon_status(102, "Missed while offline #devconf"))
            fake.drop()
            ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 2)
            assert [t for tick in ticks for t in texts(tick)] == ["Missed while offline #devconf"]
        assert instance.polls[-1]["since_id"] == ["101"]
        assert ticks[-1]["tally"]["sources"] == {"mastodon": 2}
    status = feed_status(live_server, tagged_board, "mastodon_feed")
    assert status["tags"] == ["devconf"]


def test_signed_standard_webhook_appears_on_the_projector_within_a_second(
    live_server: LiveServer, tagged_board: NewBoard
) -> None:
    secret = "whsec_" + base64.b64encode(b"live-webhook-secret-0123456789").decode()
    configure(live_server, tagged_board, "webhook", {"enabled": True, "secret": secret})
    body = json.dumps({"text": "Standing ovation #DevConf", "author": "n8n", "id": "evt-1"})
    signature = Webhook(secret).sign("msg_live_1", datetime.now(UTC), body)
    headers = {
        "webhook-id": "msg_live_1",
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
    }
    with subscribe(live_server, tagged_board.slug) as ws:
        receive(ws)
        sent = time.monotonic()
        url = f"{live_server.url}/hooks/{tagged_board.slug}/webhook"
        response = httpx.post(url, content=body, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 1, timeout=5)
        elapsed = time.monotonic() - sent
    assert elapsed < 1.0
    [added] = ticks[-1]["added"]
    assert (added["source"], added["author"]) == ("webhook", "n8n")
