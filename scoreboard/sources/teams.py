"""Microsoft Teams outgoing-webhook source: HMAC Authorization check and a short reply."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from scoreboard.sources.base import (
    MAX_BODY_BYTES,
    Inbound,
    LimitedWebhook,
    Outcome,
    PayloadError,
    Post,
    SignatureError,
    hashtags_in,
    html_to_text,
    id_str,
    opt_dict,
    opt_str,
    parse_iso,
    parse_json_object,
)
from scoreboard.sources.signing import (
    b64,
    decode_b64_secret,
    hmac_sha256,
    require_header,
    require_secret,
    same,
)

DEFAULT_REPLY = "Thanks! Your message is on the board."
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)


def sign(security_token: str, body: bytes) -> str:
    """`HMAC ` + base64 HMAC-SHA256 of the body, keyed with the base64-decoded token."""
    key = decode_b64_secret(require_secret(security_token), "Teams security token")
    return "HMAC " + b64(hmac_sha256(key, body))


def verify(inbound: Inbound, secret: str) -> None:
    authorization = require_header(inbound, "authorization")
    if not same(sign(secret, inbound.body), authorization):
        raise SignatureError("bad HMAC Authorization header")


def strip_mentions(text: str) -> str:
    """Drop the `<at>Bot</at>` mention Teams puts in front, then any remaining markup."""
    return html_to_text(_MENTION.sub(" ", text))


def post_from(activity: Mapping[str, Any]) -> Post | None:
    activity_id = id_str(activity.get("id"))
    raw = activity.get("text")
    if activity_id is None or not isinstance(raw, str):
        raise PayloadError("message activity needs id and text", status=422)
    text = strip_mentions(raw)
    if not text:
        return None
    sender = opt_dict(activity.get("from")) or {}
    return Post(
        source="teams",
        external_id=activity_id,
        text=text,
        author=opt_str(sender.get("name")),
        posted_at=parse_iso(activity.get("timestamp")),
        tags=hashtags_in(text),
    )


class TeamsSource(LimitedWebhook):
    """`POST /hooks/{slug}/teams`; the secret is the base64 security token Teams shows."""

    name = "teams"

    def __init__(self, reply: str = DEFAULT_REPLY, max_body: int = MAX_BODY_BYTES) -> None:
        super().__init__(max_body)
        self.reply = reply

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome:
        self.admit(inbound)
        verify(inbound, secret)
        activity = parse_json_object(inbound.body)
        answer: dict[str, object] = {"type": "message", "text": self.reply}
        if activity.get("type") != "message":
            return Outcome(posts=[], body=answer)
        post = post_from(activity)
        return Outcome(posts=[post] if post else [], body=answer)
