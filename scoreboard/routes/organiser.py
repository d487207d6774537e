"""The organiser page and its session: log in once with the token, then a cookie."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from scoreboard import sessions
from scoreboard.auth import may_organise
from scoreboard.deps import BoardDep, ServicesDep, set_session_cookie
from scoreboard.i18n import script_strings
from scoreboard.models import Board
from scoreboard.routes.pages import page_context, templates_of
from scoreboard.services import Services

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store"}


def _csrf(request: Request, board: Board, services: Services) -> str | None:
    return sessions.organiser_csrf(board, services.device_secret, request.cookies)


def _render(
    request: Request,
    board: Board,
    services: Services,
    *,
    csrf: str | None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The page, its scripts' words and `error` (a STRINGS key) in one language: the
    organiser's browser's. A board's `ui_language` is for its audience (phones, projector);
    an organiser who fixes the phones to Dutch may not read Dutch."""
    context = page_context(request, services, board, audience=False, csrf=csrf)
    context["login_error"] = context["t"][error] if error else None
    context["admin_strings"] = script_strings(context["lang"], "admin_js_")
    return templates_of(request).TemplateResponse(
        request, "admin.html", context, status_code=status, headers=PRIVATE
    )


@router.get("/b/{slug}/admin", response_class=HTMLResponse)
def admin(request: Request, board: BoardDep, services: ServicesDep) -> Response:
    """The organiser page; without a session, its login form."""
    csrf = _csrf(request, board, services)
    return _render(request, board, services, csrf=csrf, status=200 if csrf else 401)


def _same_origin(request: Request) -> bool:
    """A login posted from another site is refused (login CSRF)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


@router.post("/b/{slug}/admin/session")
def log_in(
    request: Request,
    board: BoardDep,
    services: ServicesDep,
    token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Trade the token for an HttpOnly, SameSite=Strict session cookie; 303 to the page."""
    if not _same_origin(request):
        error = "admin_login_elsewhere"
        return _render(request, board, services, csrf=None, error=error, status=403)
    if not token.strip() or not may_organise(token.strip(), board, services.admin_hash):
        error = "admin_login_refused"
        return _render(request, board, services, csrf=None, error=error, status=403)
    value, _ = sessions.issue(board, services.device_secret)
    response = RedirectResponse(f"/b/{board.slug}/admin", status_code=303, headers=PRIVATE)
    name = sessions.cookie_name(board.slug)
    set_session_cookie(response, request, name, value, seconds=sessions.SESSION_SECONDS, path="/")
    return response


@router.post("/b/{slug}/admin/logout")
def log_out(
    request: Request,
    board: BoardDep,
    services: ServicesDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """End the session (the form carries the CSRF token)."""
    expected = _csrf(request, board, services)
    if expected is None or not sessions.csrf_matches(csrf, expected):
        return _render(request, board, services, csrf=expected, status=403)
    response = RedirectResponse(f"/b/{board.slug}/admin", status_code=303, headers=PRIVATE)
    response.delete_cookie(sessions.cookie_name(board.slug), path="/")
    return response
