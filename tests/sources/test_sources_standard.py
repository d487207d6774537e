"""The generic `webhook` source speaks Standard Webhooks exactly."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from scoreboard.sources import WEBHOOK_SOURCES, matches
from scoreboard.sources.base import ConfigError, Inbound, PayloadError, SignatureError, StaleError
from scoreboard.sources.standard import StandardWebhookSource, sign, signing_key

# The Standard Webhooks specification's published test vector.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET = "whsec_c2NvcmVib2FyZC10ZXN0LXNlY3JldC0zMi1ieXRlcyE="
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SOURCE = StandardWebhookSource()


def delivery(
    payload: Mapping[str, object] | bytes,
    *,
    msg_id: str = "msg_1",
    sent: datetime = NOW,
    secret: str = SECRET,
) -> Inbound:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signature = Webhook(secret).sign(msg_id, sent, body.decode())
    headers = {
        "Webhook-Id": msg_id,
        "Webhook-Timestamp": str(int(sent.timestamp())),
        "Webhook-Signature": signature,
    }
    return Inbound(method="POST", headers=headers, body=body, url="/hooks/demo/webhook")


def test_webhook_signer_reproduces_the_published_test_vector() -> None:
    key = signing_key(VECTOR_SECRET)
    assert sign(key, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_webhook_accepts_the_published_test_vector_at_its_own_time() -> None:
    inbound = Inbound(
        method="POST",
        headers={
            "webhook-id": VECTOR_ID,
            "webhook-timestamp": str(VECTOR_TIMESTAMP),
            "webhook-signature": VECTOR_SIGNATURE,
        },
        body=VECTOR_BODY,
    )
    now = datetime.fromtimestamp(VECTOR_TIMESTAMP, tz=UTC)
    # Signature and timestamp pass; the vector's body has no `text`, so it is the wrong shape.
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(inbound, VECTOR_SECRET, now)
    assert caught.value.status == 422


def test_webhook_turns_a_signed_delivery_into_a_post() -> None:
    payload = {
        "text": "Great demo #DevConf",
        "author": "ana",
        "id": "42",
        "created_at": "2026-05-04T09:59:00Z",
    }
    outcome = SOURCE.handle(delivery(payload), SECRET, NOW)
    assert outcome.status == 200
    [post] = outcome.posts
    assert post.source == "webhook"
    assert post.external_id == "42"
    assert post.text == "Great demo #DevConf"
    assert post.author == "ana"
    assert post.posted_at == datetime(2026, 5, 4, 9, 59, tzinfo=UTC)
    assert post.tags == ("devconf",)
    assert matches(post, ["#devconf"])


def test_webhook_is_registered_under_the_name_webhook() -> None:
    assert WEBHOOK_SOURCES["webhook"].name == "webhook"


def test_webhook_falls_back_to_the_webhook_id_when_the_body_has_no_id() -> None:
    outcome = SOURCE.handle(delivery({"text": "hi"}, msg_id="msg_77"), SECRET, NOW)
    assert outcome.posts[0].external_id == "msg_77"


def test_webhook_redelivery_keeps_the_same_external_id() -> None:
    first = SOURCE.handle(delivery({"text": "hi"}, msg_id="msg_9"), SECRET, NOW)
    later = NOW + timedelta(minutes=2)
    retry = SOURCE.handle(delivery({"text": "hi"}, msg_id="msg_9", sent=later), SECRET, later)
    assert first.posts[0].external_id == retry.posts[0].external_id == "msg_9"


def test_webhook_accepts_any_of_several_signatures_during_secret_rotation() -> None:
    inbound = delivery({"text": "hi"})
    old = Webhook("whsec_b2xkLXNlY3JldC1vbGQtc2VjcmV0LW9sZC1zZWNyZXQ=").sign(
        "msg_1", NOW, inbound.body.decode()
    )
    headers = dict(inbound.headers)
    headers["webhook-signature"] = f"v1a,ignored {old} {headers['webhook-signature']}"
    rotated = Inbound(method="POST", headers=headers, body=inbound.body)
    assert len(SOURCE.handle(rotated, SECRET, NOW).posts) == 1


def test_webhook_signature_verifies_with_the_reference_library() -> None:
    now = datetime.now(UTC)
    body = json.dumps({"text": "cross-check"})
    header = sign(signing_key(SECRET), "msg_x", int(now.timestamp()), body.encode())
    headers = {
        "webhook-id": "msg_x",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": header,
    }
    assert Webhook(SECRET).verify(body, headers) == {"text": "cross-check"}


def test_webhook_rejects_a_signature_made_with_another_secret() -> None:
    other = "whsec_YW5vdGhlci1zZWNyZXQtYW5vdGhlci1zZWNyZXQ="
    with pytest.raises(SignatureError) as caught:
        SOURCE.handle(delivery({"text": "hi"}, secret=other), SECRET, NOW)
    assert caught.value.status == 401


def test_webhook_rejects_a_body_changed_after_signing() -> None:
    inbound = delivery({"text": "hi"})
    tampered = Inbound(method="POST", headers=inbound.headers, body=b'{"text": "bye"}')
    with pytest.raises(SignatureError):
        SOURCE.handle(tampered, SECRET, NOW)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_webhook_rejects_a_delivery_missing_a_signature_header(header: str) -> None:
    inbound = delivery({"text": "hi"})
    headers = {name: value for name, value in inbound.headers.items() if name != header}
    with pytest.raises(SignatureError):
        SOURCE.handle(Inbound(method="POST", headers=headers, body=inbound.body), SECRET, NOW)


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_webhook_rejects_timestamps_more_than_five_minutes_off(skew: timedelta) -> None:
    inbound = delivery({"text": "hi"}, sent=NOW + skew)
    with pytest.raises(StaleError) as caught:
        SOURCE.handle(inbound, SECRET, NOW)
    assert caught.value.status == 401


def test_webhook_accepts_a_timestamp_four_minutes_old() -> None:
    inbound = delivery({"text": "hi"}, sent=NOW - timedelta(minutes=4))
    assert len(SOURCE.handle(inbound, SECRET, NOW).posts) == 1


def test_webhook_rejects_malformed_json_with_400() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(b"{not json"), SECRET, NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "payload",
    [
        b"[1, 2]",
        b'{"author": "no text"}',
        b'{"text": 3}',
        b'{"text": "x", "id": [1]}',
        b'{"text": "x", "id": "' + b"9" * 129 + b'"}',
    ],
)
def test_webhook_rejects_json_of_the_wrong_shape_with_422(payload: bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(payload), SECRET, NOW)
    assert caught.value.status == 422


def test_webhook_rejects_an_oversized_body_with_413_before_checking_anything() -> None:
    small = StandardWebhookSource(max_body=64)
    inbound = Inbound(method="POST", headers={}, body=b"x" * 65)
    with pytest.raises(PayloadError) as caught:
        small.handle(inbound, SECRET, NOW)
    assert caught.value.status == 413


def test_webhook_rejects_a_get_request_with_405() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(Inbound(method="GET", headers={}, body=b""), SECRET, NOW)
    assert caught.value.status == 405


def test_webhook_reports_a_secret_that_is_not_base64_as_configuration() -> None:
    with pytest.raises(ConfigError) as caught:
        SOURCE.handle(delivery({"text": "hi"}), "whsec_not base64!", NOW)
    assert caught.value.status == 500


def test_webhook_post_without_the_boards_hashtag_is_not_matched() -> None:
    [post] = SOURCE.handle(delivery({"text": "Nice talk #other"}), SECRET, NOW).posts
    assert not matches(post, ["devconf"])
