"""Live paths against `scoreboard serve` on a loopback port, with real websocket clients."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.conftest import LiveServer, NewBoard, new_board

pytestmark = pytest.mark.live


@contextmanager
def subscribe(server: LiveServer, slug: str) -> Iterator[ClientConnection]:
    with connect(f"{server.ws_url}/ws/boards/{slug}", open_timeout=5, compression=None) as ws:
        yield ws


def receive(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return message


def ticks_until(ws: ClientConnection, done: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Collect ticks until `done(tick)` holds."""
    ticks: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = receive(ws, timeout=deadline - time.monotonic())
        if message["type"] == "tick":
            ticks.append(message)
            if done(message):
                return ticks
    raise AssertionError(f"condition not reached; last ticks: {ticks[-2:]}")


def post(server: LiveServer, slug: str, **body: Any) -> httpx.Response:
    return httpx.post(f"{server.url}/api/boards/{slug}/reactions", json=body, timeout=10)


async def post_many(
    server: LiveServer, slug: str, bodies: list[dict[str, Any]]
) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as http:
        url = f"/api/boards/{slug}/reactions"
        return await asyncio.gather(*(http.post(url, json=body) for body in bodies))


@pytest.fixture
def live_board(live_server: LiveServer) -> NewBoard:
    return new_board(live_server, title="Live talk")


def test_first_start_prints_projector_audience_and_organiser_urls(live_server: LiveServer) -> None:
    output = live_server.output
    assert "/b/my-talk/screen" in output
    assert "/j/" in output
    assert "/b/my-talk/admin" in output
    assert "Organiser token" in output


@pytest.mark.parametrize(("access_log", "logged"), [(None, False), ("true", True)])
def test_requests_are_logged_one_by_one_only_with_the_access_log_on(
    db_url: str, access_log: str | None, logged: bool
) -> None:
    switch = {} if access_log is None else {"SCOREBOARD_ACCESS_LOG": access_log}
    server = LiveServer(db_url, None, SCOREBOARD_LOG_LEVEL="info", **switch).start()
    try:
        board = new_board(server, title="Logged talk")
        sent = httpx.post(f"{server.url}/api/boards/{board.slug}/reactions", json={"text": "hi"})
        assert sent.status_code == 201
    finally:
        server.stop()
    assert "Application startup complete" in server.output  # info lines are printed
    assert (f"POST /api/boards/{board.slug}/reactions" in server.output) is logged


def test_snapshot_on_connect(live_server: LiveServer, live_board: NewBoard) -> None:
    post(live_server, live_board.slug, text="Great start!")
    with subscribe(live_server, live_board.slug) as ws:
        snapshot = receive(ws)
    assert snapshot["type"] == "snapshot"
    assert isinstance(snapshot["seq"], int)
    assert snapshot["board"]["slug"] == live_board.slug
    assert snapshot["board"]["join_code"] == live_board.join_code
    assert snapshot["tally"]["total"] == 1
    assert [item["text"] for item in snapshot["recent"]] == ["Great start!"]


def test_post_reaches_subscriber_in_a_tick_within_a_second(
    live_server: LiveServer, live_board: NewBoard
) -> None:
    with subscribe(live_server, live_board.slug) as ws:
        snapshot = receive(ws)
        sent = time.monotonic()
        created = post(live_server, live_board.slug, text="Love this demo", emoji="❤️").json()
        ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 1, timeout=5)
        elapsed = time.monotonic() - sent
    tick = ticks[-1]
    assert elapsed < 1.0
    assert tick["seq"] > snapshot["seq"]
    assert [item["id"] for item in tick["added"]] == [created["id"]]
    assert tick["bursts"] == {"❤️": 1}
    assert tick["tally"]["emoji"] == {"❤️": 1}
    assert tick["tally"]["positive"] == 1


def test_a_burst_of_posts_is_coalesced_into_a_few_ticks_that_add_up(
    live_server: LiveServer, live_board: NewBoard
) -> None:
    bodies = [{"text": f"comment number {n}", "emoji": "👏"} for n in range(100)]
    with subscribe(live_server, live_board.slug) as ws:
        first = receive(ws)
        responses = asyncio.run(post_many(live_server, live_board.slug, bodies))
        assert {r.status_code for r in responses} == {201}
        ticks = ticks_until(ws, lambda tick: tick["tally"]["total"] == 100)
    assert len(ticks) <= 20, f"{len(ticks)} ticks for 100 posts"
    assert sum(len(tick["added"]) for tick in ticks) == 100
    assert sum(tick["bursts"].get("👏", 0) for tick in ticks) == 100
    seqs = [first["seq"]] + [tick["seq"] for tick in ticks]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_reconnect_gets_a_fresh_snapshot(live_server: LiveServer, live_board: NewBoard) -> None:
    with subscribe(live_server, live_board.slug) as ws:
        receive(ws)
        post(live_server, live_board.slug, emoji="😂")
        ticks_until(ws, lambda tick: tick["tally"]["total"] == 1)
    post(live_server, live_board.slug, emoji="🤯")
    with subscribe(live_server, live_board.slug) as ws:
        snapshot = receive(ws)
    assert snapshot["type"] == "snapshot"
    assert snapshot["tally"]["emoji"] == {"😂": 1, "🤯": 1}


def test_client_can_ask_for_a_resync(live_server: LiveServer, live_board: NewBoard) -> None:
    with subscribe(live_server, live_board.slug) as ws:
        receive(ws)
        ws.send(json.dumps({"type": "resync"}))
        again = receive(ws)
        health = httpx.get(f"{live_server.url}/healthz").json()
    assert again["type"] == "snapshot"
    assert health["subscribers"] == 1


def _stalled_socket(server: LiveServer, slug: str) -> socket.socket:
    """A websocket client that completes the handshake and then never reads."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    raw.sendall(
        (
            f"GET /ws/boards/{slug} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    return raw


def test_stalled_client_does_not_delay_the_others(
    live_server: LiveServer, live_board: NewBoard
) -> None:
    stalled = [_stalled_socket(live_server, live_board.slug) for _ in range(5)]
    try:
        with subscribe(live_server, live_board.slug) as ws:
            receive(ws)
            for n in range(1, 16):
                sent = time.monotonic()
                post(live_server, live_board.slug, text="x" * 400 + f" long message {n}")
                ticks_until(ws, lambda tick, n=n: tick["tally"]["total"] == n, timeout=5)
                assert time.monotonic() - sent < 1.0, f"post {n} took too long to show"
    finally:
        for raw in stalled:
            raw.close()


def test_duplicate_client_id_is_counted_once(live_server: LiveServer, live_board: NewBoard) -> None:
    bodies = [{"text": "retry me", "client_id": "phone-1-msg-1"}] * 5
    responses = asyncio.run(post_many(live_server, live_board.slug, bodies))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    tally = httpx.get(f"{live_server.url}/api/boards/{live_board.slug}/tally").json()
    assert tally["tally"]["total"] == 1


def test_boards_have_separate_channels(live_server: LiveServer, live_board: NewBoard) -> None:
    other = new_board(live_server, title="Other talk")
    with (
        subscribe(live_server, live_board.slug) as ws_a,
        subscribe(live_server, other.slug) as ws_b,
    ):
        receive(ws_a)
        receive(ws_b)
        post(live_server, other.slug, emoji="👎")
        ticks_until(ws_b, lambda tick: tick["tally"]["total"] == 1)
        with pytest.raises(TimeoutError):
            receive(ws_a, timeout=0.5)
    assert other.join_code != live_board.join_code


async def _burst_then_kill(server: LiveServer, slug: str, count: int) -> list[Any]:
    """Post `count` reactions at once and SIGKILL the server when a third are answered."""
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        url = f"/api/boards/{slug}/reactions"
        tasks = [
            asyncio.create_task(http.post(url, json={"text": f"burst {n}", "client_id": f"c{n}"}))
            for n in range(count)
        ]
        for answered, next_done in enumerate(asyncio.as_completed(tasks), start=1):
            with contextlib.suppress(httpx.HTTPError):
                await next_done
            if answered == count // 3:
                server.kill()
        return await asyncio.gather(*tasks, return_exceptions=True)


def test_acknowledged_reactions_survive_sigkill(db_url: str) -> None:
    server = LiveServer(db_url).start()
    try:
        board = new_board(server, title="Crash test")
        results = asyncio.run(_burst_then_kill(server, board.slug, 600))
    finally:
        server.stop()
    acknowledged = {
        r.json()["id"] for r in results if isinstance(r, httpx.Response) and r.status_code == 201
    }
    assert len(acknowledged) >= 200
    path = db_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM reaction")}
    assert acknowledged <= stored
    restarted = LiveServer(db_url).start()
    try:
        tally = httpx.get(f"{restarted.url}/api/boards/{board.slug}/tally").json()
    finally:
        restarted.stop()
    assert tally["tally"]["total"] == len(stored)


def test_hiding_a_message_removes_it_from_screens_in_the_next_tick(
    live_server: LiveServer, live_board: NewBoard
) -> None:
    with subscribe(live_server, live_board.slug) as ws:
        receive(ws)
        shown = post(live_server, live_board.slug, text="something rude").json()
        ticks_until(ws, lambda tick: tick["tally"]["total"] == 1)
        response = httpx.patch(
            f"{live_server.url}/api/boards/{live_board.slug}/reactions/{shown['id']}",
            json={"status": "hidden"},
            headers=live_board.auth,
        )
        assert response.status_code == 200
        ticks = ticks_until(ws, lambda tick: shown["id"] in tick["removed"])
    assert ticks[-1]["tally"]["total"] == 0
    assert "rude" not in json.dumps(ticks[-1])


def test_organiser_socket_needs_the_token_in_its_first_message(
    live_server: LiveServer, live_board: NewBoard
) -> None:
    url = f"{live_server.ws_url}/ws/boards/{live_board.slug}/organiser"
    with connect(url, open_timeout=5) as ws:
        ws.send(json.dumps({"type": "auth", "token": "wrong"}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


def test_a_binary_frame_closes_the_socket_cleanly_with_1003(
    live_server: LiveServer, live_board: NewBoard
) -> None:
    """Both sockets speak JSON text: a binary frame gets a proper close, no traceback."""
    with subscribe(live_server, live_board.slug) as ws:
        receive(ws)
        ws.send(b"\x00\x01 not text")
        with pytest.raises(ConnectionClosed) as closed:  # no reaction, so no tick first
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1003
    organiser = f"{live_server.ws_url}/ws/boards/{live_board.slug}/organiser"
    with connect(organiser, open_timeout=5) as ws:
        ws.send(b"\x00 not the auth message")
        with pytest.raises(ConnectionClosed) as refused:
            ws.recv(timeout=5)
    assert refused.value.rcvd is not None
    assert refused.value.rcvd.code == 4401
    time.sleep(0.3)  # a traceback would be logged as the server reads the frame
    assert "Traceback" not in live_server.output
    assert httpx.get(f"{live_server.url}/healthz").json()["subscribers"] == 0


def test_organiser_socket_announces_held_messages_that_screens_never_see(
    live_server: LiveServer,
) -> None:
    board = new_board(live_server, title="Careful talk", moderation="pre")
    url = f"{live_server.ws_url}/ws/boards/{board.slug}/organiser"
    with subscribe(live_server, board.slug) as screen, connect(url, open_timeout=5) as organiser:
        organiser.send(json.dumps({"type": "auth", "token": board.token}))
        assert json.loads(organiser.recv(timeout=5)) == {"type": "changed"}
        receive(screen)  # the snapshot
        held = post(live_server, board.slug, text="a question to approve first").json()
        assert held["status"] == "held"
        assert json.loads(organiser.recv(timeout=5)) == {"type": "changed"}
        with pytest.raises(TimeoutError):
            receive(screen, timeout=0.5)
