"""Per-board network settings: which sources are on, their secrets, and where feeds resume."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from scoreboard.models import iso, utcnow
from scoreboard.sources import WEBHOOK_SOURCES, ConfigError
from scoreboard.sources.base import CHAT_SOURCES, normalise_tag
from scoreboard.sources.jetstream import DEFAULT_URL as JETSTREAM_URL
from scoreboard.sources.signing import decode_b64_secret
from scoreboard.sources.standard import signing_key

PULL_SOURCES = ("bluesky", "mastodon_feed")
"""Followed public streams; `mastodon_feed` differs from the `mastodon` admin webhook."""

MAX_SECRET_LENGTH = 512
_TELEGRAM_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_MASK_PREFIXES = ("whsec_",)


def known_sources() -> tuple[str, ...]:
    return (*WEBHOOK_SOURCES, *PULL_SOURCES)


def is_pull(source: str) -> bool:
    return source in PULL_SOURCES


class SourceConfig(SQLModel, table=True):
    """One network connected to one board; `secret` is kept in plain text for HMAC checks."""

    __table_args__ = (UniqueConstraint("board_id", "source", name="uq_sourceconfig_board"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    source: str = Field(max_length=16)
    enabled: bool = False
    secret: str | None = Field(default=None, max_length=MAX_SECRET_LENGTH)
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    position: str | None = Field(default=None, max_length=4000)
    updated_at: datetime = Field(default_factory=utcnow)

    def __repr__(self) -> str:  # never let a secret reach a log line through repr()
        return f"SourceConfig(board_id={self.board_id}, source={self.source!r})"

    __str__ = __repr__


class SourceConfigError(ValueError):
    """A source setting we refuse, with the HTTP status and a message for people."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class SourceChange:
    """What an organiser sends; None leaves the stored value as it is."""

    enabled: bool
    secret: str | None = None
    url: str | None = None
    instance: str | None = None
    token: str | None = None
    tag: str | None = None
    require_hashtag: bool | None = None


def unknown_source_message(source: str) -> str:
    return f"unknown source {source!r}; use one of {', '.join(known_sources())}"


def get_config(session: Session, board_id: int, source: str) -> SourceConfig | None:
    query = select(SourceConfig).where(
        SourceConfig.board_id == board_id, SourceConfig.source == source
    )
    return session.exec(query).first()


def list_configs(session: Session, board_id: int) -> list[SourceConfig]:
    query = select(SourceConfig).where(SourceConfig.board_id == board_id)
    return sorted(session.exec(query), key=lambda config: known_sources().index(config.source))


def enabled_pull_configs(session: Session) -> list[SourceConfig]:
    query = select(SourceConfig).where(
        SourceConfig.enabled == True,  # noqa: E712  (SQL expression, not a Python test)
        SourceConfig.source.in_(PULL_SOURCES),  # type: ignore[attr-defined]
    )
    return list(session.exec(query))


def put_config(session: Session, board_id: int, source: str, change: SourceChange) -> SourceConfig:
    """Create or update a board's source after checking the fields fit that source."""
    if source not in known_sources():
        raise SourceConfigError(unknown_source_message(source), status=404)
    _check_fields(source, change)
    config = get_config(session, board_id, source) or SourceConfig(board_id=board_id, source=source)
    secret = change.token if source == "mastodon_feed" else change.secret
    if secret is not None:
        config.secret = _checked_secret(source, secret)
    config.settings = {**config.settings, **_settings_of(source, change)}
    if change.enabled:
        _check_complete(config)
    config.enabled = change.enabled
    config.updated_at = utcnow()
    session.add(config)
    session.commit()
    session.refresh(config)
    return config


def save_position(session: Session, board_id: int, source: str, position: str | None) -> None:
    """Remember where a pull source got to, so a restart resumes there."""
    config = get_config(session, board_id, source)
    if config is None or config.position == position:
        return
    config.position = position
    session.add(config)
    session.commit()


# --- validation -----------------------------------------------------------------------

_FIELDS_BY_SOURCE: dict[str, frozenset[str]] = {
    "bluesky": frozenset({"url"}),
    "mastodon_feed": frozenset({"instance", "token", "tag"}),
    **{name: frozenset({"secret", "require_hashtag"}) for name in CHAT_SOURCES},
}
_OPTIONAL = ("secret", "url", "instance", "token", "tag", "require_hashtag")


def _allowed_fields(source: str) -> frozenset[str]:
    return _FIELDS_BY_SOURCE.get(source, frozenset({"secret"}))


def _check_fields(source: str, change: SourceChange) -> None:
    allowed = _allowed_fields(source)
    extra = [
        name for name in _OPTIONAL if getattr(change, name) is not None and name not in allowed
    ]
    if extra:
        usable = ", ".join(sorted(allowed))
        raise SourceConfigError(f"{source} does not use {', '.join(extra)}; it takes {usable}")


def _checked_secret(source: str, secret: str) -> str:
    cleaned = secret.strip()
    if not cleaned or len(cleaned) > MAX_SECRET_LENGTH or any(ch.isspace() for ch in cleaned):
        raise SourceConfigError(
            f"the {source} secret must be 1 to {MAX_SECRET_LENGTH} characters without spaces"
        )
    try:
        if source == "webhook":
            signing_key(cleaned)
        elif source == "teams":
            decode_b64_secret(cleaned, "Teams security token")
    except ConfigError as error:
        raise SourceConfigError(
            f"{error.message}; paste it exactly as the platform shows it"
        ) from None
    if source == "telegram" and not _TELEGRAM_TOKEN.fullmatch(cleaned):
        raise SourceConfigError("a Telegram secret_token uses only A-Z, a-z, 0-9, _ and -")
    return cleaned


def _settings_of(source: str, change: SourceChange) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if change.url is not None:
        found["url"] = _checked_url(change.url, ("ws", "wss"), "url")
    if change.instance is not None:
        found["instance"] = _checked_url(change.instance, ("http", "https"), "instance").rstrip("/")
    if change.tag is not None:
        found["tag"] = normalise_tag(change.tag) or None
    if change.require_hashtag is not None:
        found["require_hashtag"] = change.require_hashtag
    return found


def _checked_url(value: str, schemes: tuple[str, ...], name: str) -> str:
    cleaned = value.strip()
    parts = urlsplit(cleaned)
    if parts.scheme not in schemes or not parts.netloc or len(cleaned) > 500:
        wanted = " or ".join(f"{scheme}://" for scheme in schemes)
        raise SourceConfigError(f"{name} must be a {wanted} URL, such as {_example(name)}")
    return cleaned


def _example(name: str) -> str:
    return JETSTREAM_URL if name == "url" else "https://mastodon.social"


def _check_complete(config: SourceConfig) -> None:
    if config.source == "mastodon_feed" and not config.settings.get("instance"):
        raise SourceConfigError("set instance (such as https://mastodon.social) before enabling")
    if config.source in WEBHOOK_SOURCES and not config.secret:
        raise SourceConfigError(f"set the {config.source} secret before enabling it")


# --- what organisers see ----------------------------------------------------------------


def mask(secret: str | None) -> str | None:
    """`whsec_…3f9a`: a known prefix and at most the last 4 characters of a long secret."""
    if not secret:
        return None
    prefix = next((p for p in _MASK_PREFIXES if secret.startswith(p)), "")
    rest = secret[len(prefix) :]
    return prefix + "…" + (rest[-4:] if len(rest) >= 16 else "")


def config_public(config: SourceConfig) -> dict[str, Any]:
    """A source's settings for the organiser page, with the secret masked."""
    settings = dict(config.settings)
    if config.source == "bluesky":
        settings.setdefault("url", JETSTREAM_URL)
    view: dict[str, Any] = {
        "source": config.source,
        "kind": "pull" if is_pull(config.source) else "webhook",
        "enabled": config.enabled,
        "secret": mask(config.secret),
        "settings": settings,
        "position": config.position,
        "updated_at": iso(config.updated_at),
    }
    return view
