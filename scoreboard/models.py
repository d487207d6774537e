"""Database tables: boards, reactions, segments and server metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Board(SQLModel, table=True):
    """One talk's board: its public identity, settings and hashed organiser token."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=64)
    title: str = Field(max_length=200)
    join_code: str = Field(unique=True, index=True, max_length=16)
    hashtags: list[str] = Field(default_factory=list, sa_type=JSON)
    moderation: str = Field(default="auto", max_length=8)
    reactions: list[str] = Field(default_factory=list, sa_type=JSON)
    languages: list[str] = Field(default_factory=list, sa_type=JSON)
    ui_language: str = Field(default="auto", max_length=8)
    open: bool = Field(default=True)
    token_hash: str = Field(max_length=128)
    current_segment: str | None = Field(default=None, max_length=80)
    blocklist: list[str] = Field(default_factory=list, sa_type=JSON)
    hold_links: bool = True
    hold_mentions: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Reaction(SQLModel, table=True):
    """One message or tap from the audience or a network, scored and moderated."""

    __table_args__ = (
        Index("ix_reaction_dedupe", "board_id", "source", "external_id", unique=True),
        Index("ix_reaction_board_time", "board_id", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id")
    source: str = Field(max_length=16)
    external_id: str | None = Field(default=None, max_length=128)
    author: str | None = Field(default=None, max_length=80)
    text: str | None = Field(default=None, max_length=5000)
    emoji: str | None = Field(default=None, max_length=32)
    lang: str | None = Field(default=None, max_length=8)
    score: float = 0.0
    label: str = Field(default="neutral", max_length=8)
    status: str = Field(default="visible", max_length=8)
    pinned: bool = False
    received_at: datetime = Field(default_factory=utcnow)
    posted_at: datetime | None = None
    segment: str | None = Field(default=None, max_length=80)
    flag: str | None = Field(default=None, max_length=16)  # why a filter held it
    device: str | None = Field(default=None, max_length=32)  # keyed hash, for bans


class ReactionFacts(Protocol):
    """What tallies and live views read of a reaction: an ORM `Reaction` or a `ReactionRow`."""

    @property
    def id(self) -> int | None: ...
    @property
    def board_id(self) -> int: ...
    @property
    def source(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def text(self) -> str | None: ...
    @property
    def emoji(self) -> str | None: ...
    @property
    def lang(self) -> str | None: ...
    @property
    def score(self) -> float: ...
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def pinned(self) -> bool: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def segment(self) -> str | None: ...


class ReactionRow(NamedTuple):
    """A stored reaction as plain data, fields in the table's column order.

    The ingest path builds these instead of ORM objects: an instrumented `Reaction`
    costs more to construct than the rest of storing it. A tuple in column order is
    also the row's own list of INSERT parameters.
    """

    id: int
    board_id: int
    source: str
    external_id: str | None
    author: str | None
    text: str | None
    emoji: str | None
    lang: str | None
    score: float
    label: str
    status: str
    pinned: bool
    received_at: datetime
    posted_at: datetime | None
    segment: str | None
    flag: str | None
    device: str | None


class Segment(SQLModel, table=True):
    """A labelled stretch of a talk, started by the speaker."""

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    label: str = Field(max_length=80)
    started_at: datetime = Field(default_factory=utcnow)


class Ban(SQLModel, table=True):
    """A device or an author whose reactions are stored hidden from now on."""

    __table_args__ = (Index("ix_ban_unique", "board_id", "kind", "value", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    kind: str = Field(max_length=8)  # "device" or "author"
    value: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow)


class Meta(SQLModel, table=True):
    """Server-wide key/value facts, such as the admin token's hash."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=1024)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return as_utc(moment).isoformat().replace("+00:00", "Z")


def board_facts(board: Board) -> dict[str, Any]:
    """A board's public settings, as every page, socket and export names them."""
    return {
        "slug": board.slug,
        "title": board.title,
        "join_code": board.join_code,
        "hashtags": board.hashtags,
        "moderation": board.moderation,
        "reactions": board.reactions,
        "languages": board.languages,
        "ui_language": board.ui_language,
        "open": board.open,
        "segment": board.current_segment,
    }


def reaction_public(reaction: ReactionFacts) -> dict[str, Any]:
    """The fields a live board shows for one message (no device or moderation internals)."""
    return {
        "id": reaction.id,
        "source": reaction.source,
        "author": reaction.author,
        "text": reaction.text,
        "emoji": reaction.emoji,
        "lang": reaction.lang,
        "label": reaction.label,
        "score": round(reaction.score, 3),
        "pinned": reaction.pinned,
        "received_at": iso(reaction.received_at),
        "segment": reaction.segment,
    }
