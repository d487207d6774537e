"""Social sources: webhook handlers by name, pull connectors and the hashtag rule."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from scoreboard.sources.base import (
    CHAT_SOURCES,
    MAX_BODY_BYTES,
    ConfigError,
    ConnectorStatus,
    Inbound,
    Outcome,
    PayloadError,
    Post,
    SignatureError,
    SourceError,
    StaleError,
    WebhookSource,
    matches,
)
from scoreboard.sources.jetstream import JetstreamFollower
from scoreboard.sources.mastodon import MastodonWebhookSource
from scoreboard.sources.mastodon_stream import MastodonTagFollower
from scoreboard.sources.slack import SlackSource
from scoreboard.sources.standard import StandardWebhookSource
from scoreboard.sources.teams import TeamsSource
from scoreboard.sources.telegram import TelegramSource
from scoreboard.sources.x import XSource

WEBHOOK_SOURCES: Mapping[str, WebhookSource] = MappingProxyType(
    {
        source.name: source
        for source in (
            StandardWebhookSource(),
            SlackSource(),
            MastodonWebhookSource(),
            TelegramSource(),
            XSource(),
            TeamsSource(),
        )
    }
)
"""`{source}` path segment -> handler; the handlers keep no state between requests."""


def webhook_source(name: str) -> WebhookSource | None:
    """The handler for `POST /hooks/{slug}/{name}`, or None for an unknown source."""
    return WEBHOOK_SOURCES.get(name)


__all__ = [
    "CHAT_SOURCES",
    "MAX_BODY_BYTES",
    "WEBHOOK_SOURCES",
    "ConfigError",
    "ConnectorStatus",
    "Inbound",
    "JetstreamFollower",
    "MastodonTagFollower",
    "Outcome",
    "PayloadError",
    "Post",
    "SignatureError",
    "SourceError",
    "StaleError",
    "WebhookSource",
    "matches",
    "webhook_source",
]
