"""Slack Events API requests are verified with the v0 signing scheme before anything else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from scoreboard.sources import matches
from scoreboard.sources.base import Inbound, PayloadError, SignatureError, StaleError
from scoreboard.sources.slack import SlackSource, plain_text, sign

# The worked example in Slack's "Verifying requests from Slack" documentation.
DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOC_TIMESTAMP = "1531420618"
DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    b"&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    b"&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    b"%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

SECRET = "e2b7c0a7f1d94c58b0f3a1d2c3b4a596"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SOURCE = SlackSource()


class FixedClock(Clock):
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> float:
        return self.moment.timestamp()


def request(
    payload: Mapping[str, object] | bytes,
    *,
    sent: datetime = NOW,
    secret: str = SECRET,
    extra: dict[str, str] | None = None,
) -> Inbound:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    timestamp = str(int(sent.timestamp()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
    return Inbound(method="POST", headers=headers | (extra or {}), body=body)


def message_event(
    event_id: str = "Ev01", event: Mapping[str, object] | None = None, **fields: object
) -> dict[str, object]:
    base: dict[str, object] = {
        "type": "message",
        "channel": "C024BE91L",
        "user": "U2147483697",
        "text": "Loved the part on <https://example.org|caching> &amp; queues #DevConf",
        "ts": "1777888800.000200",
        "channel_type": "channel",
    }
    return {
        "token": "legacy-token",
        "team_id": "T061EG9R6",
        "api_app_id": "A0PNCHHK2",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1777888800,
        "event": base | dict(event or {}) | fields,
    }


def test_slack_signer_reproduces_the_documented_example() -> None:
    assert sign(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY) == DOC_SIGNATURE


def test_slack_documented_example_passes_the_signature_check_then_fails_as_not_json() -> None:
    inbound = Inbound(
        method="POST",
        headers={"X-Slack-Request-Timestamp": DOC_TIMESTAMP, "X-Slack-Signature": DOC_SIGNATURE},
        body=DOC_BODY,
    )
    at = datetime.fromtimestamp(int(DOC_TIMESTAMP), tz=UTC) + timedelta(seconds=30)
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(inbound, DOC_SECRET, at)
    assert caught.value.status == 400


def test_slack_signature_is_accepted_by_the_slack_sdk_verifier() -> None:
    body = json.dumps(message_event()).encode()
    timestamp = str(int(NOW.timestamp()))
    verifier = SignatureVerifier(SECRET, clock=FixedClock(NOW))
    assert verifier.is_valid(
        body=body, timestamp=timestamp, signature=sign(SECRET, timestamp, body)
    )


def test_slack_answers_the_url_verification_challenge_after_checking_the_signature() -> None:
    payload = {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    outcome = SOURCE.handle(request(payload | {"type": "url_verification"}), SECRET, NOW)
    assert outcome.posts == []
    assert outcome.body == {"challenge": payload["challenge"]}


def test_slack_challenge_with_a_bad_signature_is_refused() -> None:
    payload = {"type": "url_verification", "challenge": "abc"}
    with pytest.raises(SignatureError):
        SOURCE.handle(request(payload, secret="someone-else"), SECRET, NOW)


def test_slack_turns_a_channel_message_into_a_post() -> None:
    [post] = SOURCE.handle(request(message_event()), SECRET, NOW).posts
    assert post.source == "slack"
    assert post.external_id == "Ev01"
    assert post.text == "Loved the part on caching & queues #DevConf"
    assert post.author == "U2147483697"
    assert post.posted_at == datetime.fromtimestamp(1777888800.0002, tz=UTC)
    assert post.tags == ("devconf",)


def test_slack_retry_maps_to_the_same_external_id() -> None:
    first = SOURCE.handle(request(message_event("Ev0PV52K25")), SECRET, NOW)
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    later = NOW + timedelta(seconds=70)
    retry = request(message_event("Ev0PV52K25"), sent=later, extra=retry_headers)
    again = SOURCE.handle(retry, SECRET, later)
    assert first.posts[0].external_id == again.posts[0].external_id == "Ev0PV52K25"


@pytest.mark.parametrize(
    "event",
    [
        {"bot_id": "B123", "subtype": "bot_message"},
        {"bot_id": "B123"},
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "channel_join"},
        {"type": "reaction_added"},
        {"text": "   "},
    ],
)
def test_slack_ignores_bots_edits_deletes_and_other_subtypes(event: dict[str, object]) -> None:
    outcome = SOURCE.handle(request(message_event(event=event)), SECRET, NOW)
    assert outcome.posts == []
    assert outcome.status == 200


def test_slack_ignores_other_envelope_types() -> None:
    outcome = SOURCE.handle(
        request({"type": "app_rate_limited", "minute_rate_limited": 1}), SECRET, NOW
    )
    assert outcome.posts == []


def test_slack_rejects_a_wrong_signature() -> None:
    with pytest.raises(SignatureError) as caught:
        SOURCE.handle(request(message_event(), secret="not-the-secret"), SECRET, NOW)
    assert caught.value.status == 401


@pytest.mark.parametrize("header", ["x-slack-signature", "x-slack-request-timestamp"])
def test_slack_rejects_a_request_missing_a_signing_header(header: str) -> None:
    inbound = request(message_event())
    headers = {name: value for name, value in inbound.headers.items() if name != header}
    with pytest.raises(SignatureError):
        SOURCE.handle(Inbound(method="POST", headers=headers, body=inbound.body), SECRET, NOW)


def test_slack_rejects_signature_older_than_five_minutes() -> None:
    inbound = request(message_event(), sent=NOW - timedelta(minutes=5, seconds=1))
    with pytest.raises(StaleError) as caught:
        SOURCE.handle(inbound, SECRET, NOW)
    assert caught.value.status == 401


def test_slack_rejects_a_non_numeric_timestamp() -> None:
    inbound = request(message_event())
    headers = dict(inbound.headers) | {"x-slack-request-timestamp": "yesterday"}
    with pytest.raises(SignatureError):
        SOURCE.handle(Inbound(method="POST", headers=headers, body=inbound.body), SECRET, NOW)


def test_slack_rejects_malformed_json_with_400() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(request(b"{"), SECRET, NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "payload",
    [
        b'"just a string"',
        b'{"type": "event_callback", "event": "nope"}',
        b'{"type": "url_verification"}',
    ],
)
def test_slack_rejects_json_of_the_wrong_shape_with_422(payload: bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(request(payload), SECRET, NOW)
    assert caught.value.status == 422


def test_slack_rejects_an_oversized_body_with_413() -> None:
    inbound = request({"type": "event_callback", "pad": "x" * 300_000})
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(inbound, SECRET, NOW)
    assert caught.value.status == 413


def test_slack_channel_links_and_mentions_become_readable_but_are_not_hashtags() -> None:
    event = message_event(text="<@U123|ana> see <#C999|general> and <!here> #Q1 #42")
    [post] = SOURCE.handle(request(event), SECRET, NOW).posts
    assert post.text == "@ana see #general and @here #Q1 #42"
    assert post.tags == ("q1",)


def test_slack_plain_text_unescapes_entities_once() -> None:
    assert plain_text("a &lt;b&gt; &amp;amp; <http://x.test>") == "a <b> &amp; http://x.test"


def test_slack_messages_count_on_a_board_unless_it_asks_for_hashtags() -> None:
    [post] = SOURCE.handle(request(message_event(text="no tag here")), SECRET, NOW).posts
    assert matches(post, ["devconf"])
    assert not matches(post, ["devconf"], chat_requires_hashtag=True)
