"""The seam's contract: types, ranges, labels, languages, and never raising."""

from __future__ import annotations

import dataclasses

import pytest

from scoreboard.sentiment import Sentiment, score, warm_up

NASTY = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "!!!???...",
    "👏" * 500,
    "a" * 5000,
    "great " * 1000,
    "\u200d\ufe0f\U0001f3fd",
    "İİİ ǅ ﬁ",
    "日本語のテキスト ok",
    "مرحبا great",
    "\ud800 lone surrogate",
    "#",
    "@",
    "http://",
    "::::))))((((",
    "<script>alert(1)</script>",
]


def test_sentiment_is_a_frozen_slotted_dataclass_with_three_fields() -> None:
    result = score("great talk")
    assert dataclasses.is_dataclass(result)
    assert [f.name for f in dataclasses.fields(result)] == ["label", "score", "lang"]
    assert not hasattr(result, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.label = "negative"  # type: ignore[misc]


@pytest.mark.parametrize("text", NASTY)
def test_never_raises_and_stays_in_range_on_odd_input(text: str) -> None:
    result = score(text, emoji="👏", languages=("en", "nl"), ignore_tags=("x",))
    assert isinstance(result, Sentiment)
    assert -1.0 <= result.score <= 1.0
    assert result.label in {"positive", "neutral", "negative"}


@pytest.mark.parametrize("text", ["great!!!! " * 30, "awful terrible " * 50, "😡" * 40])
def test_score_stays_within_minus_one_and_one(text: str) -> None:
    assert -1.0 <= score(text).score <= 1.0


def test_label_agrees_with_score_sign() -> None:
    for text in ["amazing talk", "boring talk", "where is room 4?"]:
        result = score(text)
        expected = {1: "positive", -1: "negative", 0: "neutral"}
        sign = (result.score >= 0.05) - (result.score <= -0.05)
        assert result.label == expected[sign]


def test_unknown_tap_emoji_and_empty_text_is_neutral_without_language() -> None:
    assert score("", emoji="🦄") == Sentiment("neutral", 0.0, None)


def test_warm_up_is_idempotent() -> None:
    warm_up()
    warm_up()
    assert score("nice").label == "positive"


def test_unsupported_language_codes_do_not_break_scoring() -> None:
    result = score("great talk", languages=("xx", "en"))
    assert result.lang in {"xx", "en"}
    assert score("great talk", languages=()).lang is None
