"""Organiser API for moderation: list every reaction, and show, hold, hide or pin one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from scoreboard.deps import OrganiserDep, ServicesDep
from scoreboard.models import iso
from scoreboard.moderation import (
    ModerationError,
    ban_sender,
    hide_all,
    lift_ban,
    list_bans,
    list_reactions,
    moderate,
    status_counts,
    status_stats,
)
from scoreboard.routes.api import ERRORS, reaction_out
from scoreboard.schemas import MAX_ID, BanIn, BanOut, ReactionOut, Status

router = APIRouter(prefix="/api", tags=["moderation"])


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    pinned: bool | None = None


class ModeratedOut(ReactionOut):
    pinned: bool
    external_id: str | None
    flag: str | None = Field(description="Why a filter held it: blocklist, link, mention, noise…")


class ReactionPage(BaseModel):
    items: list[ModeratedOut]
    next_before: int | None
    counts: dict[str, int]


def _moderated(reaction: Any) -> ModeratedOut:
    return ModeratedOut(
        **reaction_out(reaction).model_dump(),
        pinned=reaction.pinned,
        external_id=reaction.external_id,
        flag=reaction.flag,
    )


@router.get(
    "/boards/{slug}/reactions",
    summary="List reactions",
    response_model=ReactionPage,
    responses=ERRORS,
)
def reactions(
    board: OrganiserDep,
    services: ServicesDep,
    status: Status | None = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ReactionPage:
    """Every reaction with its status, newest first; page with `before=next_before`."""
    assert board.id is not None
    with Session(services.engine) as session:
        items = list_reactions(session, board.id, status=status, before=before, limit=limit)
        counts = status_counts(session, board.id)
    next_before = items[-1].id if len(items) == limit else None
    return ReactionPage(
        items=[_moderated(r) for r in items], next_before=next_before, counts=counts
    )


@router.get("/boards/{slug}/stats", summary="Organiser statistics", responses=ERRORS)
def stats(board: OrganiserDep, services: ServicesDep) -> dict[str, Any]:
    """Count, mood and labels per status, held and hidden included (the public tally
    counts only visible reactions)."""
    assert board.id is not None
    with Session(services.engine) as session:
        return {"by_status": status_stats(session, board.id)}


@router.patch(
    "/boards/{slug}/reactions/{reaction_id}",
    summary="Moderate a reaction",
    response_model=ModeratedOut,
    responses=ERRORS,
)
def decide(
    board: OrganiserDep,
    reaction_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    decision: Decision,
    services: ServicesDep,
) -> ModeratedOut:
    """Approve (`visible`), hold, hide or pin a reaction; screens follow in the next tick."""
    if decision.status is None and decision.pinned is None:
        raise HTTPException(422, "send a status, pinned, or both")
    assert board.id is not None
    with Session(services.engine) as session:
        try:
            change = moderate(
                session, board.id, reaction_id, status=decision.status, pinned=decision.pinned
            )
        except ModerationError as error:
            raise HTTPException(404, str(error)) from error
    services.moderated(change)
    return _moderated(change.after)


@router.post(
    "/boards/{slug}/bans",
    summary="Ban a sender",
    status_code=201,
    response_model=BanOut,
    responses=ERRORS,
)
def ban(board: OrganiserDep, body: BanIn, services: ServicesDep) -> BanOut:
    """Ban the device or the author behind a reaction: their shown reactions are hidden,
    and what they send later is stored hidden (they are not told)."""
    assert board.id is not None
    with Session(services.engine, expire_on_commit=False) as session:
        try:
            made, shown = ban_sender(session, board.id, body.reaction_id, body.kind)
        except ModerationError as error:
            raise HTTPException(404, str(error)) from error
        services.bans.setdefault(board.id, set()).add((made.kind, made.value))
        for change in hide_all(session, board.id, shown):
            services.moderated(change)
    assert made.id is not None
    return BanOut(id=made.id, kind=made.kind, hidden=shown)


@router.get("/boards/{slug}/bans", summary="List bans", responses=ERRORS)
def bans(board: OrganiserDep, services: ServicesDep) -> list[dict[str, Any]]:
    """Bans on this board (device bans show no device value: it is a pseudonym)."""
    assert board.id is not None
    with Session(services.engine) as session:
        found = list_bans(session, board.id)
    return [
        {
            "id": b.id,
            "kind": b.kind,
            "value": b.value if b.kind == "author" else None,
            "created_at": iso(b.created_at),
        }
        for b in found
    ]


@router.delete(
    "/boards/{slug}/bans/{ban_id}", summary="Lift a ban", status_code=204, responses=ERRORS
)
def unban(
    board: OrganiserDep, ban_id: Annotated[int, Path(ge=1, le=MAX_ID)], services: ServicesDep
) -> Response:
    """Lift a ban; reactions hidden by it stay hidden until restored one by one."""
    assert board.id is not None
    with Session(services.engine) as session:
        lifted = lift_ban(session, board.id, ban_id)
    if lifted is None:
        raise HTTPException(404, f"no ban {ban_id} on this board")
    services.bans.get(board.id, set()).discard((lifted.kind, lifted.value))
    return Response(status_code=204)
