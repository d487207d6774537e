"""X Account Activity API: CRC handshake and signed tweet_create_events."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from scoreboard.sources import matches
from scoreboard.sources.base import Inbound, PayloadError, SignatureError
from scoreboard.sources.x import XSource

CONSUMER_SECRET = "Hx7Qm1Rk2Zp9Wv4Ls8Nd3Ty6Bc5Fg0Ja1Ue2Io3Pq4Rs5Tu6Vw"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SOURCE = XSource()


def documented_signature(secret: str, message: bytes) -> str:
    """X's recipe: base64 of HMAC-SHA256 keyed with the consumer secret, `sha256=` prefix."""
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def tweet(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "created_at": "Mon May 04 09:59:30 +0000 2026",
        "id": 1787000000000000001,
        "id_str": "1787000000000000001",
        "text": "Short version #DevConf",
        "truncated": False,
        "user": {"id_str": "12", "name": "Ana", "screen_name": "ana_dev"},
        "entities": {"hashtags": [{"indices": [14, 22], "text": "DevConf"}]},
        "lang": "en",
    }
    return base | overrides


def delivery(payload: dict[str, Any] | bytes, *, secret: str = CONSUMER_SECRET) -> Inbound:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-Twitter-Webhooks-Signature": documented_signature(secret, body)}
    return Inbound(method="POST", headers=headers, body=body)


def events(*tweets: dict[str, Any]) -> dict[str, Any]:
    return {"for_user_id": "12", "tweet_create_events": list(tweets)}


def test_x_answers_the_crc_challenge_with_the_documented_response_token() -> None:
    token = "9b4507b3-9040-4669-9ca3-6b94edb50553"
    inbound = Inbound(method="GET", headers={}, body=b"", query={"crc_token": token})
    outcome = SOURCE.handle(inbound, CONSUMER_SECRET, NOW)
    assert outcome.posts == []
    assert outcome.status == 200
    assert outcome.body == {"response_token": documented_signature(CONSUMER_SECRET, token.encode())}


def test_x_crc_without_a_token_is_a_bad_request() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(Inbound(method="GET", headers={}, body=b""), CONSUMER_SECRET, NOW)
    assert caught.value.status == 400


def test_x_turns_tweet_create_events_into_posts() -> None:
    [post] = SOURCE.handle(delivery(events(tweet())), CONSUMER_SECRET, NOW).posts
    assert post.source == "x"
    assert post.external_id == "1787000000000000001"
    assert post.text == "Short version #DevConf"
    assert post.author == "@ana_dev"
    assert post.posted_at == datetime(2026, 5, 4, 9, 59, 30, tzinfo=UTC)
    assert post.tags == ("devconf",)
    assert post.lang == "en"


def test_x_prefers_the_extended_tweet_full_text_and_its_hashtags() -> None:
    long = tweet(
        text="Truncated… https://t.co/x",
        truncated=True,
        entities={"hashtags": []},
        extended_tweet={
            "full_text": "A long thought about caching &amp; queues #DevConf #Q2",
            "entities": {"hashtags": [{"text": "DevConf"}, {"text": "Q2"}]},
        },
    )
    [post] = SOURCE.handle(delivery(events(long)), CONSUMER_SECRET, NOW).posts
    assert post.text == "A long thought about caching & queues #DevConf #Q2"
    assert post.tags == ("devconf", "q2")


def test_x_skips_retweets_but_keeps_quotes_and_replies() -> None:
    retweet = tweet(id_str="2", retweeted_status=tweet())
    quote = tweet(id_str="3", is_quote_status=True, quoted_status=tweet())
    reply = tweet(id_str="4", in_reply_to_status_id_str="1")
    posts = SOURCE.handle(delivery(events(retweet, quote, reply)), CONSUMER_SECRET, NOW).posts
    assert [post.external_id for post in posts] == ["3", "4"]


def test_x_ignores_other_activity_events() -> None:
    payload = {"for_user_id": "12", "favorite_events": [{"id": "x"}]}
    assert SOURCE.handle(delivery(payload), CONSUMER_SECRET, NOW).posts == []


def test_x_redelivery_keeps_the_tweet_id_as_external_id() -> None:
    first = SOURCE.handle(delivery(events(tweet())), CONSUMER_SECRET, NOW).posts[0]
    again = SOURCE.handle(delivery(events(tweet())), CONSUMER_SECRET, NOW).posts[0]
    assert first.external_id == again.external_id


def test_x_rejects_a_signature_made_with_another_secret() -> None:
    with pytest.raises(SignatureError) as caught:
        SOURCE.handle(delivery(events(tweet()), secret="other"), CONSUMER_SECRET, NOW)
    assert caught.value.status == 401


def test_x_rejects_a_post_without_the_signature_header() -> None:
    body = json.dumps(events(tweet())).encode()
    with pytest.raises(SignatureError):
        SOURCE.handle(Inbound(method="POST", headers={}, body=body), CONSUMER_SECRET, NOW)


def test_x_rejects_malformed_json_with_400() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(b"tweet_create_events="), CONSUMER_SECRET, NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"tweet_create_events": {"id_str": "1"}},
        {"tweet_create_events": [{"id_str": "1"}]},
        {"tweet_create_events": [{"text": "no id"}]},
    ],
)
def test_x_rejects_json_of_the_wrong_shape_with_422(payload: dict[str, Any]) -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(payload), CONSUMER_SECRET, NOW)
    assert caught.value.status == 422


def test_x_rejects_an_oversized_body_with_413() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(events(tweet(text="x" * 300_000))), CONSUMER_SECRET, NOW)
    assert caught.value.status == 413


def test_x_tweet_without_the_boards_hashtag_is_not_matched() -> None:
    plain = tweet(text="Just lunch", entities={"hashtags": []})
    [post] = SOURCE.handle(delivery(events(plain)), CONSUMER_SECRET, NOW).posts
    assert not matches(post, ["devconf"])


@pytest.mark.parametrize(
    "created_at", ["Fri Dec 31 23:59:59 -1400 9999", "Mon Jan 01 00:00:00 +1400 0001"]
)
def test_x_tweet_time_utc_cannot_hold_leaves_the_posted_time_empty(created_at: str) -> None:
    [post] = SOURCE.handle(
        delivery(events(tweet(created_at=created_at))), CONSUMER_SECRET, NOW
    ).posts
    assert post.posted_at is None
