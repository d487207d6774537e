"""HTML pages: the phone page (works without JavaScript), the projector, the join redirect."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Form, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from scoreboard.codes import clock_ms, new_client_id
from scoreboard.deps import (
    DEVICE_COOKIE,
    AddressedDep,
    BoardDep,
    ServicesDep,
    addressed_to,
    check_rate,
)
from scoreboard.i18n import STRINGS, pick_language
from scoreboard.ingest import IngestError
from scoreboard.models import Board
from scoreboard.qr import qr_svg
from scoreboard.reaction_table import NotStored
from scoreboard.routes.api import refusal, sender_fields, store
from scoreboard.routes.direct import direct_route, form_fields
from scoreboard.schemas import REACTION_LIMITS, ReactionIn
from scoreboard.services import Services
from scoreboard.settings import Settings

router = APIRouter(include_in_schema=False)


def _sender_ids() -> dict[str, Any]:
    """A new client_id for the page's forms without JavaScript, and the server's clock,
    from which its script makes the ids of its sends: a phone's own clock can be hours
    off, and ids in the server's time order stay side by side in the dedupe index."""
    now = clock_ms()
    return {"client_id": new_client_id(now), "clock": now}


def templates_of(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def page_context(
    request: Request, services: Services, board: Board, *, audience: bool = True, **extra: Any
) -> dict[str, Any]:
    """A board page's context. Its language is the board's `ui_language` on the audience's
    pages; an organiser (`audience=False`) reads their own browser's."""
    setting = board.ui_language if audience else "auto"
    lang = pick_language(setting, request.headers.get("accept-language"))
    public = services.board_public(board)
    return {
        "request": request,
        "board": public,
        "lang": lang,
        "t": STRINGS[lang],
        "qr": qr_svg(public["join_url"]),
        "join_host": public["join_url"].split("://", 1)[-1].rsplit("/j/", 1)[0],
        "max_text": services.settings.max_text_length,
        **extra,
    }


def _join_page(
    request: Request, error: str | None = None, status_code: int = 200, **values: str
) -> Response:
    """The join-code form, under the sentence `error` (a STRINGS key, filled with `values`)."""
    lang = pick_language("auto", request.headers.get("accept-language"))
    t = STRINGS[lang]
    sentence = t[error].format(**values) if error else None
    return templates_of(request).TemplateResponse(
        request, "join.html", {"t": t, "lang": lang, "error": sentence}, status_code=status_code
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> Response:
    """With one board, go straight to its phone page; otherwise ask for a join code."""
    boards = list(services.boards)
    if len(boards) == 1:
        return RedirectResponse(f"/b/{boards[0].slug}", status_code=303)
    return _join_page(request)


@router.get("/j", response_class=HTMLResponse)
def join_form(request: Request, services: ServicesDep, code: str = "") -> Response:
    """The join-code form's target: `/j?code=ABCDE`."""
    return join(code, request, services)


@router.get("/j/{code}")
def join(code: str, request: Request, services: ServicesDep) -> Response:
    """The short URL on the projector: redirect to the board's phone page."""
    board = services.boards.by_join_code(code)
    if board is None:
        return _join_page(request, "no_code", status_code=404, code=code[:24])
    return RedirectResponse(f"/b/{board.slug}", status_code=303)


@router.get("/b/{slug}", response_class=HTMLResponse)
def phone(request: Request, slug: str, services: ServicesDep, sent: int = 0) -> Response:
    """The audience's page: big emoji buttons and a comment box."""
    board = services.boards.by_slug(slug)
    if board is None:
        return _join_page(request, "no_board", status_code=404)  # a wrong or old link
    context = page_context(request, services, board, sent=bool(sent), error=None)
    response = templates_of(request).TemplateResponse(
        request, "phone.html", {**context, **_sender_ids()}
    )
    if not request.cookies.get(DEVICE_COOKIE):
        # Identifies the phone for rate limits only; no account, nothing personal.
        response.set_cookie(
            DEVICE_COOKIE, uuid.uuid4().hex, max_age=365 * 86400, httponly=True, samesite="lax"
        )
    return response


async def phone_post(
    request: Request,
    target: AddressedDep,
    text: Annotated[str, Form()] = "",
    emoji: Annotated[str, Form()] = "",
    author: Annotated[str, Form()] = "",
    client_id: Annotated[str, Form()] = "",
    accept: Annotated[str, Header()] = "",
) -> Response:
    """The phone form: 303 back to the page, or JSON when the page's script asks for it.

    Every refusal is a sentence in the phone's language, on the page itself: the form
    takes values of any length (the body limit still applies) so that a comment too
    long for `ReactionIn` is told so there, not in FastAPI's JSON.
    """
    services, board = target.services, target.board
    wants_json = "application/json" in accept
    try:
        await check_rate(request)
        body = ReactionIn(
            text=text or None,
            emoji=emoji or None,
            author=author or None,
            client_id=client_id or None,
        )
        stored = await store(services, board, body, request, source="form")
    except (HTTPException, ValueError, NotStored) as error:
        context = page_context(request, services, board, sent=False, typed=text, name=author)
        status, detail, headers = _problem(error, context["t"], services.settings)
        if wants_json:
            return JSONResponse({"detail": detail}, status_code=status, headers=headers)
        return templates_of(request).TemplateResponse(
            request,
            "phone.html",
            {**context, "error": detail, **_sender_ids()},
            status_code=status,
            headers=headers,
        )
    if wants_json:
        return Response(
            orjson.dumps(sender_fields(stored.reaction)),
            status_code=201 if stored.created else 200,
            media_type="application/json",
        )
    return RedirectResponse(f"/b/{board.slug}?sent=1", status_code=303)


def _problem(
    error: Exception, t: Mapping[str, str], settings: Settings
) -> tuple[int, str, Mapping[str, str] | None]:
    """What to tell the sender of a refused form, in their language: status, sentence,
    headers. The API's English messages are for developers; a phone gets these."""
    if isinstance(error, HTTPException):
        headers = error.headers
        if error.status_code == 429:
            seconds = (headers or {}).get("Retry-After", "1")
            return 429, t["error_rate"].format(seconds=seconds), headers
        return error.status_code, t["error_invalid"], headers
    if isinstance(error, NotStored):
        status, _, headers = refusal(error)
        return status, t["error_unavailable"], headers
    if isinstance(error, IngestError):
        if error.reason == "closed":
            return error.status, t["closed"], None
        sentence = t.get(f"error_{error.reason}", t["error_invalid"])
        return error.status, sentence.format(limit=settings.max_text_length), None
    if isinstance(error, ValidationError) and _too_long_text(error):
        return 413, t["error_too_long"].format(limit=settings.max_text_length), None
    return 422, t["error_invalid"], None


def _too_long_text(error: ValidationError) -> bool:
    return any(
        found["loc"][:1] == ("text",) and found["type"] == "string_too_long"
        for found in error.errors()
    )


async def phone_post_arguments(request: Request) -> dict[str, Any] | None:
    """`phone_post`'s arguments for a plain URL-encoded form, resolved as FastAPI would
    (see scoreboard.routes.direct); the phones send every tap through this route."""
    # A value over its limit takes FastAPI's path, which ends in phone_post all the same.
    fields = await form_fields(request, REACTION_LIMITS)
    if fields is None:
        return None
    target = await addressed_to(request.path_params["slug"], request)
    accept = request.headers.get("accept", "")
    return {"request": request, "target": target, "accept": accept, **fields}


router.add_api_route(
    "/b/{slug}",
    phone_post,
    methods=["POST"],
    route_class_override=direct_route(phone_post_arguments),
)


@router.get("/b/{slug}/screen", response_class=HTMLResponse)
def screen(request: Request, slug: str, services: ServicesDep) -> Response:
    """The projector page, live over the websocket."""
    board = services.boards.by_slug(slug)
    if board is None:
        return _join_page(request, "no_board", status_code=404)  # a wrong or old link
    return templates_of(request).TemplateResponse(
        request, "screen.html", page_context(request, services, board)
    )


@router.get("/b/{slug}/qr.svg")
def qr(board: BoardDep, services: ServicesDep) -> Response:
    """The join QR code as an SVG image."""
    svg = qr_svg(services.board_public(board)["join_url"])
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})
