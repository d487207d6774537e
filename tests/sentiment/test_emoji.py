"""Emoji: one-tap reactions, emoji typed in text, presentation variants and skin tones."""

from __future__ import annotations

import pytest

from scoreboard.sentiment import score


@pytest.mark.parametrize("tap", ["👏", "👍", "🙌", "❤️", "❤", "😂", "🤯", "🔥"])
def test_positive_tap_without_text_is_positive_without_language(tap: str) -> None:
    result = score("", emoji=tap)
    assert result.label == "positive"
    assert result.lang is None


@pytest.mark.parametrize("tap", ["👎", "😴", "🙄"])
def test_negative_tap_without_text_is_negative(tap: str) -> None:
    assert score("", emoji=tap).label == "negative"


def test_thinking_face_tap_is_neutral() -> None:
    assert score("", emoji="🤔").label == "neutral"


def test_heart_with_and_without_variation_selector_score_the_same() -> None:
    assert score("❤️").score == score("❤").score > 0


@pytest.mark.parametrize("tone", ["", "\U0001f3fb", "\U0001f3fd", "\U0001f3ff"])
def test_skin_tone_does_not_change_the_score(tone: str) -> None:
    assert score("👍" + tone).score == score("👍").score


def test_emoji_only_text_has_no_language() -> None:
    result = score("👏👏👏")
    assert result.label == "positive"
    assert result.lang is None


def test_text_wins_over_a_conflicting_tap() -> None:
    assert score("can't hear anything", emoji="👏").label == "negative"
    assert score("super talk, echt vet", emoji="👎").label == "positive"


def test_tap_tips_neutral_text() -> None:
    assert score("slide 12", emoji="👏").label == "positive"
    assert score("slide 12", emoji="👎").label == "negative"


def test_question_with_thinking_tap_stays_neutral() -> None:
    assert score("what tool is that?", emoji="🤔").label == "neutral"


def test_text_emoticons_count() -> None:
    assert score("nice :)").score > score("nice").score
    assert score(":(").label == "negative"
