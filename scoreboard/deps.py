"""Request dependencies: the running services, the board in the URL, organiser access."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, Response, WebSocket

from scoreboard import sessions
from scoreboard.auth import bearer_token, may_organise
from scoreboard.models import Board
from scoreboard.services import Services


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_board(slug: str, services: ServicesDep) -> Board:
    board = services.boards.by_slug(slug)
    if board is None:
        raise HTTPException(404, f"no board with slug {slug!r}")
    return board


BoardDep = Annotated[Board, Depends(get_board)]


DEVICE_COOKIE = "sb_device"


async def check_rate(request: Request) -> None:
    """429 with Retry-After when this device or address sends faster than allowed."""
    services = await get_services(request)
    keys = []
    device = request.cookies.get(DEVICE_COOKIE)
    if device:
        keys.append((services.device_limiter, f"device:{device[:64]}"))
    address = request.client.host if request.client else "unknown"
    keys.append((services.address_limiter, f"address:{address}"))
    for limiter, key in keys:
        wait = limiter.retry_after(key)
        if wait > 0:
            raise HTTPException(
                429,
                f"too many reactions; wait {math.ceil(wait)} s and try again",
                headers={"Retry-After": str(math.ceil(wait))},
            )


@dataclass(frozen=True, slots=True)
class Sending:
    """Where a reaction goes and what stores it, for the routes that take reactions.

    One dependency instead of three: FastAPI's resolution of each costs more than the
    lookup it wraps, and these routes take every tap in the hall.
    """

    services: Services
    board: Board


async def addressed_to(slug: str, request: Request) -> Sending:
    """The board in the URL (404) and the services."""
    services = await get_services(request)
    return Sending(services, await get_board(slug, services))


async def sending_to(slug: str, request: Request) -> Sending:
    """The board in the URL (404) for a sender within its rate limit (429)."""
    await check_rate(request)
    return await addressed_to(slug, request)


AddressedDep = Annotated[Sending, Depends(addressed_to)]
SendingDep = Annotated[Sending, Depends(sending_to)]


def _check(token: str | None, board: Board | None, services: Services) -> None:
    if token is None:
        raise HTTPException(
            401,
            "organiser token missing: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not may_organise(token, board, services.admin_hash):
        raise HTTPException(403, "this token may not manage this board")


async def require_organiser(
    board: BoardDep,
    services: ServicesDep,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> Board:
    """The board, when the caller holds its organiser token or the admin token, or the
    organiser page's session cookie together with its CSRF token in `X-CSRF-Token`.

    The cookie alone never counts, so no other site can make a browser act for the
    organiser.
    """
    token = bearer_token(authorization)
    csrf = sessions.organiser_csrf(board, services.device_secret, request.cookies)
    if token is None and csrf is not None:
        if not sessions.csrf_matches(request.headers.get("x-csrf-token"), csrf):
            raise HTTPException(403, "missing or wrong X-CSRF-Token header for this session")
        return board
    _check(token, board, services)
    return board


OrganiserDep = Annotated[Board, Depends(require_organiser)]


async def require_admin(
    services: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    _check(bearer_token(authorization), None, services)


AdminDep = Depends(require_admin)


def set_session_cookie(
    response: Response, request: Request, name: str, value: str, *, seconds: int, path: str
) -> None:
    """A session cookie no script can read and no other site can send along."""
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


async def accept_board_socket(websocket: WebSocket, slug: str) -> tuple[Services, Board] | None:
    """Accept a websocket for a known board; close it with 4404 (and None) otherwise."""
    services: Services = websocket.app.state.services
    board = services.boards.by_slug(slug)
    if board is None or board.id is None:
        await websocket.close(code=4404, reason="no such board")
        return None
    await websocket.accept()
    return services, board
