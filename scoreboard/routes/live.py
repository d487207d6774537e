"""The live websocket: a snapshot on connect, then coalesced ticks."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from scoreboard.hub import Subscriber
from scoreboard.services import Services

router = APIRouter()


@router.websocket("/ws/boards/{slug}")
async def board_socket(websocket: WebSocket, slug: str) -> None:
    """Send `snapshot` then `tick` messages; a client may send {"type": "resync"}."""
    services: Services = websocket.app.state.services
    board = services.boards.by_slug(slug)
    if board is None or board.id is None:
        await websocket.close(code=4404, reason="no such board")
        return
    await websocket.accept()
    async with services.hub.subscribe(board.id) as subscriber:
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


async def _send(websocket: WebSocket, subscriber: Subscriber) -> None:
    while (message := await subscriber.next_message()) is not None:
        await websocket.send_text(message)
        subscriber.sent()
    await websocket.close(code=1013, reason="client too slow; reconnect")


async def _receive(websocket: WebSocket, subscriber: Subscriber) -> None:
    while True:
        raw = await websocket.receive_text()
        with contextlib.suppress(orjson.JSONDecodeError):
            message = orjson.loads(raw)
            if isinstance(message, dict) and message.get("type") == "resync":
                subscriber.request_snapshot()
