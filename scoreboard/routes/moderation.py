"""Organiser API for moderation: list every reaction, and show, hold, hide or pin one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from scoreboard.deps import OrganiserDep, ServicesDep
from scoreboard.moderation import ModerationError, list_reactions, moderate, status_counts
from scoreboard.routes.api import ERRORS, reaction_out
from scoreboard.schemas import ReactionOut, Status

router = APIRouter(prefix="/api", tags=["moderation"])


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    pinned: bool | None = None


class ModeratedOut(ReactionOut):
    pinned: bool
    external_id: str | None


class ReactionPage(BaseModel):
    items: list[ModeratedOut]
    next_before: int | None
    counts: dict[str, int]


def _moderated(reaction: Any) -> ModeratedOut:
    return ModeratedOut(
        **reaction_out(reaction).model_dump(),
        pinned=reaction.pinned,
        external_id=reaction.external_id,
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
    before: Annotated[int | None, Query(ge=1)] = None,
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


@router.patch(
    "/boards/{slug}/reactions/{reaction_id}",
    summary="Moderate a reaction",
    response_model=ModeratedOut,
    responses=ERRORS,
)
def decide(
    board: OrganiserDep, reaction_id: int, decision: Decision, services: ServicesDep
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
