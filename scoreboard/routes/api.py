"""The JSON API: boards, reactions, tallies and segments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, HTTPException, Request, Response
from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session

from scoreboard.boards import BoardError, create_board, start_segment, update_board
from scoreboard.deps import (
    DEVICE_COOKIE,
    AdminDep,
    BoardDep,
    OrganiserDep,
    SendingDep,
    ServicesDep,
    sending_to,
)
from scoreboard.ingest import IngestError, draft_reaction
from scoreboard.models import Board, ReactionFacts, iso, reaction_public
from scoreboard.reaction_table import NotStored, Stored
from scoreboard.routes.direct import direct_route, json_body
from scoreboard.schemas import (
    BoardCreate,
    BoardCreated,
    BoardPublic,
    BoardSettings,
    BoardUpdate,
    ErrorBody,
    ReactionIn,
    ReactionOut,
    shown_text,
)
from scoreboard.services import Services

router = APIRouter(prefix="/api", tags=["api"])

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}


class SegmentIn(BaseModel):
    label: Annotated[str, Field(min_length=1, max_length=80)]

    _label = field_validator("label")(shown_text)


def reaction_fields(reaction: ReactionFacts) -> dict[str, Any]:
    """The `ReactionOut` fields as plain data (the ingest path skips re-validating them)."""
    fields = reaction_public(reaction)
    del fields["pinned"]
    fields["status"] = reaction.status
    fields["received_at"] = fields["received_at"] or ""
    return fields


def sender_fields(reaction: ReactionFacts) -> dict[str, Any]:
    """What the sender of a reaction hears back: its fields, but a hidden one reads as
    visible. A banned sender is not told (they would only come back under another name
    or cookie), nor is one retrying a reaction a moderator has hidden since."""
    fields = reaction_fields(reaction)
    if fields["status"] == "hidden":
        fields["status"] = "visible"
    return fields


def reaction_out(reaction: ReactionFacts) -> ReactionOut:
    return ReactionOut(**reaction_fields(reaction))


@router.post(
    "/boards",
    summary="Create a board",
    status_code=201,
    response_model=BoardCreated,
    responses=ERRORS,
    dependencies=[AdminDep],
)
def create(spec: BoardCreate, services: ServicesDep) -> dict[str, Any]:
    """Create a board (admin token). The answer holds the board's organiser token, once."""
    with Session(services.engine) as session:
        try:
            board, token = create_board(session, spec, services.settings.default_languages)
        except BoardError as error:
            raise HTTPException(error.status, str(error)) from error
    services.boards.put(board)
    assert board.id is not None
    services.tallies.for_board(board.id, board.hashtags)
    return {**services.board_public(board), "token": token}


@router.get("/boards/{slug}", summary="Read a board", response_model=BoardPublic, responses=ERRORS)
async def read(board: BoardDep, services: ServicesDep) -> dict[str, Any]:
    """Public facts about a board (no secrets)."""
    return services.board_public(board)


@router.get(
    "/boards/{slug}/settings",
    summary="Read a board's settings",
    response_model=BoardSettings,
    responses=ERRORS,
)
async def settings(board: OrganiserDep, services: ServicesDep) -> dict[str, Any]:
    """Everything the organiser may change, including the moderation settings."""
    return services.board_settings(board)


@router.patch(
    "/boards/{slug}", summary="Change a board", response_model=BoardSettings, responses=ERRORS
)
def change(board: OrganiserDep, changes: BoardUpdate, services: ServicesDep) -> dict[str, Any]:
    """Change a board's settings (organiser); screens resync at once."""
    with Session(services.engine) as session:
        session.add(board)
        try:
            board = update_board(session, board, changes)
        except BoardError as error:
            raise HTTPException(error.status, str(error)) from error
    services.boards.put(board)
    assert board.id is not None
    services.tallies.for_board(board.id, board.hashtags)  # the cloud follows new hashtags
    services.hub.changed(board.id, resync=True)
    services.feeds.reconfigure(board.id)
    return services.board_settings(board)


@router.post(
    "/boards/{slug}/segments", summary="Start a segment", status_code=201, responses=ERRORS
)
def segment(board: OrganiserDep, body: SegmentIn, services: ServicesDep) -> dict[str, Any]:
    """Start a segment of the talk ("Intro", "Demo"); new reactions belong to it."""
    with Session(services.engine) as session:
        session.add(board)
        started = start_segment(session, board, body.label.strip())
    services.boards.put(board)
    assert board.id is not None
    services.hub.changed(board.id, resync=True)
    return {"label": started.label, "started_at": iso(started.started_at)}


async def react(
    target: SendingDep, body: Annotated[ReactionIn, Body()], request: Request
) -> Response:
    """Send a reaction. 201 once it is stored on disk; 200 with the original on a retry."""
    stored = await store(target.services, target.board, body, request, source="api")
    return Response(
        orjson.dumps(sender_fields(stored.reaction)),
        status_code=201 if stored.created else 200,
        media_type="application/json",
    )


async def react_arguments(request: Request) -> dict[str, Any] | None:
    """`react`'s arguments for a body that validates, resolved as FastAPI would: the
    same dependency, after the body (see scoreboard.routes.direct)."""
    body = await json_body(request, ReactionIn)
    if body is None:
        return None
    target = await sending_to(request.path_params["slug"], request)
    return {"target": target, "body": body, "request": request}


router.add_api_route(
    "/boards/{slug}/reactions",
    react,
    methods=["POST"],
    summary="Send a reaction",
    status_code=201,
    response_model=ReactionOut,
    responses={**ERRORS, 200: {"model": ReactionOut, "description": "a retry: already stored"}},
    route_class_override=direct_route(react_arguments),
)


def refusal(error: IngestError | NotStored) -> tuple[int, str, Mapping[str, str] | None]:
    """Status, message and headers for a reaction the server refused or could not store."""
    retry = getattr(error, "retry_after", None)
    return error.status, str(error), {"Retry-After": str(retry)} if retry else None


async def store(
    services: Services, board: Board, body: ReactionIn, request: Request, *, source: str
) -> Stored:
    """Validate and store one audience reaction. A refusal raises IngestError or
    NotStored, each carrying its HTTP status: the app answers them (see `refusal`)."""
    assert board.id is not None
    address = request.client.host if request.client else None
    draft = draft_reaction(
        board,
        source=source,
        text=body.text,
        emoji=body.emoji,
        author=body.author,
        external_id=body.client_id,
        max_text_length=services.settings.max_text_length,
        device=services.device_for(request.cookies.get(DEVICE_COOKIE), address),
        bans=services.bans.get(board.id, set()),
    )
    stored = await services.writer.submit(draft)
    if not stored.created and stored.reaction.device != draft.device:
        # Only the sender may hear a retry answered: anyone else holding the same id
        # would read a stored reaction, held or hidden ones included.
        raise IngestError(
            f"client_id {body.client_id!r} was already used by another sender; "
            "make a new random id for each reaction",
            status=409,
            reason="client_id",
        )
    return stored


@router.get("/boards/{slug}/tally", summary="Read the live tally", responses=ERRORS)
async def tally(board: BoardDep, services: ServicesDep) -> dict[str, Any]:
    """The live state: the same body as the websocket snapshot."""
    assert board.id is not None
    return {"type": "snapshot", "seq": services.hub.seq(board.id), **services.snapshot(board.id)}
