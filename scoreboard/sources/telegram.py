"""Telegram Bot API webhook source: secret-token header check and message/channel_post updates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from scoreboard.sources.base import (
    Inbound,
    LimitedWebhook,
    Outcome,
    PayloadError,
    Post,
    SignatureError,
    from_unix,
    id_str,
    opt_dict,
    opt_list,
    opt_str,
    parse_json_object,
    unique_tags,
)
from scoreboard.sources.signing import require_header, require_secret, same

AUTH_HEADER = "x-telegram-bot-api-secret-token"
NEW_POST_KEYS = ("message", "channel_post")  # edited_* updates are ignored on purpose


def verify(inbound: Inbound, secret: str) -> None:
    """Telegram does not sign bodies; it echoes setWebhook's `secret_token` in a header."""
    given = require_header(inbound, AUTH_HEADER)
    if not same(require_secret(secret), given):
        raise SignatureError("bad X-Telegram-Bot-Api-Secret-Token")


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Entity offsets and lengths count UTF-16 code units, not Python characters.

    A lone surrogate (JSON allows `\\ud800`) is one unit, as Telegram counts it; it is
    dropped from the slice, which is always valid Unicode.
    """
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    return encoded[2 * offset : 2 * (offset + length)].decode("utf-16-le", errors="ignore")


def _entity_span(entity: Mapping[str, Any]) -> tuple[int, int] | None:
    offset, length = entity.get("offset"), entity.get("length")
    if type(offset) is not int or type(length) is not int or offset < 0 or length <= 0:
        return None
    return offset, length


def hashtags_from_entities(text: str, entities: list[Any]) -> tuple[str, ...]:
    """Tags from `hashtag` entities; `#tag@chatname` keeps only `tag`."""
    found: list[str] = []
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") != "hashtag":
            continue
        span = _entity_span(entity)
        if span is not None:
            found.append(utf16_slice(text, *span).lstrip("#").split("@", 1)[0])
    return unique_tags(found)


def author_of(message: Mapping[str, Any]) -> str | None:
    sender = opt_dict(message.get("from"))
    if sender is not None:
        username = opt_str(sender.get("username"))
        if username:
            return f"@{username}"
        names = [opt_str(sender.get("first_name")), opt_str(sender.get("last_name"))]
        return " ".join(name for name in names if name) or None
    chat = opt_dict(message.get("sender_chat")) or opt_dict(message.get("chat")) or {}
    return opt_str(message.get("author_signature")) or opt_str(chat.get("title"))


def post_from(message: Mapping[str, Any]) -> Post | None:
    """A Post for a text or captioned message, or None for stickers, joins and the like."""
    chat = opt_dict(message.get("chat"))
    message_id = id_str(message.get("message_id"))
    chat_id = id_str(chat.get("id")) if chat else None
    if chat_id is None or message_id is None:
        raise PayloadError("message needs chat.id and message_id", status=422)
    text = opt_str(message.get("text"))
    entities = opt_list(message.get("entities"))
    if text is None:
        text = opt_str(message.get("caption"))
        entities = opt_list(message.get("caption_entities"))
    if text is None or not text.strip():
        return None
    return Post(
        source="telegram",
        external_id=f"{chat_id}:{message_id}",
        text=text.strip(),
        author=author_of(message),
        posted_at=from_unix(message.get("date")),
        tags=hashtags_from_entities(text, entities),
    )


def is_from_bot(message: Mapping[str, Any]) -> bool:
    sender = opt_dict(message.get("from"))
    return bool(sender and sender.get("is_bot") is True)


class TelegramSource(LimitedWebhook):
    """`POST /hooks/{slug}/telegram`; the secret is the `secret_token` given to setWebhook."""

    name = "telegram"

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome:
        self.admit(inbound)
        verify(inbound, secret)
        update = parse_json_object(inbound.body)
        if id_str(update.get("update_id")) is None:
            raise PayloadError("not a Telegram Update: no update_id", status=422)
        for key in NEW_POST_KEYS:
            message = opt_dict(update.get(key))
            if message is not None and not is_from_bot(message):
                post = post_from(message)
                return Outcome(posts=[post] if post else [])
        return Outcome(posts=[])
