"""Replay of a finished talk over a websocket, in the live board's own messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator

import orjson
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from scoreboard.deps import accept_board_socket
from scoreboard.replay import ReplayError, Timed, parse_speed, replay

router = APIRouter()


@router.websocket("/ws/boards/{slug}/replay")
async def replay_socket(websocket: WebSocket, slug: str) -> None:
    """Replay the board's visible reactions at `?speed=` (1-100, default 10), then end."""
    opened = await accept_board_socket(websocket, slug)
    if opened is None:
        return
    services, board = opened
    assert board.id is not None
    try:
        speed = parse_speed(websocket.query_params.get("speed"))
    except ReplayError as error:
        await websocket.close(code=4422, reason=str(error))
        return
    public = services.board_public(board)
    stream = replay(services.engine, board, public, speed=speed, tick=services.hub.interval)
    with contextlib.suppress(WebSocketDisconnect):
        await _play(websocket, stream)
        await websocket.close(code=1000, reason="replay finished")


async def _play(websocket: WebSocket, stream: Generator[Timed, None, None]) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        while (timed := await asyncio.to_thread(next, stream, None)) is not None:
            delay = started + timed.at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await websocket.send_text(orjson.dumps(timed.message).decode())
    finally:
        with contextlib.suppress(ValueError):  # still running in its thread on shutdown
            await asyncio.to_thread(stream.close)
