"""Networks through the app: organiser settings, and each signed webhook end to end."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier
from standardwebhooks.webhooks import Webhook

from scoreboard.settings import Settings
from tests.conftest import NewBoard, make_board, refuse_inserts

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"route-test-secret-route-test-1234").decode()
SECRETS = {
    "webhook": WEBHOOK_SECRET,
    "slack": "8f742231b10e8888abcd99yyyzzz85a5",
    "mastodon": "mastodon-webhook-secret-0123456789",
    "telegram": "telegram_secret_token_0123456789",
    "x": "x-consumer-secret-0123456789abcdef",
    "teams": base64.b64encode(b"teams-security-token-32-bytes!!!").decode(),
}
WEBHOOK_NAMES = tuple(SECRETS)


def _hmac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def sign(
    source: str, body: bytes, *, at: int | None = None, msg_id: str = "msg_1"
) -> dict[str, str]:
    """Headers as each platform sends them: SDKs where they exist, the documented recipe else."""
    now = int(time.time()) if at is None else at
    secret = SECRETS[source]
    if source == "webhook":
        moment = datetime.fromtimestamp(now, tz=UTC)
        signature = Webhook(secret).sign(msg_id, moment, body.decode())
        return {"webhook-id": msg_id, "webhook-timestamp": str(now), "webhook-signature": signature}
    if source == "slack":
        slack_signature = SignatureVerifier(secret).generate_signature(
            timestamp=str(now), body=body
        )
        assert slack_signature is not None
        return {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": slack_signature}
    if source == "mastodon":
        return {"X-Hub-Signature": "sha256=" + _hmac(secret.encode(), body).hex()}
    if source == "telegram":
        return {"X-Telegram-Bot-Api-Secret-Token": secret}
    if source == "x":
        digest = base64.b64encode(_hmac(secret.encode(), body)).decode()
        return {"x-twitter-webhooks-signature": "sha256=" + digest}
    key = base64.b64decode(secret)
    return {"Authorization": "HMAC " + base64.b64encode(_hmac(key, body)).decode()}


SIGNATURE_HEADERS = {
    "webhook": "webhook-signature",
    "slack": "X-Slack-Signature",
    "mastodon": "X-Hub-Signature",
    "telegram": "X-Telegram-Bot-Api-Secret-Token",
    "x": "x-twitter-webhooks-signature",
    "teams": "Authorization",
}


@dataclass(frozen=True)
class Delivery:
    payload: dict[str, Any]
    external_id: str
    author: str


def delivery(source: str, text: str = "Great talk #DevConf", ident: str = "1001") -> Delivery:
    """A real-format delivery of one post from `source`."""
    if source == "webhook":
        return Delivery({"text": text, "author": "Zapier bot", "id": ident}, ident, "Zapier bot")
    if source == "slack":
        event = {"type": "message", "text": text, "user": "U024BE7LH", "ts": "1.2", "channel": "C1"}
        envelope = {"type": "event_callback", "event_id": f"Ev{ident}", "event": event}
        return Delivery(envelope, f"Ev{ident}", "U024BE7LH")
    if source == "mastodon":
        status = {
            "id": ident,
            "content": f"<p>{text}</p>",
            "visibility": "public",
            "account": {"acct": "ana@example.social", "display_name": "Ana"},
            "tags": [{"name": "devconf"}] if "#DevConf" in text else [],
            "reblog": None,
        }
        return Delivery(
            {"event": "status.created", "object": status}, ident, "Ana (@ana@example.social)"
        )
    if source == "telegram":
        entities = (
            [{"type": "hashtag", "offset": text.index("#"), "length": 8}] if "#" in text else []
        )
        message = {
            "message_id": int(ident),
            "date": 1_777_888_800,
            "chat": {"id": -100, "title": "Talk chat"},
            "from": {"id": 2, "is_bot": False, "first_name": "Ana", "username": "ana"},
            "text": text,
            "entities": entities,
        }
        return Delivery({"update_id": int(ident), "message": message}, f"-100:{ident}", "@ana")
    if source == "x":
        tags = [{"text": "DevConf"}] if "#DevConf" in text else []
        tweet = {
            "id_str": ident,
            "text": text,
            "user": {"screen_name": "ana"},
            "entities": {"hashtags": tags},
        }
        return Delivery({"tweet_create_events": [tweet]}, ident, "@ana")
    activity = {
        "type": "message",
        "id": ident,
        "text": f"<at>Board</at> {text}",
        "from": {"name": "Ana"},
    }
    return Delivery(activity, ident, "Ana")


@pytest.fixture
def tagged(client: TestClient) -> NewBoard:
    return make_board(client, hashtags=["devconf"])


def connect(client: TestClient, board: NewBoard, source: str, **fields: Any) -> dict[str, Any]:
    body = {"enabled": True, "secret": SECRETS.get(source), **fields}
    response = client.put(
        f"/api/boards/{board.slug}/sources/{source}", json=body, headers=board.auth
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def deliver(
    client: TestClient,
    board: NewBoard,
    source: str,
    payload: dict[str, Any],
    sign_with: Callable[[bytes], dict[str, str]] | None = None,
) -> Any:
    body = json.dumps(payload).encode()
    headers = (sign_with or (lambda raw: sign(source, raw)))(body)
    headers["Content-Type"] = "application/json"
    return client.post(f"/hooks/{board.slug}/{source}", content=body, headers=headers)


def fixed(headers: dict[str, str]) -> Callable[[bytes], dict[str, str]]:
    """Send exactly these headers, whatever the body."""
    return lambda _: dict(headers)


def stored(client: TestClient, board: NewBoard) -> list[dict[str, Any]]:
    page = client.get(f"/api/boards/{board.slug}/reactions", headers=board.auth).json()
    items: list[dict[str, Any]] = page["items"]
    return items


def total(client: TestClient, board: NewBoard) -> int:
    count: int = client.get(f"/api/boards/{board.slug}/tally").json()["tally"]["total"]
    return count


# --- organiser settings ----------------------------------------------------------------


def test_configuring_a_source_needs_an_organiser_token(
    client: TestClient, tagged: NewBoard
) -> None:
    url = f"/api/boards/{tagged.slug}/sources/slack"
    assert client.put(url, json={"enabled": False}).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.put(url, json={"enabled": False}, headers=wrong).status_code == 403
    assert client.get(f"/api/boards/{tagged.slug}/sources").status_code == 401
    assert client.get(f"/api/boards/{tagged.slug}/sources", headers=wrong).status_code == 403


def test_another_boards_token_cannot_configure_this_board(
    client: TestClient, tagged: NewBoard
) -> None:
    other = make_board(client, title="Other")
    url = f"/api/boards/{tagged.slug}/sources/slack"
    assert client.put(url, json={"enabled": False}, headers=other.auth).status_code == 403


def test_put_answers_with_the_secret_masked(client: TestClient, tagged: NewBoard) -> None:
    view = connect(client, tagged, "webhook")
    assert view["enabled"] is True
    assert view["secret"] == "whsec_…" + WEBHOOK_SECRET[-4:]
    assert view["hook_url"].endswith(f"/hooks/{tagged.slug}/webhook")


def test_unknown_source_is_404_naming_the_known_ones(client: TestClient, tagged: NewBoard) -> None:
    url = f"/api/boards/{tagged.slug}/sources/myspace"
    response = client.put(url, json={"enabled": True}, headers=tagged.auth)
    assert response.status_code == 404
    assert "slack" in response.json()["detail"]
    assert "bluesky" in response.json()["detail"]


@pytest.mark.parametrize(
    ("source", "body"),
    [
        ("slack", {"enabled": True}),
        ("slack", {"enabled": True, "secret": "s", "instance": "https://a.example"}),
        ("slack", {"enabled": "maybe"}),
        ("webhook", {"enabled": True, "secret": "whsec_not base64!"}),
        ("teams", {"enabled": True, "secret": "%%%"}),
        ("telegram", {"enabled": True, "secret": "has/slash"}),
        ("bluesky", {"enabled": True, "url": "http://not-a-websocket.example"}),
        ("mastodon_feed", {"enabled": True}),
        ("mastodon_feed", {"enabled": True, "instance": "mastodon.social"}),
        ("mastodon", {"enabled": True, "secret": "s", "colour": "red"}),
    ],
)
def test_bad_source_settings_are_422(
    client: TestClient, tagged: NewBoard, source: str, body: dict[str, Any]
) -> None:
    url = f"/api/boards/{tagged.slug}/sources/{source}"
    response = client.put(url, json=body, headers=tagged.auth)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_get_lists_every_network_masked(client: TestClient, tagged: NewBoard) -> None:
    for source in WEBHOOK_NAMES:
        connect(client, tagged, source)
    response = client.get(f"/api/boards/{tagged.slug}/sources", headers=tagged.auth)
    assert response.status_code == 200
    views = {view["source"]: view for view in response.json()["sources"]}
    assert set(views) >= {*WEBHOOK_NAMES, "bluesky", "mastodon_feed"}
    assert views["bluesky"]["enabled"] is False
    assert views["bluesky"]["status"]["state"] == "stopped"
    for secret in SECRETS.values():
        assert secret not in response.text


def test_secrets_never_appear_in_responses_or_logs(
    client: TestClient, tagged: NewBoard, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = []
    for source in WEBHOOK_NAMES:
        view = connect(client, tagged, source)
        bodies.append(json.dumps(view))
        bodies.append(deliver(client, tagged, source, delivery(source).payload).text)
        bodies.append(deliver(client, tagged, source, {"x": 1}, fixed({})).text)
    feed = {
        "enabled": False,
        "instance": "https://mastodon.example",
        "token": "user-token-abcdef123456",
    }
    url = f"/api/boards/{tagged.slug}/sources/mastodon_feed"
    bodies.append(client.put(url, json=feed, headers=tagged.auth).text)
    bodies.append(client.get(f"/api/boards/{tagged.slug}/sources", headers=tagged.auth).text)
    everything = "\n".join(bodies) + caplog.text
    for secret in [*SECRETS.values(), "user-token-abcdef123456"]:
        assert secret not in everything
        assert secret[:-4] not in everything


def test_a_secret_is_kept_when_the_put_leaves_it_out(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "slack")
    url = f"/api/boards/{tagged.slug}/sources/slack"
    response = client.put(url, json={"enabled": True, "require_hashtag": True}, headers=tagged.auth)
    assert response.status_code == 200
    assert response.json()["settings"] == {"require_hashtag": True}
    assert deliver(client, tagged, "slack", delivery("slack").payload).status_code == 200
    assert total(client, tagged) == 1


# --- webhooks end to end -----------------------------------------------------------------


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_signed_delivery_becomes_a_reaction(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    sent = delivery(source)
    response = deliver(client, tagged, source, sent.payload)
    assert response.status_code == 200, response.text
    [reaction] = stored(client, tagged)
    expected_source = "webhook" if source == "webhook" else source
    assert reaction["source"] == expected_source
    assert reaction["external_id"] == sent.external_id
    assert reaction["author"] == sent.author
    assert "Great talk" in reaction["text"]
    tally = client.get(f"/api/boards/{tagged.slug}/tally").json()["tally"]
    assert tally["total"] == 1
    assert tally["sources"] == {expected_source: 1}


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_duplicate_delivery_is_counted_once(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    payload = delivery(source).payload
    for attempt in range(3):
        headers = sign(source, json.dumps(payload).encode(), msg_id="msg_1")
        if source == "slack" and attempt:
            headers["X-Slack-Retry-Num"] = str(attempt)
        response = deliver(client, tagged, source, payload, fixed(headers))
        assert response.status_code == 200
    assert total(client, tagged) == 1


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_bad_signature_is_401(client: TestClient, tagged: NewBoard, source: str) -> None:
    connect(client, tagged, source)
    payload = delivery(source).payload
    honest = sign(source, json.dumps(payload).encode())
    header = SIGNATURE_HEADERS[source]
    forged = {**honest, header: honest[header][:-6] + "AAAAAA"}
    response = deliver(client, tagged, source, payload, fixed(forged))
    assert response.status_code == 401
    assert response.json()["detail"]
    assert total(client, tagged) == 0


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_missing_signature_header_is_401(client: TestClient, tagged: NewBoard, source: str) -> None:
    connect(client, tagged, source)
    payload = delivery(source).payload
    honest = sign(source, json.dumps(payload).encode())
    header = SIGNATURE_HEADERS[source]
    without = {name: value for name, value in honest.items() if name != header}
    assert deliver(client, tagged, source, payload, fixed(without)).status_code == 401


@pytest.mark.parametrize("source", ["webhook", "slack"])
def test_stale_timestamp_is_401(client: TestClient, tagged: NewBoard, source: str) -> None:
    connect(client, tagged, source)
    payload = delivery(source).payload
    old = int(time.time()) - 301
    stale = sign(source, json.dumps(payload).encode(), at=old)
    response = deliver(client, tagged, source, payload, fixed(stale))
    assert response.status_code == 401
    assert total(client, tagged) == 0


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_malformed_body_is_400(client: TestClient, tagged: NewBoard, source: str) -> None:
    connect(client, tagged, source)
    body = b"{not json"
    response = client.post(
        f"/hooks/{tagged.slug}/{source}", content=body, headers=sign(source, body)
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "body is not valid JSON"}


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_oversized_body_is_413(client: TestClient, tagged: NewBoard, source: str) -> None:
    connect(client, tagged, source)
    body = b'{"text": "' + b"x" * 300_000 + b'"}'
    response = client.post(
        f"/hooks/{tagged.slug}/{source}", content=body, headers=sign(source, body)
    )
    assert response.status_code == 413


def test_oversized_chunked_body_is_413(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "webhook")

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 4096

    response = client.post(f"/hooks/{tagged.slug}/webhook", content=chunks())
    assert response.status_code == 413
    assert total(client, tagged) == 0


@pytest.mark.parametrize("source", ["webhook", "mastodon", "x"])
def test_post_without_the_boards_hashtag_is_ignored(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    response = deliver(client, tagged, source, delivery(source, "Nice weather today").payload)
    assert response.status_code == 200
    assert total(client, tagged) == 0


def test_chat_sources_count_everything_unless_the_board_requires_a_hashtag(
    client: TestClient, tagged: NewBoard
) -> None:
    connect(client, tagged, "telegram")
    deliver(client, tagged, "telegram", delivery("telegram", "no tag here", "1").payload)
    assert total(client, tagged) == 1
    connect(client, tagged, "telegram", require_hashtag=True)
    deliver(client, tagged, "telegram", delivery("telegram", "still no tag", "2").payload)
    deliver(client, tagged, "telegram", delivery("telegram", "now #DevConf", "3").payload)
    assert total(client, tagged) == 2


def test_long_posts_are_shortened_with_an_ellipsis(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "webhook")
    text = "#DevConf " + "word " * 200
    deliver(client, tagged, "webhook", {"text": text, "id": "long", "author": "A" * 300})
    [reaction] = stored(client, tagged)
    assert 490 < len(reaction["text"]) <= 500
    assert reaction["text"].endswith("…")
    assert len(reaction["author"]) <= 80


def test_slack_url_verification_answers_the_challenge(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "slack")
    challenge = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    response = deliver(client, tagged, "slack", challenge)
    assert response.status_code == 200
    assert response.json() == {"challenge": challenge["challenge"]}


def test_x_crc_get_answers_the_response_token(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "x")
    response = client.get(f"/hooks/{tagged.slug}/x", params={"crc_token": "crc-123"})
    assert response.status_code == 200
    digest = base64.b64encode(_hmac(SECRETS["x"].encode(), b"crc-123")).decode()
    assert response.json() == {"response_token": "sha256=" + digest}


def test_teams_gets_a_confirmation_message(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "teams")
    response = deliver(client, tagged, "teams", delivery("teams").payload)
    assert response.status_code == 200
    answer = response.json()
    assert answer["type"] == "message"
    assert answer["text"]


def test_unconfigured_or_disabled_source_is_404(client: TestClient, tagged: NewBoard) -> None:
    payload = delivery("slack").payload
    response = deliver(client, tagged, "slack", payload)
    assert response.status_code == 404
    assert "not enabled" in response.json()["detail"]
    connect(client, tagged, "slack")
    url = f"/api/boards/{tagged.slug}/sources/slack"
    client.put(url, json={"enabled": False}, headers=tagged.auth)
    assert deliver(client, tagged, "slack", payload).status_code == 404


def test_unknown_board_or_hook_source_is_404(client: TestClient, tagged: NewBoard) -> None:
    assert client.post("/hooks/no-such-board/slack", content=b"{}").status_code == 404
    response = client.post(f"/hooks/{tagged.slug}/bluesky", content=b"{}")
    assert response.status_code == 404
    assert "webhook" in response.json()["detail"]


def test_closed_board_acknowledges_but_stores_nothing(client: TestClient, tagged: NewBoard) -> None:
    connect(client, tagged, "webhook")
    client.patch(f"/api/boards/{tagged.slug}", json={"open": False}, headers=tagged.auth)
    response = deliver(client, tagged, "webhook", delivery("webhook").payload)
    assert response.status_code == 200
    assert stored(client, tagged) == []


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_a_banned_author_stays_hidden_when_posting_from_a_network(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    assert deliver(client, tagged, source, delivery(source, ident="2001").payload).is_success
    [first] = stored(client, tagged)
    banned = client.post(
        f"/api/boards/{tagged.slug}/bans",
        json={"reaction_id": first["id"], "kind": "author"},
        headers=tagged.auth,
    )
    assert banned.status_code == 201, banned.text
    later = delivery(source, "Still here #DevConf", ident="2002").payload
    assert deliver(client, tagged, source, later).is_success
    statuses = {r["external_id"]: r["status"] for r in stored(client, tagged)}
    assert set(statuses.values()) == {"hidden"}
    assert total(client, tagged) == 0


def test_a_delivery_the_database_refuses_is_503_so_the_network_retries(
    client: TestClient, tagged: NewBoard, settings: Settings
) -> None:
    connect(client, tagged, "webhook")
    refuse_inserts(settings)
    response = deliver(client, tagged, "webhook", delivery("webhook").payload)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "try again" in response.json()["detail"]
