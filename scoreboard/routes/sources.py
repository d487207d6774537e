"""Networks: organisers connect sources to a board; platforms deliver signed webhooks here."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from scoreboard.deps import BoardDep, OrganiserDep, ServicesDep
from scoreboard.models import Board
from scoreboard.routes.api import ERRORS
from scoreboard.services import Services
from scoreboard.source_configs import (
    SourceChange,
    SourceConfig,
    SourceConfigError,
    config_public,
    get_config,
    is_pull,
    known_sources,
    list_configs,
    put_config,
)
from scoreboard.sources import (
    MAX_BODY_BYTES,
    WEBHOOK_SOURCES,
    Inbound,
    Outcome,
    PayloadError,
    Post,
    SourceError,
    matches,
    webhook_source,
)

log = logging.getLogger(__name__)

router = APIRouter(tags=["networks"])


class SourceIn(BaseModel):
    """A source's settings; fields a source does not use are refused."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool
    secret: Annotated[str | None, Field(max_length=512)] = None
    url: Annotated[str | None, Field(max_length=500)] = None
    instance: Annotated[str | None, Field(max_length=500)] = None
    token: Annotated[str | None, Field(max_length=512)] = None
    tag: Annotated[str | None, Field(max_length=100)] = None
    require_hashtag: bool | None = None


def _board_id(board: Board) -> int:
    assert board.id is not None
    return board.id


def _view(
    services: Services, request: Request, board: Board, config: SourceConfig
) -> dict[str, Any]:
    view = config_public(config)
    if is_pull(config.source):
        status = services.feeds.status(_board_id(board)).get(config.source)
        view["status"] = status or {"state": "stopped", "error": None, "last_event_at": None}
    else:
        view["hook_url"] = f"{_origin(services, request)}/hooks/{board.slug}/{config.source}"
    return view


def _origin(services: Services, request: Request) -> str:
    if services.settings.public_url:
        return services.settings.public_url
    return str(request.base_url).rstrip("/")


@router.get("/api/boards/{slug}/sources", summary="List a board's networks", responses=ERRORS)
async def list_sources(
    board: OrganiserDep, services: ServicesDep, request: Request
) -> dict[str, Any]:
    """Every network (configured or not), secrets masked, with live status for pull feeds."""
    board_id = _board_id(board)

    def load() -> list[SourceConfig]:
        with Session(services.engine) as session:
            return list_configs(session, board_id)

    stored = {config.source: config for config in await run_in_threadpool(load)}
    views = []
    for source in known_sources():
        config = stored.get(source) or SourceConfig(board_id=board_id, source=source)
        view = _view(services, request, board, config)
        if source not in stored:
            view["updated_at"] = None
        views.append(view)
    return {"sources": views}


@router.put("/api/boards/{slug}/sources/{source}", summary="Configure a network", responses=ERRORS)
async def put_source(
    board: OrganiserDep,
    source: str,
    body: Annotated[SourceIn, Body()],
    services: ServicesDep,
    request: Request,
) -> dict[str, Any]:
    """Turn a network on or off and set its secret or feed settings; secrets come back masked."""
    board_id = _board_id(board)
    change = SourceChange(**body.model_dump())

    def save() -> SourceConfig:
        with Session(services.engine) as session:
            return put_config(session, board_id, source, change)

    try:
        config = await run_in_threadpool(save)
    except SourceConfigError as error:
        raise HTTPException(error.status, str(error)) from error
    log.info("board %d: %s %s", board_id, source, "enabled" if config.enabled else "disabled")
    if is_pull(source):
        services.feeds.reconfigure(board_id)
    return _view(services, request, board, config)


# --- webhooks ------------------------------------------------------------------------------


async def _read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refusing it once it passes `limit` (chunked bodies have no length)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadError(f"request body too large; the limit is {limit} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(outcome: Outcome) -> Response:
    if isinstance(outcome.body, dict):
        return JSONResponse(outcome.body, status_code=outcome.status)
    content = outcome.body or ""
    return Response(content, status_code=outcome.status, media_type=outcome.content_type)


def _config_for_hook(services: Services, board: Board, source: str) -> SourceConfig:
    with Session(services.engine) as session:
        config = get_config(session, _board_id(board), source)
    if config is None or not config.enabled or not config.secret:
        raise HTTPException(
            404,
            f"{source} is not enabled for board {board.slug!r}; an organiser can connect it "
            "under Networks on the board's admin page",
        )
    return config


async def _store_posts(
    services: Services, board: Board, config: SourceConfig, posts: list[Post]
) -> None:
    """Store the posts that belong on the board, all in the writer's next batch."""
    needs_tag = bool(config.settings.get("require_hashtag"))
    wanted = [p for p in posts if matches(p, board.hashtags, chat_requires_hashtag=needs_tag)]
    await asyncio.gather(*(services.store_post(board, post) for post in wanted))


@router.post("/hooks/{slug}/{source}", summary="Receive a signed webhook", responses=ERRORS)
async def hook(board: BoardDep, source: str, request: Request, services: ServicesDep) -> Response:
    """A network's delivery, verified against the board's secret, then stored."""
    return await _receive(board, source, request, services)


@router.get("/hooks/{slug}/{source}", summary="Answer a webhook handshake", responses=ERRORS)
async def handshake(
    board: BoardDep, source: str, request: Request, services: ServicesDep
) -> Response:
    """A platform's check that the URL is ours, such as X's `crc_token` challenge."""
    return await _receive(board, source, request, services)


async def _receive(board: Board, source: str, request: Request, services: Services) -> Response:
    handler = webhook_source(source)
    if handler is None:
        names = ", ".join(WEBHOOK_SOURCES)
        raise HTTPException(404, f"unknown webhook source {source!r}; use one of {names}")
    config = await run_in_threadpool(_config_for_hook, services, board, source)
    assert config.secret is not None
    limit = min(MAX_BODY_BYTES, services.settings.max_body_bytes)
    try:
        body = await _read_capped(request, limit)
        inbound = Inbound(
            method=request.method,
            headers=dict(request.headers),
            body=body,
            query=dict(request.query_params),
            url=str(request.url),
        )
        outcome = handler.handle(inbound, config.secret, datetime.now(UTC))
    except SourceError as error:
        log.info(
            "board %s: %s delivery refused (%d): %s",
            board.slug,
            source,
            error.status,
            error.message,
        )
        return JSONResponse({"detail": error.message}, status_code=error.status)
    if board.open:  # closed boards acknowledge so the platform stops retrying, and keep nothing
        await _store_posts(services, board, config, outcome.posts)
    return _answer(outcome)
