"""The way out after a talk: streamed CSV, JSON and Excel exports, for organisers only."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from scoreboard import exports
from scoreboard.deps import OrganiserDep, ServicesDep
from scoreboard.exports import ExportError, ExportFilter
from scoreboard.models import Board
from scoreboard.routes.api import ERRORS
from scoreboard.services import Services

router = APIRouter()

NDJSON = "application/x-ndjson"
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
        exports.streamed("csv", {}, rows),
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
    fmt, media = ("ndjson", NDJSON) if NDJSON in accept else ("json", "application/json")
    chunks = exports.streamed(fmt, header, rows)
    return StreamingResponse(
        chunks, media_type=media, headers=_attachment(f"{board.slug}-reactions.{fmt}")
    )


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
