"""Slack Events API source: signing-secret v0 verification, URL challenge, message events."""

from __future__ import annotations

import hashlib
import hmac
import re
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
    hashtags_in,
    opt_dict,
    opt_str,
    parse_json_object,
    unescape,
    valid_id,
)
from scoreboard.sources.signing import check_timestamp, require_header, require_secret, same

_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` keyed with the signing secret."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(inbound: Inbound, secret: str, now: datetime) -> None:
    signature = require_header(inbound, "x-slack-signature")
    timestamp = require_header(inbound, "x-slack-request-timestamp")
    check_timestamp(timestamp, now)
    if not same(sign(require_secret(secret), timestamp, inbound.body), signature):
        raise SignatureError("bad X-Slack-Signature")


def _link_text(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return (target[0] if target[:1] in ("#", "@") else "") + label
    if target.startswith("!"):
        return "@" + target[1:].split("^")[0]
    return target


def plain_text(mrkdwn: str) -> str:
    """Slack's escaped text as plain text: `<url|label>` -> label, `&amp;` -> `&`."""
    return unescape(_LINK.sub(_link_text, mrkdwn)).strip()


def tags_of(mrkdwn: str) -> tuple[str, ...]:
    """Hashtags typed in the message; channel links such as `<#C1|general>` are not tags."""
    return hashtags_in(unescape(_LINK.sub(" ", mrkdwn)))


def is_person_message(event: dict[str, Any]) -> bool:
    """A new message typed by a person: not a bot, not an edit, delete or join notice."""
    if event.get("type") != "message":
        return False
    if event.get("subtype") is not None or event.get("bot_id") or event.get("bot_profile"):
        return False
    return isinstance(event.get("text"), str) and bool(event["text"].strip())


def post_from(envelope: dict[str, Any], event: dict[str, Any]) -> Post:
    text = plain_text(event["text"])
    channel = opt_str(event.get("channel")) or ""
    ts = opt_str(event.get("ts")) or ""
    # event_id is what Slack repeats on retries (X-Slack-Retry-Num); channel+ts is a fallback.
    external_id = opt_str(envelope.get("event_id")) or f"{channel}:{ts}"
    if external_id == ":":
        raise PayloadError("message has neither event_id nor channel/ts", status=422)
    return Post(
        source="slack",
        external_id=external_id,
        text=text,
        author=opt_str(event.get("user")),
        posted_at=from_unix(ts) or from_unix(envelope.get("event_time")),
        tags=tags_of(event["text"]),
    )


class SlackSource(LimitedWebhook):
    """`POST /hooks/{slug}/slack`; the secret is the app's Signing Secret."""

    name = "slack"

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome:
        self.admit(inbound)
        verify(inbound, secret, now)
        payload = parse_json_object(inbound.body)
        kind = payload.get("type")
        if kind == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                raise PayloadError("url_verification without a challenge", status=422)
            return Outcome(posts=[], body={"challenge": valid_id(challenge, "the challenge")})
        if kind != "event_callback":
            return Outcome(posts=[])
        event = opt_dict(payload.get("event"))
        if event is None:
            raise PayloadError("event_callback without an event object", status=422)
        if not is_person_message(event):
            return Outcome(posts=[])
        return Outcome(posts=[post_from(payload, event)])
