"""Request and response bodies of the JSON API, validated at the edge."""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from scoreboard.text import clean_text

DEFAULT_REACTIONS = ["👏", "❤️", "😂", "🤯", "🤔", "👎"]
Language = Literal["en", "nl"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = get_args(Language)
"""The languages the scorer has words for; a board has one or both."""


def _each_once(languages: list[Language]) -> list[Language]:
    return list(dict.fromkeys(languages))


BoardLanguages = Annotated[
    list[Language], Field(min_length=1, max_length=2), AfterValidator(_each_once)
]
"""A board's languages, in the API and in the server's default: one or both, each once
("nl,nl" is a Dutch board)."""
UiLanguage = Literal["auto", "en", "nl"]
Moderation = Literal["auto", "pre"]
Status = Literal["visible", "held", "hidden"]

_TAG = re.compile(r"^\w{1,50}$")
_NOT_EMOJI = re.compile(r"[\sA-Za-z0-9<>&\"'`\\/=]")
MAX_ID = 2**63 - 1
"""The largest row id SQLite stores: a bigger one in a URL or body is a 422, not a 500."""
REACTION_LIMITS = {"text": 5000, "emoji": 32, "author": 200, "client_id": 64}
"""Longest value of each field of a reaction, in characters, whichever route sends it."""
_CLIENT_ID = re.compile(rf"^[A-Za-z0-9_\-:.]{{1,{REACTION_LIMITS['client_id']}}}$")


def _clean_tags(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    tags: list[str] = []
    for raw in value:
        tag = raw.strip().lstrip("#").lower()
        if not _TAG.match(tag):
            raise ValueError(f"hashtag {raw!r} must be letters, digits or _ (at most 50)")
        if tag not in tags:
            tags.append(tag)
    return tags


def shown_text(value: str) -> str:
    """A title or label an organiser typed, as every page and export can show it: control
    characters and lone surrogates out (one of them in a title broke each page that showed
    it), whitespace folded; refused when nothing is left."""
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("must hold some visible text")
    return cleaned


def _clean_reactions(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    emoji: list[str] = []
    for raw in value:
        item = raw.strip()
        broken = clean_text(item) != item  # a lone surrogate or a control character
        if not item or len(item) > 16 or broken or _NOT_EMOJI.search(item):
            raise ValueError(f"{raw!r} is not an emoji; give each reaction as one emoji")
        if item not in emoji:
            emoji.append(item)
    return emoji


class _BoardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hashtags: Annotated[list[str], Field(max_length=10)] | None = None
    moderation: Moderation | None = None
    reactions: Annotated[list[str], Field(min_length=1, max_length=12)] | None = None
    languages: BoardLanguages | None = None
    ui_language: UiLanguage | None = None

    _tags = field_validator("hashtags")(_clean_tags)
    _emoji = field_validator("reactions")(_clean_reactions)


class BoardCreate(_BoardSettings):
    """A new board; everything but the title has a default."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")] | None = None

    _title = field_validator("title")(shown_text)


class BoardUpdate(_BoardSettings):
    """Settings to change; fields left out stay as they are."""

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    open: bool | None = None
    blocklist: (
        Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=500)]
        | None
    ) = Field(
        None,
        description="Extra words that hold a message; `word*` also matches words starting with it.",
    )
    hold_links: bool | None = Field(None, description="Hold messages with links for review.")
    hold_mentions: bool | None = Field(None, description="Hold messages with @mentions for review.")

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        return None if value is None else shown_text(value)

    @field_validator("blocklist")
    @classmethod
    def _words(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        words = []
        for raw in value:
            word = raw.strip().lower()
            if clean_text(word) != word or not re.fullmatch(r"[^\s*]+\*?", word):
                raise ValueError(f"{raw!r}: one word per entry, optionally ending in *")
            if word not in words:
                words.append(word)
        return words


class BoardPublic(BaseModel):
    slug: str
    title: str
    join_code: str
    hashtags: list[str]
    moderation: str
    reactions: list[str]
    languages: list[str]
    ui_language: str
    open: bool
    segment: str | None
    join_url: str
    screen_url: str


class BoardSettings(BoardPublic):
    """What the organiser sees: the public facts plus the moderation settings."""

    blocklist: list[str]
    hold_links: bool
    hold_mentions: bool


class BanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reaction_id: int = Field(ge=1, le=MAX_ID, description="A reaction of the sender to ban.")
    kind: Literal["device", "author"] = "device"


class BanOut(BaseModel):
    id: int
    kind: str
    hidden: list[int] = Field(description="Ids of the sender's reactions hidden by this ban.")


class BoardCreated(BoardPublic):
    token: str = Field(description="The board's organiser token. Shown once: keep it.")


class ReactionIn(BaseModel):
    """A tap, a comment, or both."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(max_length=REACTION_LIMITS["text"])] | None = None
    emoji: Annotated[str, Field(max_length=REACTION_LIMITS["emoji"])] | None = None
    author: Annotated[str, Field(max_length=REACTION_LIMITS["author"])] | None = None
    client_id: str | None = Field(
        None,
        description=(
            "Client-made id: a retry with the same id is stored once. Make it random; "
            "a UUIDv7 (time first) keeps the database's index compact."
        ),
    )

    @field_validator("client_id")
    @classmethod
    def _client_id(cls, value: str | None) -> str | None:
        if value is not None and not _CLIENT_ID.match(value):
            raise ValueError("client_id must be 1-64 letters, digits or - _ : .")
        return value


class ReactionOut(BaseModel):
    id: int
    source: str
    author: str | None
    text: str | None
    emoji: str | None
    lang: str | None
    label: str
    score: float
    status: str
    segment: str | None
    received_at: str


class ErrorBody(BaseModel):
    detail: str
