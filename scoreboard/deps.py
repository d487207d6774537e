"""Request dependencies: the running services, the board in the URL, organiser access."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from scoreboard.auth import bearer_token, may_organise
from scoreboard.models import Board
from scoreboard.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_board(slug: str, services: ServicesDep) -> Board:
    board = services.boards.by_slug(slug)
    if board is None:
        raise HTTPException(404, f"no board with slug {slug!r}")
    return board


BoardDep = Annotated[Board, Depends(get_board)]


def _check(token: str | None, board: Board | None, services: Services) -> None:
    if token is None:
        raise HTTPException(
            401,
            "organiser token missing: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not may_organise(token, board, services.admin_hash):
        raise HTTPException(403, "this token may not manage this board")


def require_organiser(
    board: BoardDep,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Board:
    """The board, when the caller holds its organiser token or the admin token.

    Only a bearer header counts (never a cookie), so no other site can make a
    browser act for the organiser.
    """
    _check(bearer_token(authorization), board, services)
    return board


OrganiserDep = Annotated[Board, Depends(require_organiser)]


def require_admin(
    services: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    _check(bearer_token(authorization), None, services)


AdminDep = Depends(require_admin)
