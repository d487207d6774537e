"""The live websocket: a snapshot on connect, then coalesced ticks."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from scoreboard import sessions
from scoreboard.auth import may_organise
from scoreboard.deps import accept_board_socket
from scoreboard.hub import Subscriber
from scoreboard.models import Board
from scoreboard.services import Services

router = APIRouter()
AUTH_SECONDS = 10.0
UNSUPPORTED = 1003
"""Close code for a binary frame: these sockets speak JSON in text frames."""


class NotText(Exception):
    """A binary frame where a JSON text message was expected."""


async def receive_text(websocket: WebSocket) -> str:
    """The next text frame; NotText for a binary one (starlette's own receive_text raises
    a bare KeyError there, logged as a server error)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    if text is None:
        raise NotText
    return str(text)


@router.websocket("/ws/boards/{slug}")
async def board_socket(websocket: WebSocket, slug: str) -> None:
    """Send `snapshot` then `tick` messages; a client may send {"type": "resync"}."""
    opened = await accept_board_socket(websocket, slug)
    if opened is None:
        return
    services, board = opened
    assert board.id is not None
    async with services.hub.subscribe(board.id) as subscriber:
        await _pump(websocket, subscriber)


async def _pump(websocket: WebSocket, subscriber: Subscriber) -> None:
    """Send what the hub queues and read what the client says, until either side ends."""
    tasks = {
        asyncio.create_task(_send(websocket, subscriber)),
        asyncio.create_task(_receive(websocket, subscriber)),
    }
    _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await task


@router.websocket("/ws/boards/{slug}/organiser")
async def organiser_socket(websocket: WebSocket, slug: str) -> None:
    """`{"type": "changed"}` whenever anything changed on the board, held messages too.

    The token comes in the first message, `{"type": "auth", "token": "..."}`, never in
    the URL (URLs end up in logs).
    """
    opened = await accept_board_socket(websocket, slug)
    if opened is None:
        return
    services, board = opened
    assert board.id is not None
    try:
        first = orjson.loads(await asyncio.wait_for(receive_text(websocket), AUTH_SECONDS))
    except (TimeoutError, orjson.JSONDecodeError, NotText):
        await websocket.close(code=4401, reason="send {type: auth, token} first")
        return
    except WebSocketDisconnect:
        return
    if not _organiser_allowed(first, websocket, board, services):
        await websocket.close(code=4403, reason="this token may not manage this board")
        return
    async with services.hub.subscribe(board.id, organiser=True) as subscriber:
        await _pump(websocket, subscriber)


def _organiser_allowed(
    first: object, websocket: WebSocket, board: Board, services: Services
) -> bool:
    """The first message holds the token (scripts) or the page session's CSRF token."""
    if not isinstance(first, dict):
        return False
    token, csrf = first.get("token"), first.get("csrf")
    if isinstance(token, str):
        return may_organise(token, board, services.admin_hash)
    expected = sessions.organiser_csrf(board, services.device_secret, websocket.cookies)
    return isinstance(csrf, str) and expected is not None and sessions.csrf_matches(csrf, expected)


async def _send(websocket: WebSocket, subscriber: Subscriber) -> None:
    while (message := await subscriber.next_message()) is not None:
        await websocket.send_text(message)
        subscriber.sent()
    await websocket.close(code=1013, reason="client too slow; reconnect")


async def _receive(websocket: WebSocket, subscriber: Subscriber) -> None:
    while True:
        try:
            raw = await receive_text(websocket)
        except NotText:
            await websocket.close(code=UNSUPPORTED, reason="send JSON in text frames")
            return
        with contextlib.suppress(orjson.JSONDecodeError):
            message = orjson.loads(raw)
            if isinstance(message, dict) and message.get("type") == "resync":
                subscriber.request_snapshot()
