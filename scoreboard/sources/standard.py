"""Generic `webhook` source: any sender that signs with the Standard Webhooks scheme."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scoreboard.sources.base import (
    Inbound,
    LimitedWebhook,
    Outcome,
    PayloadError,
    Post,
    SignatureError,
    hashtags_in,
    opt_str,
    parse_iso,
    parse_json_object,
)
from scoreboard.sources.signing import (
    b64,
    check_timestamp,
    decode_b64_secret,
    hmac_sha256,
    require_header,
    require_secret,
    same,
)

KEY_PREFIX = "whsec_"
MAX_ID_LENGTH = 128  # the reactions table's external_id column


def signing_key(secret: str) -> bytes:
    """`whsec_<base64>` (the prefix is optional) as HMAC key bytes."""
    raw = require_secret(secret).strip()
    raw = raw.removeprefix(KEY_PREFIX)
    return decode_b64_secret(raw, "Standard Webhooks secret")


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of `{id}.{timestamp}.{body}`."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + b64(hmac_sha256(key, content))


def verify(inbound: Inbound, secret: str, now: datetime) -> str:
    """Check id, timestamp and signature headers; return the webhook id."""
    msg_id = require_header(inbound, "webhook-id")
    raw_timestamp = require_header(inbound, "webhook-timestamp")
    signatures = require_header(inbound, "webhook-signature")
    timestamp = check_timestamp(raw_timestamp, now)
    expected = sign(signing_key(secret), msg_id, timestamp, inbound.body)
    # Several space-separated signatures may be sent while a secret rotates.
    candidates = [part for part in signatures.split(" ") if part.startswith("v1,")]
    if not any(same(expected, candidate) for candidate in candidates):
        raise SignatureError("no valid v1 signature")
    return msg_id


def post_from(payload: dict[str, Any], msg_id: str) -> Post:
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise PayloadError("`text` must be a non-empty string", status=422)
    given_id = payload.get("id")
    if given_id is not None and not isinstance(given_id, (str, int)):
        raise PayloadError("`id` must be a string or integer", status=422)
    external_id = str(given_id) if given_id not in (None, "") else msg_id
    if len(external_id) > MAX_ID_LENGTH:
        raise PayloadError(f"id longer than {MAX_ID_LENGTH} characters", status=422)
    return Post(
        source="webhook",
        external_id=external_id,
        text=text.strip(),
        author=opt_str(payload.get("author")),
        posted_at=parse_iso(payload.get("created_at")),
        tags=hashtags_in(text),
        lang=opt_str(payload.get("lang")),
    )


class StandardWebhookSource(LimitedWebhook):
    """`POST /hooks/{slug}/webhook` with body `{text, author?, id?, created_at?, lang?}`."""

    name = "webhook"

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome:
        self.admit(inbound)
        msg_id = verify(inbound, secret, now)
        payload = parse_json_object(inbound.body)
        return Outcome(posts=[post_from(payload, msg_id)])
