"""Emoji: one-tap reactions, emoji typed in text, presentation variants and skin tones."""

from __future__ import annotations

import random

import pytest

from scoreboard.sentiment import emoji, score


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


def _split_by_walk(text: str) -> tuple[str, tuple[str, ...]]:
    """split_emoji's definition, one character at a time (its original implementation)."""
    kept: list[str] = []
    found: list[str] = []
    after_zwj = False
    for char in text:
        cp = ord(char)
        if cp in emoji._MODIFIERS or cp in emoji._SKIN_TONES:
            continue
        if cp == emoji._ZWJ:
            after_zwj = True
            continue
        if emoji.is_emoji(char):
            if not after_zwj:
                found.append(char)
            kept.append(" ")
        else:
            kept.append(char)
        after_zwj = False
    return "".join(kept), tuple(found)


def test_is_emoji_is_exactly_the_ranges_without_skin_tones() -> None:
    for cp in range(0x110000):
        in_ranges = any(low <= cp <= high for low, high in emoji._EMOJI_RANGES)
        assert emoji.is_emoji(chr(cp)) == (in_ranges and cp not in emoji._SKIN_TONES), hex(cp)


def test_split_emoji_equals_the_character_walk() -> None:
    borders = [
        cp + d for low, high in emoji._EMOJI_RANGES for cp in (low, high) for d in (-1, 0, 1)
    ]
    specials = [*emoji._MODIFIERS, emoji._ZWJ, *emoji._SKIN_TONES, 0x1F3FA, 0x1F400, *borders]
    pool = [*"abc xD:) !?'\n", "İ", *emoji.EMOJI, *map(chr, specials)]
    rng = random.Random(2024)
    texts = ["", "great talk", "👨‍👩‍👧", "🏳️‍🌈 ok", "1️⃣", "‍👍", "👍🏽‍", "a‍b", "️"]
    texts += ["".join(rng.choices(pool, k=rng.randint(1, 12))) for _ in range(20_000)]
    for text in texts:
        assert emoji.split_emoji(text) == _split_by_walk(text), repr(text)
