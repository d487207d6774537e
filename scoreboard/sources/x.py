"""X (Twitter) Account Activity API source: CRC handshake and signed tweet_create_events."""

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
    id_str,
    opt_dict,
    opt_list,
    opt_str,
    parse_json_object,
    unescape,
    unique_tags,
    utc_or_none,
)
from scoreboard.sources.signing import b64, hmac_sha256, require_header, require_secret, same

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def sign(consumer_secret: str, message: bytes) -> str:
    """`sha256=` + base64 HMAC-SHA256 keyed with the app's consumer secret."""
    return "sha256=" + b64(hmac_sha256(consumer_secret.encode(), message))


def crc_response(inbound: Inbound, secret: str) -> Outcome:
    token = inbound.query.get("crc_token")
    if not token:
        raise PayloadError("GET without crc_token")
    response_token = sign(require_secret(secret), token.encode())
    return Outcome(posts=[], body={"response_token": response_token})


def verify(inbound: Inbound, secret: str) -> None:
    signature = require_header(inbound, SIGNATURE_HEADER)
    if not same(sign(require_secret(secret), inbound.body), signature):
        raise SignatureError("bad x-twitter-webhooks-signature")


def parse_twitter_time(value: object) -> datetime | None:
    """`Mon May 04 09:59:30 +0000 2026` as aware UTC; None when unreadable or out of range."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value, TWITTER_TIME)
    except ValueError:
        return None
    return utc_or_none(moment)


def _text_and_entities(tweet: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    """Long tweets carry their whole text and entities in `extended_tweet`."""
    extended = opt_dict(tweet.get("extended_tweet"))
    if extended is not None and opt_str(extended.get("full_text")):
        return extended["full_text"], opt_dict(extended.get("entities")) or {}
    text = opt_str(tweet.get("full_text")) or opt_str(tweet.get("text"))
    return text, opt_dict(tweet.get("entities")) or {}


def post_from(tweet: Mapping[str, Any]) -> Post | None:
    """A Post for an original tweet, reply or quote; None for retweets (no new words)."""
    if tweet.get("retweeted_status") is not None:
        return None
    tweet_id = id_str(tweet.get("id_str")) or id_str(tweet.get("id"))
    text, entities = _text_and_entities(tweet)
    if tweet_id is None or text is None:
        raise PayloadError("tweet needs id_str and text", status=422)
    hashtags = opt_list(entities.get("hashtags"))
    tags = [opt_str(tag.get("text")) or "" for tag in hashtags if isinstance(tag, dict)]
    user = opt_dict(tweet.get("user")) or {}
    screen_name = opt_str(user.get("screen_name"))
    lang = opt_str(tweet.get("lang"))
    return Post(
        source="x",
        external_id=tweet_id,
        text=unescape(text).strip(),
        author=f"@{screen_name}" if screen_name else opt_str(user.get("name")),
        posted_at=parse_twitter_time(tweet.get("created_at")),
        tags=unique_tags(tags),
        lang=None if lang in (None, "und") else lang,
    )


class XSource(LimitedWebhook):
    """`GET|POST /hooks/{slug}/x`; the secret is the app's consumer (API) secret."""

    name = "x"

    def handle(self, inbound: Inbound, secret: str, now: datetime) -> Outcome:
        self.admit(inbound, "GET", "POST")
        if inbound.method == "GET":
            return crc_response(inbound, secret)
        verify(inbound, secret)
        payload = parse_json_object(inbound.body)
        events = payload.get("tweet_create_events")
        if events is None:
            return Outcome(posts=[])
        if not isinstance(events, list):
            raise PayloadError("tweet_create_events must be a list", status=422)
        posts = [post_from(tweet) for tweet in events if isinstance(tweet, dict)]
        return Outcome(posts=[post for post in posts if post is not None])
