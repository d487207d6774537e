"""The way out after a talk: streamed exports, the printable report, and the replay socket."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import tempfile
import time
from collections.abc import Generator, Iterator
from typing import IO, Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session
from starlette.websockets import WebSocketDisconnect

from scoreboard import exports, sessions
from scoreboard.auth import bearer_token, may_organise
from scoreboard.deps import BoardDep, OrganiserDep, ServicesDep, accept_board_socket
from scoreboard.exports import ExportError, ExportFilter
from scoreboard.i18n import STRINGS, pick_language
from scoreboard.models import Board
from scoreboard.replay import ReplayError, Timed, parse_speed, replay
from scoreboard.report import build_report
from scoreboard.routes.api import ERRORS
from scoreboard.routes.pages import templates_of
from scoreboard.services import Services

router = APIRouter()

NDJSON = "application/x-ndjson"
REPORT_COOKIE = "sb_report"
REPORT_SECONDS = 3600
FILE_CHUNK = 64 * 1024
SPOOL_BYTES = 8 * 1024 * 1024
PRIVATE = {"Cache-Control": "no-store"}


# -- exports --


def export_filter(
    since: Annotated[str | None, Query(description="ISO 8601; inclusive")] = None,
    until: Annotated[str | None, Query(description="ISO 8601; exclusive")] = None,
    status: Annotated[list[str] | None, Query(description="visible, held, hidden")] = None,
    source: Annotated[list[str] | None, Query(description="form, api, slack, …")] = None,
) -> ExportFilter:
    """Repeat `status`/`source`, or give a comma-separated list."""
    try:
        return exports.parse_filter(since, until, status or (), source or ())
    except ExportError as error:
        raise HTTPException(422, str(error)) from error


FilterDep = Annotated[ExportFilter, Depends(export_filter)]


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE}


@router.get(
    "/api/boards/{slug}/export.csv",
    summary="Export reactions as CSV",
    tags=["exports"],
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
    response_class=StreamingResponse,
)
def export_csv(board: OrganiserDep, services: ServicesDep, where: FilterDep) -> Response:
    """Every reaction with its status, one row each; UTF-8 with BOM, formulas neutralised."""
    assert board.id is not None
    rows = exports.iter_rows(services.engine, board.id, where)
    return StreamingResponse(
        exports.csv_chunks(rows),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"{board.slug}-reactions.csv"),
    )


@router.get(
    "/api/boards/{slug}/export.json",
    summary="Export reactions as JSON",
    tags=["exports"],
    responses={**ERRORS, 200: {"content": {"application/json": {}, NDJSON: {}}}},
    response_class=StreamingResponse,
)
def export_json(
    board: OrganiserDep,
    services: ServicesDep,
    where: FilterDep,
    accept: Annotated[str, Header()] = "",
) -> Response:
    """`{"board", "reactions"}`; with `Accept: application/x-ndjson`, one object per line."""
    assert board.id is not None
    header = _header(services, board, where)
    rows = exports.iter_rows(services.engine, board.id, where)
    if NDJSON in accept:
        chunks = exports.ndjson_chunks(header, rows)
        name, media = f"{board.slug}-reactions.ndjson", NDJSON
    else:
        chunks = exports.json_chunks(header, rows)
        name, media = f"{board.slug}-reactions.json", "application/json"
    return StreamingResponse(chunks, media_type=media, headers=_attachment(name))


@router.get(
    "/api/boards/{slug}/export.xlsx",
    summary="Export reactions as Excel",
    tags=["exports"],
    responses={**ERRORS, 200: {"content": {exports.XLSX_TYPE: {}}}},
    response_class=StreamingResponse,
)
def export_xlsx(board: OrganiserDep, services: ServicesDep, where: FilterDep) -> Response:
    """Sheets Reactions, Summary (totals, per segment, per source) and Timeline (per minute)."""
    assert board.id is not None
    header = _header(services, board, where)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        exports.write_xlsx(spool, header, exports.iter_rows(services.engine, board.id, where))
        size = spool.tell()
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    headers = {**_attachment(f"{board.slug}-reactions.xlsx"), "Content-Length": str(size)}
    return StreamingResponse(_read_and_close(spool), media_type=exports.XLSX_TYPE, headers=headers)


def _header(services: Services, board: Board, where: ExportFilter) -> dict[str, Any]:
    with Session(services.engine) as session:
        return exports.board_header(session, board, exports.utc_now(), where)


def _read_and_close(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(FILE_CHUNK):
            yield chunk


# -- the report: organiser only, through a short-lived signed cookie or a bearer header --


class TokenIn(BaseModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]


def _signature(board: Board, expires: int) -> str:
    # Keyed by the board's token hash: resetting the token ends every report session.
    key = board.token_hash.encode()
    return hmac.new(key, f"report:{board.slug}:{expires}".encode(), hashlib.sha256).hexdigest()


def report_cookie(board: Board, now: float | None = None) -> str:
    expires = int((now or time.time()) + REPORT_SECONDS)
    return f"{expires}.{_signature(board, expires)}"


def cookie_valid(board: Board, value: str | None, now: float | None = None) -> bool:
    expires, _, signature = (value or "").partition(".")
    if not expires.isdigit() or int(expires) < (now or time.time()):
        return False
    return hmac.compare_digest(signature, _signature(board, int(expires)))


def _may_read_report(request: Request, board: Board, services: Services) -> bool:
    token = bearer_token(request.headers.get("authorization"))
    organiser = request.cookies.get(sessions.cookie_name(board.slug))
    if token is None and sessions.verify(board, services.device_secret, organiser):
        return True  # logged in on the organiser page (a GET: no CSRF token needed)
    if token is None:
        return cookie_valid(board, request.cookies.get(REPORT_COOKIE))
    if not may_organise(token, board, services.admin_hash):
        raise HTTPException(403, "this token may not manage this board")
    return True


@router.get("/b/{slug}/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, board: BoardDep, services: ServicesDep) -> Response:
    """The printable report; without a session, the small page that asks for the token."""
    lang = pick_language(board.ui_language, request.headers.get("accept-language"))
    context: dict[str, Any] = {
        "board": services.board_public(board),
        "lang": lang,
        "t": STRINGS[lang],
    }
    if not _may_read_report(request, board, services):
        return templates_of(request).TemplateResponse(
            request, "report_login.html", context, status_code=401, headers=PRIVATE
        )
    report = build_report(services.engine, board)
    return templates_of(request).TemplateResponse(
        request, "report.html", {**context, "report": report}, headers=PRIVATE
    )


@router.post("/b/{slug}/report/session", include_in_schema=False)
async def report_login(request: Request, board: BoardDep, services: ServicesDep) -> Response:
    """Trade the organiser token for an HttpOnly, SameSite=Strict report cookie (JSON only)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPException(415, 'send the token as JSON: {"token": "..."}')
    try:
        body = TokenIn.model_validate_json(await request.body())
    except ValidationError as error:
        raise HTTPException(422, 'send the token as JSON: {"token": "..."}') from error
    if not may_organise(body.token, board, services.admin_hash):
        raise HTTPException(403, "this token may not manage this board")
    response = JSONResponse({"expires_in": REPORT_SECONDS}, headers=PRIVATE)
    response.set_cookie(
        REPORT_COOKIE,
        report_cookie(board),
        max_age=REPORT_SECONDS,
        path=f"/b/{board.slug}/report",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.delete("/b/{slug}/report/session", include_in_schema=False, status_code=204)
async def report_logout(board: BoardDep) -> Response:
    """Forget the report cookie."""
    response = Response(status_code=204, headers=PRIVATE)
    response.delete_cookie(REPORT_COOKIE, path=f"/b/{board.slug}/report")
    return response


# -- replay --


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
