"""Telegram Bot API updates: secret-token header, hashtag entities in UTF-16 units."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from scoreboard.sources import matches
from scoreboard.sources.base import Inbound, PayloadError, SignatureError
from scoreboard.sources.telegram import TelegramSource, hashtags_from_entities, utf16_slice

SECRET = "scoreboard_Telegram-secret_123"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SOURCE = TelegramSource()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def hashtag_entity(text: str, tag: str) -> dict[str, object]:
    """An entity the way Telegram computes it: offsets in UTF-16 code units."""
    start = text.index(tag)
    return {"type": "hashtag", "offset": utf16_len(text[:start]), "length": utf16_len(tag)}


def text_message(text: str, *tags: str, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 4711,
        "from": {"id": 99, "is_bot": False, "first_name": "Ana", "username": "ana_dev"},
        "chat": {"id": -1001234567890, "type": "supergroup", "title": "DevConf Q&A"},
        "date": 1777888800,
        "text": text,
        "entities": [hashtag_entity(text, tag) for tag in tags],
    }
    return message | extra


def update(key: str = "message", message: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "update_id": 10000,
        key: message or text_message("Great talk 🎉🎉 #DevConf", "#DevConf"),
    }


def delivery(payload: dict[str, Any] | bytes, *, token: str | None = SECRET) -> Inbound:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token is not None else {}
    return Inbound(method="POST", headers=headers, body=body)


def test_telegram_turns_a_group_message_into_a_post() -> None:
    [post] = SOURCE.handle(delivery(update()), SECRET, NOW).posts
    assert post.source == "telegram"
    assert post.external_id == "-1001234567890:4711"
    assert post.text == "Great talk 🎉🎉 #DevConf"
    assert post.author == "@ana_dev"
    assert post.posted_at == datetime.fromtimestamp(1777888800, tz=UTC)
    assert post.tags == ("devconf",)


def test_telegram_reads_hashtags_at_utf16_offsets_after_emoji() -> None:
    text = "👩🏽‍💻 naïve 🎉 #Café and #ZweiteFrage@devconf_bot"
    entities = [hashtag_entity(text, "#Café"), hashtag_entity(text, "#ZweiteFrage@devconf_bot")]
    # Python indexes code points; the emoji above are several UTF-16 units each.
    assert entities[0]["offset"] != text.index("#Café")
    assert hashtags_from_entities(text, entities) == ("café", "zweitefrage")


def test_telegram_utf16_slice_cuts_by_code_units() -> None:
    assert utf16_slice("😀#a", 2, 2) == "#a"


def test_telegram_channel_posts_count_and_use_the_channel_title() -> None:
    post_message = text_message("Live now #DevConf", "#DevConf")
    del post_message["from"]
    post_message["chat"] = {"id": -100777, "type": "channel", "title": "DevConf News"}
    [post] = SOURCE.handle(delivery(update("channel_post", post_message)), SECRET, NOW).posts
    assert post.external_id == "-100777:4711"
    assert post.author == "DevConf News"


def test_telegram_captions_count_as_text() -> None:
    message = text_message("")
    del message["text"], message["entities"]
    caption = "Slide 3 #DevConf"
    message |= {"caption": caption, "caption_entities": [hashtag_entity(caption, "#DevConf")]}
    [post] = SOURCE.handle(delivery(update(message=message)), SECRET, NOW).posts
    assert post.text == caption
    assert post.tags == ("devconf",)


@pytest.mark.parametrize("key", ["edited_message", "edited_channel_post", "callback_query"])
def test_telegram_ignores_edits_and_other_update_kinds(key: str) -> None:
    assert SOURCE.handle(delivery(update(key)), SECRET, NOW).posts == []


def test_telegram_ignores_messages_from_bots_and_without_text() -> None:
    bot = text_message("beep")
    bot["from"] = {"id": 1, "is_bot": True, "first_name": "Bot"}
    sticker = text_message("x")
    del sticker["text"]
    assert SOURCE.handle(delivery(update(message=bot)), SECRET, NOW).posts == []
    assert SOURCE.handle(delivery(update(message=sticker)), SECRET, NOW).posts == []


def test_telegram_redelivery_keeps_chat_and_message_id_as_external_id() -> None:
    first = SOURCE.handle(delivery(update()), SECRET, NOW).posts[0]
    again = SOURCE.handle(delivery(update()), SECRET, NOW).posts[0]
    assert first.external_id == again.external_id == "-1001234567890:4711"


def test_telegram_rejects_a_wrong_secret_token() -> None:
    with pytest.raises(SignatureError) as caught:
        SOURCE.handle(delivery(update(), token="guess"), SECRET, NOW)
    assert caught.value.status == 401


def test_telegram_rejects_an_update_without_the_secret_token_header() -> None:
    with pytest.raises(SignatureError):
        SOURCE.handle(delivery(update(), token=None), SECRET, NOW)


def test_telegram_rejects_malformed_json_with_400() -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(b"{'update_id': 1}"), SECRET, NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"message": {"text": "no update id"}},
        {"update_id": 1, "message": {"message_id": 1, "text": "no chat"}},
        {"update_id": True},
    ],
)
def test_telegram_rejects_json_of_the_wrong_shape_with_422(payload: dict[str, Any]) -> None:
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(payload), SECRET, NOW)
    assert caught.value.status == 422


def test_telegram_ignores_entities_with_impossible_offsets() -> None:
    entities = [{"type": "hashtag", "offset": -1, "length": 3}, {"type": "hashtag", "offset": "0"}]
    assert hashtags_from_entities("#abc", entities) == ()


def test_telegram_rejects_an_oversized_body_with_413() -> None:
    big = update(message=text_message("x" * 300_000))
    with pytest.raises(PayloadError) as caught:
        SOURCE.handle(delivery(big), SECRET, NOW)
    assert caught.value.status == 413


def test_telegram_group_message_without_hashtag_counts_only_when_hashtags_are_optional() -> None:
    [post] = SOURCE.handle(delivery(update(message=text_message("No tag"))), SECRET, NOW).posts
    assert matches(post, ["devconf"])
    assert not matches(post, ["devconf"], chat_requires_hashtag=True)


def test_telegram_utf16_slice_counts_a_lone_surrogate_as_one_unit() -> None:
    assert utf16_slice("\ud800#a", 1, 2) == "#a"
    assert utf16_slice("#a\ud800b", 0, 4) == "#ab"


def test_telegram_text_with_a_lone_surrogate_keeps_its_hashtag() -> None:
    text = "#DevConf \ud800 x"
    message = text_message(text) | {"entities": [{"type": "hashtag", "offset": 0, "length": 8}]}
    [post] = SOURCE.handle(delivery(update(message=message)), SECRET, NOW).posts
    assert post.text == "#DevConf \ufffd x"
    assert post.tags == ("devconf",)
