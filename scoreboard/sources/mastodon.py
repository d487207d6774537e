"""Mastodon admin-webhook source (`status.created`), plus the Status parser the stream reuses."""

from __future__ import annotations

import hashlib
import hmac
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
    html_to_text,
    id_str,
    opt_dict,
    opt_list,
    opt_str,
    parse_iso,
    parse_json_object,
    unique_tags,
)
from scoreboard.sources.signing import require_header, require_secret, same

PUBLIC_VISIBILITIES = frozenset({"public", "unlisted"})


def sign(secret: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of the body, as Mastodon's webhook worker sends it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(inbound: Inbound, secret: str) -> None:
    signature = require_header(inbound, "x-hub-signature")
    if not same(sign(require_secret(secret), inbound.body), signature.lower()):
        raise SignatureError("bad X-Hub-Signature")


def author_of(account: Mapping[str, Any] | None) -> str | None:
    if account is None:
        return None
    acct = opt_str(account.get("acct"))
    name = opt_str(account.get("display_name"))
    if name and acct:
        return f"{name} (@{acct})"
    return name or (f"@{acct}" if acct else None)


def is_shareable(status: Mapping[str, Any]) -> bool:
    """Public or unlisted originals only: never boosts, and never private or direct posts."""
    if status.get("reblog"):
        return False
    visibility = status.get("visibility", "public")
    return isinstance(visibility, str) and visibility in PUBLIC_VISIBILITIES


def post_from_status(status: Mapping[str, Any]) -> Post:
    """A Mastodon Status entity (REST, streaming or webhook) as a Post."""
    status_id = id_str(status.get("id"))
    content = status.get("content")
    if status_id is None or not isinstance(content, str):
        raise PayloadError("status needs an id and HTML content", status=422)
    text = html_to_text(content)
    spoiler = opt_str(status.get("spoiler_text"))
    if spoiler:
        text = f"{spoiler}\n\n{text}".strip()
    tags = [opt_str(tag.get("name")) or "" for tag in opt_list(status.get("tags")) if opt_dict(tag)]
    return Post(
        source="mastodon",
        external_id=status_id,
        text=text,
        author=author_of(opt_dict(status.get("account"))),
        posted_at=parse_iso(status.get("created_at")),
        tags=unique_tags(tags),
        lang=opt_str(status.get("language")),
    )


class MastodonWebhookSource(LimitedWebhook):
    """`POST /hooks/{slug}/mastodon`; the secret is the admin webhook's secret."""

    name = "mastodon"

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome:
        self.admit(inbound)
        verify(inbound, secret)
        payload = parse_json_object(inbound.body)
        if payload.get("event") != "status.created":
            return Outcome(posts=[])
        status = opt_dict(payload.get("object"))
        if status is None:
            raise PayloadError("status.created without an object", status=422)
        if not is_shareable(status):
            return Outcome(posts=[])
        post = post_from_status(status)
        return Outcome(posts=[post] if post.text else [])
