"""Dutch: pattern's lexicon, informal words, negation, intensifiers and phrases."""

from __future__ import annotations

import pytest

from scoreboard.sentiment import score


@pytest.mark.parametrize("text", ["echt vet", "toppie", "gave demo", "goed gedaan!", "te gek"])
def test_informal_dutch_praise_is_positive(text: str) -> None:
    assert score(text).label == "positive"


@pytest.mark.parametrize("text", ["niet leuk", "geen goede talk", "leuk vond ik het niet"])
def test_negation_flips_dutch_praise(text: str) -> None:
    assert score(text).label == "negative"


def test_intensifier_strengthens_dutch_praise() -> None:
    assert score("heel erg leuk").score > score("leuk").score > 0


@pytest.mark.parametrize(
    "text",
    ["te snel", "kan beter", "niet te volgen", "geluid valt weg", "saai", "mwah", "balen"],
)
def test_dutch_complaints_are_negative(text: str) -> None:
    assert score(text).label == "negative"


@pytest.mark.parametrize(
    "text", ["wanneer is de pauze?", "waar kan ik de slides vinden?", "welke tool is dat?"]
)
def test_dutch_questions_are_neutral(text: str) -> None:
    assert score(text).label == "neutral"


def test_maar_weights_the_second_half() -> None:
    assert score("leuk onderwerp maar veel te snel").label == "negative"
