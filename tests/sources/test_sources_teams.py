"""Microsoft Teams outgoing webhooks: HMAC Authorization header and a confirmation reply."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from scoreboard.sources import matches
from scoreboard.sources.base import ConfigError, Inbound, PayloadError, SignatureError
from scoreboard.sources.teams import TeamsSource

SECURITY_TOKEN = base64.b64encode(b"teams-outgoing-webhook-key-32b!!").decode()
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SOURCE = TeamsSource()


def authorization(token: str, body: bytes) -> str:
    """Microsoft's recipe: HMAC-SHA256 keyed with the base64-decoded token, base64 result."""
    digest = hmac.new(base64.b64decode(token), body, hashlib.sha256).digest()
    return "HMAC " + base64.b64encode(digest).decode()


def activity(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "message",
        "id": "1777888800123",
        "timestamp": "2026-05-04T09:59:50.1234567Z",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "channelId": "msteams",
        "from": {"id": "29:1abc", "name": "Ana Smit", "aadObjectId": "f0e1"},
        "conversation": {"id": "19:abc@thread.skype;messageid=1777888800123"},
        "text": "<at>Scoreboard</at>&nbsp;Great Q&amp;A #DevConf",
        "textFormat": "plain",
        "locale": "en-US",
        "entities": [{"type": "mention", "text": "<at>Scoreboard</at>"}],
    }
    return base | overrides


def delivery(payload: dict[str, Any] | bytes, *, token: str = SECURITY_TOKEN) -> Inbound:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Authorization": authorization(token, body)}
    return Inbound(method="POST", headers=headers, body=body)


def test_teams_turns_a_mention_into_a_post_without_the_bot_name() -> None:
    outcome = SOURCE.handle(delivery(activity()), SECURITY_TOKEN, NOW)
    [post] = outcome.posts
    assert post.source == "teams"
    assert post.external_id == "1777888800123"
    assert post.text == "Great Q&A #DevConf"
    assert post.author == "Ana Smit"
    assert post.posted_at == datetime(2026, 5, 4, 9, 59, 50, 123456, tzinfo=UTC)
    assert post.tags == ("devconf",)


def test_teams_answers_with_a_short_confirmation_message() -> None:
    outcome = SOURCE.handle(delivery(activity()), SECURITY_TOKEN, NOW)
    assert outcome.status == 200
    assert outcome.content_type == "application/json"
    assert isinstance(outcome.body, dict)
    assert outcome.body["type"] == "message"
    assert outcome.body["text"]


def test_teams_reply_text_is_configurable() -> None:
    outcome = TeamsSource(reply="Merci !").handle(delivery(activity()), SECURITY_TOKEN, NOW)
    assert outcome.body == {"type": "message", "text": "Merci !"}


def test_teams_mention_only_message_gives_no_post() -> None:
    outcome = SOURCE.handle(delivery(activity(text="<at>Scoreboard</at>")), SECURITY_TOKEN, NOW)
    assert outcome.posts == []


def test_teams_redelivery_keeps_the_activity_id_as_external_id() -> None:
    first = SOURCE.handle(delivery(activity()), SECURITY_TOKEN, NOW).posts[0]
    again = SOURCE.handle(delivery(activity()), SECURITY_TOKEN, NOW).posts[0]
    assert first.external_id == again.external_id


def test_teams_rejects_an_hmac_made_with_another_token() -> None:
    other = base64.b64encode(b"another-token-another-token-1234").decode()
    with pytest.raises(SignatureError) as caught:
        SOURCE.handle(delivery(activity(), token=other), SECURITY_TOKEN, NOW)
    assert caught.value.status == 401


def test_teams_rejects_a_request_without_authorization() -> None:
    body = json.dumps(activity()).encode()
    with pytest.raises(SignatureError):
        SOURCE.handle(Inbound(method="POST", headers={}, body=body), SECURITY_TOKEN, NOW)


def test_teams_reports_a_security_token_that_is_not_base64_as_configuration() -> None:
    with pytest.raises(ConfigError):
        SOURCE.handle(delivery(activity()), "not base64 at all!", NOW)


def test_teams_rejects_malformed_json_with_400() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(b"<xml/>"), SECURITY_TOKEN, NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize("payload", [[], {"type": "message", "id": "1"}, {"type": "message"}])
def test_teams_rejects_json_of_the_wrong_shape_with_422(payload: Any) -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(json.dumps(payload).encode()), SECURITY_TOKEN, NOW)
    assert caught.value.status == 422


def test_teams_rejects_an_oversized_body_with_413() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(activity(text="x" * 300_000)), SECURITY_TOKEN, NOW)
    assert caught.value.status == 413


def test_teams_message_without_hashtag_counts_only_when_hashtags_are_optional() -> None:
    [post] = SOURCE.handle(delivery(activity(text="hello")), SECURITY_TOKEN, NOW).posts
    assert matches(post, ["devconf"])
    assert not matches(post, ["devconf"], chat_requires_hashtag=True)
