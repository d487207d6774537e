"""Mastodon admin webhooks: X-Hub-Signature check, status.created parsing, HTML to text."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from scoreboard.sources import matches
from scoreboard.sources.base import Inbound, PayloadError, SignatureError, html_to_text
from scoreboard.sources.mastodon import MastodonWebhookSource, post_from_status

SECRET = "0f3a5c2e9b8d7f6a1c4e3b2d5a6f7e8c"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SOURCE = MastodonWebhookSource()


def status(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "112233445566778899",
        "created_at": "2026-05-04T09:58:12.000Z",
        "visibility": "public",
        "language": "nl",
        "spoiler_text": "",
        "content": (
            '<p>Mooie talk &amp; goede demo\'s! <a href="https://mastodon.example/tags/DevConf"'
            ' class="mention hashtag" rel="tag">#<span>DevConf</span></a></p>'
            "<p>Tweede alinea<br />met regel</p>"
        ),
        "reblog": None,
        "account": {"id": "1", "username": "ana", "acct": "ana", "display_name": "Ana"},
        "tags": [{"name": "DevConf", "url": "https://mastodon.example/tags/devconf"}],
    }
    return base | overrides


def delivery(payload: dict[str, Any] | bytes, *, secret: str = SECRET) -> Inbound:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    # The recipe from Mastodon's webhook worker: hex HMAC-SHA256 of the body, `sha256=` prefix.
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Inbound(method="POST", headers={"X-Hub-Signature": f"sha256={digest}"}, body=body)


def created(**overrides: Any) -> dict[str, Any]:
    return {
        "event": "status.created",
        "created_at": "2026-05-04T09:58:13.000Z",
        "object": status(**overrides),
    }


def test_mastodon_turns_status_created_into_a_plain_text_post() -> None:
    [post] = SOURCE.handle(delivery(created()), SECRET, NOW).posts
    assert post.source == "mastodon"
    assert post.external_id == "112233445566778899"
    assert post.text == "Mooie talk & goede demo's! #DevConf\n\nTweede alinea\nmet regel"
    assert post.author == "Ana (@ana)"
    assert post.posted_at == datetime(2026, 5, 4, 9, 58, 12, tzinfo=UTC)
    assert post.tags == ("devconf",)
    assert post.lang == "nl"
    assert matches(post, ["DEVCONF"])


def test_mastodon_redelivery_keeps_the_status_id_as_external_id() -> None:
    first = SOURCE.handle(delivery(created()), SECRET, NOW).posts[0]
    again = SOURCE.handle(delivery(created()), SECRET, NOW).posts[0]
    assert first.external_id == again.external_id


def test_mastodon_rejects_a_signature_made_with_another_secret() -> None:
    with pytest.raises(SignatureError) as caught:
        SOURCE.handle(delivery(created(), secret="other"), SECRET, NOW)
    assert caught.value.status == 401


def test_mastodon_rejects_a_delivery_without_x_hub_signature() -> None:
    body = json.dumps(created()).encode()
    with pytest.raises(SignatureError):
        SOURCE.handle(Inbound(method="POST", headers={}, body=body), SECRET, NOW)


def test_mastodon_rejects_a_body_changed_after_signing() -> None:
    signed = delivery(created())
    forged = Inbound(
        method="POST", headers=signed.headers, body=signed.body.replace(b"Ana", b"Bob")
    )
    with pytest.raises(SignatureError):
        SOURCE.handle(forged, SECRET, NOW)


@pytest.mark.parametrize("event", ["status.updated", "account.created", "report.created"])
def test_mastodon_ignores_other_webhook_events(event: str) -> None:
    outcome = SOURCE.handle(delivery(created() | {"event": event}), SECRET, NOW)
    assert outcome.posts == []


@pytest.mark.parametrize("visibility", ["private", "direct"])
def test_mastodon_never_shows_private_or_direct_statuses(visibility: str) -> None:
    outcome = SOURCE.handle(delivery(created(visibility=visibility)), SECRET, NOW)
    assert outcome.posts == []


def test_mastodon_ignores_boosts() -> None:
    outcome = SOURCE.handle(delivery(created(reblog=status(), content="")), SECRET, NOW)
    assert outcome.posts == []


def test_mastodon_rejects_malformed_json_with_400() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(b"\xff\xfe"), SECRET, NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"event": "status.created"},
        {"event": "status.created", "object": {"id": "1"}},
        {"event": "status.created", "object": {"content": "<p>x</p>"}},
    ],
)
def test_mastodon_rejects_json_of_the_wrong_shape_with_422(payload: dict[str, Any]) -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(payload), SECRET, NOW)
    assert caught.value.status == 422


def test_mastodon_rejects_an_oversized_body_with_413() -> None:
    with pytest.raises(PayloadError) as caught:
        MastodonWebhookSource(max_body=1024).handle(delivery(created(pad="x" * 2000)), SECRET, NOW)
    assert caught.value.status == 413


def test_mastodon_post_without_the_boards_hashtag_is_not_matched() -> None:
    post = post_from_status(status(tags=[], content="<p>Nice talk</p>"))
    assert not matches(post, ["devconf"])


def test_mastodon_html_becomes_text_without_script_content() -> None:
    hostile = '<p>hi<script>alert(1)</script> &lt;b&gt;<img src=x onerror="y"></p>'
    assert html_to_text(hostile) == "hi <b>"


def test_mastodon_content_warning_is_kept_before_the_text() -> None:
    post = post_from_status(status(spoiler_text="Spoilers", content="<p>the end</p>"))
    assert post.text == "Spoilers\n\nthe end"
