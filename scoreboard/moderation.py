"""Organiser decisions on single reactions: show, hold, hide, pin."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from scoreboard.filters import fold
from scoreboard.models import Ban, Reaction

STATUSES = ("visible", "held", "hidden")


class ModerationError(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Change:
    before: Reaction
    after: Reaction
    unpinned: list[int]


def moderate(
    session: Session,
    board_id: int,
    reaction_id: int,
    *,
    status: str | None = None,
    pinned: bool | None = None,
) -> Change:
    """Apply a decision; pinning one reaction unpins the board's others."""
    reaction = session.get(Reaction, reaction_id)
    if reaction is None or reaction.board_id != board_id:
        raise ModerationError(f"no reaction {reaction_id} on this board")
    before = reaction.model_copy()
    unpinned: list[int] = []
    if status is not None:
        reaction.status = status
    if pinned is not None:
        reaction.pinned = pinned
    if pinned:
        unpinned = _unpin_others(session, board_id, reaction_id)
    session.add(reaction)
    session.commit()
    session.refresh(reaction)
    return Change(before, reaction.model_copy(), unpinned)


def hide_all(session: Session, board_id: int, reaction_ids: list[int]) -> list[Change]:
    """Hide many of a board's reactions in one commit (a ban sweeping a sender's messages)."""
    query = select(Reaction).where(
        Reaction.board_id == board_id, col(Reaction.id).in_(reaction_ids)
    )
    reactions = list(session.exec(query))
    befores = [reaction.model_copy() for reaction in reactions]
    for reaction in reactions:
        reaction.status = "hidden"
        session.add(reaction)
    session.commit()
    return [
        Change(before, reaction.model_copy(), [])
        for before, reaction in zip(befores, reactions, strict=True)
    ]


def _unpin_others(session: Session, board_id: int, keep: int) -> list[int]:
    query = select(Reaction.id).where(
        Reaction.board_id == board_id, col(Reaction.pinned).is_(True), Reaction.id != keep
    )
    ids = [i for i in session.exec(query) if i is not None]
    if ids:
        session.execute(update(Reaction).where(col(Reaction.id).in_(ids)).values(pinned=False))
    return ids


def list_reactions(
    session: Session,
    board_id: int,
    *,
    status: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[Reaction]:
    """Newest first; `before` is the smallest id of the previous page."""
    query = select(Reaction).where(Reaction.board_id == board_id)
    if status:
        query = query.where(Reaction.status == status)
    if before:
        query = query.where(col(Reaction.id) < before)
    return list(session.exec(query.order_by(col(Reaction.id).desc()).limit(limit)))


def status_counts(session: Session, board_id: int) -> dict[str, int]:
    query = (
        select(Reaction.status, func.count())
        .where(Reaction.board_id == board_id)
        .group_by(Reaction.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in session.exec(query):
        counts[status] = count
    return counts


def load_bans(session: Session) -> dict[int, set[tuple[str, str]]]:
    bans: dict[int, set[tuple[str, str]]] = {}
    for ban in session.exec(select(Ban)):
        bans.setdefault(ban.board_id, set()).add((ban.kind, ban.value))
    return bans


def ban_sender(
    session: Session, board_id: int, reaction_id: int, kind: str
) -> tuple[Ban, list[int]]:
    """Ban the device or the author behind a reaction; returns the ban and the ids of
    that sender's reactions that are still shown (the caller hides them)."""
    reaction = session.get(Reaction, reaction_id)
    if reaction is None or reaction.board_id != board_id:
        raise ModerationError(f"no reaction {reaction_id} on this board")
    value = (
        reaction.device
        if kind == "device"
        else (fold(reaction.author) if reaction.author else None)
    )
    if not value:
        raise ModerationError(f"reaction {reaction_id} has no {kind} to ban")
    query = select(Reaction).where(Reaction.board_id == board_id, Reaction.status != "hidden")
    if kind == "device":  # an exact pseudonym: SQL can match it
        found = session.exec(query.where(Reaction.device == value))
        ids = [r.id for r in found if r.id is not None]
    else:  # names match however they are written (case, accents): fold each
        found = session.exec(query.where(col(Reaction.author).is_not(None)))
        ids = [r.id for r in found if r.id is not None and fold(r.author or "") == value]
    ban = session.exec(
        select(Ban).where(Ban.board_id == board_id, Ban.kind == kind, Ban.value == value)
    ).first()
    if ban is None:
        ban = Ban(board_id=board_id, kind=kind, value=value)
        session.add(ban)
        session.commit()
        session.refresh(ban)
    return ban, ids


def list_bans(session: Session, board_id: int) -> list[Ban]:
    return list(session.exec(select(Ban).where(Ban.board_id == board_id).order_by(col(Ban.id))))


def lift_ban(session: Session, board_id: int, ban_id: int) -> Ban | None:
    ban = session.get(Ban, ban_id)
    if ban is None or ban.board_id != board_id:
        return None
    session.delete(ban)
    session.commit()
    return ban


def status_stats(session: Session, board_id: int) -> dict[str, dict[str, float]]:
    """Count, mood and labels per status: held and hidden sentiment, for organisers only."""
    query = (
        select(Reaction.status, Reaction.label, func.count(), func.sum(Reaction.score))
        .where(Reaction.board_id == board_id)
        .group_by(Reaction.status, Reaction.label)
    )
    stats: dict[str, dict[str, float]] = {}
    for status, label, count, total in session.exec(query):
        row = stats.setdefault(status, {"count": 0, "score_sum": 0.0})
        row["count"] += count
        row["score_sum"] += total or 0.0
        row[label] = row.get(label, 0) + count
    everything = {"count": 0, "score_sum": 0.0}
    for row in stats.values():
        everything["count"] += row["count"]
        everything["score_sum"] += row["score_sum"]
    stats["all"] = everything
    return {
        status: {
            "count": row["count"],
            "mood": round(row["score_sum"] / row["count"], 3) if row["count"] else 0.0,
            **{label: row.get(label, 0) for label in ("positive", "neutral", "negative")},
        }
        for status, row in stats.items()
    }
