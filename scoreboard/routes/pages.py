"""HTML pages: the phone page (works without JavaScript), the projector, the join redirect."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Form, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

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
from scoreboard.routes.api import reaction_fields, refusal, store
from scoreboard.routes.direct import direct_route, form_fields
from scoreboard.schemas import REACTION_LIMITS, ReactionIn
from scoreboard.services import Services
from scoreboard.writer import NotStored

router = APIRouter(include_in_schema=False)


def templates_of(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def page_context(
    request: Request, services: Services, board: Board, **extra: Any
) -> dict[str, Any]:
    lang = pick_language(board.ui_language, request.headers.get("accept-language"))
    public = services.board_public(board)
    return {
        "request": request,
        "board": public,
        "lang": lang,
        "t": STRINGS[lang],
        "qr": qr_svg(public["join_url"]),
        "join_host": public["join_url"].split("://", 1)[-1].rsplit("/j/", 1)[0],
        **extra,
    }


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> Response:
    """With one board, go straight to its phone page; otherwise ask for a join code."""
    boards = list(services.boards)
    if len(boards) == 1:
        return RedirectResponse(f"/b/{boards[0].slug}", status_code=303)
    lang = pick_language("auto", request.headers.get("accept-language"))
    return templates_of(request).TemplateResponse(
        request, "join.html", {"t": STRINGS[lang], "lang": lang, "error": None}
    )


@router.get("/j", response_class=HTMLResponse)
def join_form(request: Request, services: ServicesDep, code: str = "") -> Response:
    """The join-code form's target: `/j?code=ABCDE`."""
    return join(code, request, services)


@router.get("/j/{code}")
def join(code: str, request: Request, services: ServicesDep) -> Response:
    """The short URL on the projector: redirect to the board's phone page."""
    board = services.boards.by_join_code(code)
    if board is None:
        lang = pick_language("auto", request.headers.get("accept-language"))
        return templates_of(request).TemplateResponse(
            request,
            "join.html",
            {"t": STRINGS[lang], "lang": lang, "error": code},
            status_code=404,
        )
    return RedirectResponse(f"/b/{board.slug}", status_code=303)


@router.get("/b/{slug}", response_class=HTMLResponse)
def phone(request: Request, board: BoardDep, services: ServicesDep, sent: int = 0) -> Response:
    """The audience's page: big emoji buttons and a comment box."""
    context = page_context(request, services, board, sent=bool(sent), error=None)
    response = templates_of(request).TemplateResponse(
        request, "phone.html", {**context, "client_id": uuid.uuid4().hex}
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
    text: Annotated[str, Form(max_length=REACTION_LIMITS["text"])] = "",
    emoji: Annotated[str, Form(max_length=REACTION_LIMITS["emoji"])] = "",
    author: Annotated[str, Form(max_length=REACTION_LIMITS["author"])] = "",
    client_id: Annotated[str, Form(max_length=REACTION_LIMITS["client_id"])] = "",
    accept: Annotated[str, Header()] = "",
) -> Response:
    """The phone form: 303 back to the page, or JSON when the page's script asks for it."""
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
        status, detail, headers = _problem(error)
        if wants_json:
            return JSONResponse({"detail": detail}, status_code=status, headers=headers)
        context = page_context(
            request, services, board, sent=False, error=detail, typed=text, name=author
        )
        return templates_of(request).TemplateResponse(
            request,
            "phone.html",
            {**context, "client_id": uuid.uuid4().hex},
            status_code=status,
            headers=headers,
        )
    if wants_json:
        return Response(
            orjson.dumps(reaction_fields(stored.reaction)),
            status_code=201 if stored.created else 200,
            media_type="application/json",
        )
    return RedirectResponse(f"/b/{board.slug}?sent=1", status_code=303)


def _problem(error: Exception) -> tuple[int, str, Mapping[str, str] | None]:
    """What to tell the sender of a refused form: status, sentence, headers."""
    if isinstance(error, HTTPException):
        return error.status_code, str(error.detail), error.headers
    if isinstance(error, IngestError | NotStored):
        return refusal(error)
    return 422, _first_error(error), None


def _first_error(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return f"{'.'.join(map(str, found[0]['loc']))}: {found[0]['msg']}"
    return str(error)


async def phone_post_arguments(request: Request) -> dict[str, Any] | None:
    """`phone_post`'s arguments for a plain URL-encoded form, resolved as FastAPI would
    (see scoreboard.routes.direct); the phones send every tap through this route."""
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
def screen(request: Request, board: BoardDep, services: ServicesDep) -> Response:
    """The projector page, live over the websocket."""
    return templates_of(request).TemplateResponse(
        request, "screen.html", page_context(request, services, board)
    )


@router.get("/b/{slug}/qr.svg")
def qr(board: BoardDep, services: ServicesDep) -> Response:
    """The join QR code as an SVG image."""
    svg = qr_svg(services.board_public(board)["join_url"])
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})
