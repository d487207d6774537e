"""The printable report: organiser only, through a bearer header or a short session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from scoreboard import sessions
from scoreboard.auth import bearer_token, may_organise
from scoreboard.deps import BoardDep, ServicesDep, set_session_cookie
from scoreboard.models import Board
from scoreboard.report import build_report
from scoreboard.routes.pages import page_context, templates_of
from scoreboard.services import Services

router = APIRouter(include_in_schema=False)

REPORT_COOKIE = "sb_report"
REPORT_SECONDS = 3600
PRIVATE = {"Cache-Control": "no-store"}


class TokenIn(BaseModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]


def _reader(request: Request, board: Board, services: Services) -> str | None:
    """How the caller may read the report: "bearer" (scripts), "organiser" (the organiser
    page's session), "report" (the report's own session), or None.

    Reading is a GET, so the cookies need no CSRF token here.
    """
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        if not may_organise(token, board, services.admin_hash):
            raise HTTPException(403, "this token may not manage this board")
        return "bearer"
    key = services.device_secret
    if sessions.organiser_csrf(board, key, request.cookies):
        return "organiser"
    if sessions.verify(board, key, request.cookies.get(REPORT_COOKIE), purpose="report"):
        return "report"
    return None


@router.get("/b/{slug}/report", response_class=HTMLResponse)
def report_page(request: Request, board: BoardDep, services: ServicesDep) -> Response:
    """The printable report; without a session, the small page that asks for the token."""
    context = page_context(request, services, board, audience=False)  # organiser language
    reader = _reader(request, board, services)
    if reader is None:
        return templates_of(request).TemplateResponse(
            request, "report_login.html", context, status_code=401, headers=PRIVATE
        )
    report = build_report(services.engine, board)
    own_session = reader == "report"  # only that one can be ended from here
    return templates_of(request).TemplateResponse(
        request,
        "report.html",
        {**context, "report": report, "own_session": own_session},
        headers=PRIVATE,
    )


@router.post("/b/{slug}/report/session")
async def report_login(request: Request, board: BoardDep, services: ServicesDep) -> Response:
    """Trade the organiser token for an HttpOnly, SameSite=Strict report cookie (JSON only,
    so no other site's form can log anyone in)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPException(415, 'send the token as JSON: {"token": "..."}')
    try:
        body = TokenIn.model_validate_json(await request.body())
    except ValidationError as error:
        raise HTTPException(422, 'send the token as JSON: {"token": "..."}') from error
    if not may_organise(body.token, board, services.admin_hash):
        raise HTTPException(403, "this token may not manage this board")
    value, _ = sessions.issue(
        board, services.device_secret, purpose="report", seconds=REPORT_SECONDS
    )
    response = JSONResponse({"expires_in": REPORT_SECONDS}, headers=PRIVATE)
    path = f"/b/{board.slug}/report"
    set_session_cookie(response, request, REPORT_COOKIE, value, seconds=REPORT_SECONDS, path=path)
    return response


@router.delete("/b/{slug}/report/session", status_code=204)
async def report_logout(board: BoardDep) -> Response:
    """Forget the report cookie."""
    response = Response(status_code=204, headers=PRIVATE)
    response.delete_cookie(REPORT_COOKIE, path=f"/b/{board.slug}/report")
    return response
