"""English: VADER plus what talk audiences actually say."""

from __future__ import annotations

import pytest

from scoreboard.sentiment import score


@pytest.mark.parametrize(
    "text",
    ["killing it", "sick demo", "this is fire", "mind blown", "insane", "nailed it", "great talk"],
)
def test_audience_slang_is_positive(text: str) -> None:
    assert score(text).label == "positive"


def test_negation_flips_english_praise() -> None:
    assert score("great talk").label == "positive"
    assert score("not a great talk").label == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "can't hear you",
        "too fast",
        "can't read the slides",
        "the audio keeps cutting out",
        "font is tiny, zoom in please",
        "boring",
    ],
)
def test_complaints_are_negative(text: str) -> None:
    assert score(text).label == "negative"


@pytest.mark.parametrize(
    "text",
    ["where are the slides?", "what tool is that?", "is this being recorded?", "room 2 is full"],
)
def test_questions_and_logistics_are_neutral(text: str) -> None:
    assert score(text).label == "neutral"


def test_please_in_a_request_is_not_praise() -> None:
    assert score("please share the repo").label == "neutral"


def test_tech_vocabulary_is_not_negative() -> None:
    assert score("how do you handle the attack surface?").label == "neutral"
