"""Language choice among the board's languages; hashtags, mentions and URLs never count."""

from __future__ import annotations

import pytest

from scoreboard.sentiment import score
from scoreboard.sentiment.language import detect
from scoreboard.sentiment.tokens import split


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("what a great talk, thanks for sharing", "en"),
        ("wat een mooie presentatie, bedankt", "nl"),
        ("echt vet", "nl"),
        ("super talk", "en"),
    ],
)
def test_language_is_detected_among_english_and_dutch(text: str, lang: str) -> None:
    assert score(text).lang == lang


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # two or more hint words ahead: decided by the hints, and sure of it
        ("the demo was really great thanks".split(), ("en", True)),
        ("de demo was echt heel goed bedankt".split(), ("nl", True)),
        # one ahead ("the"), or none: the identifier decides, here against the lead
        ("the presentatie over kubernetes was interessant".split(), ("nl", True)),
        ("kubernetes operators observability pipelines".split(), ("en", True)),
    ],
)
def test_long_messages_with_a_clear_lead_of_hint_words_skip_the_identifier(
    words: list[str], expected: tuple[str, bool]
) -> None:
    assert detect(words, ("en", "nl")) == expected


@pytest.mark.parametrize("text", ["wat een mooie presentatie", "great talk", "👏", ""])
def test_language_is_restricted_to_the_board_languages(text: str) -> None:
    assert score(text, languages=("en",)).lang in {"en", None}


def test_mixed_dutch_and_english_still_scores() -> None:
    assert score("echt een awesome demo").label == "positive"
    assert score("great talk maar veel te snel").label == "negative"


def test_hashtags_and_mentions_do_not_count_as_words() -> None:
    assert score("#fail @terrible").label == "neutral"
    assert score("#fail @terrible").lang is None
    assert score("great talk #fail").label == "positive"


def test_board_hashtag_is_ignored_even_without_hash() -> None:
    assert score("#SadConf", ignore_tags=("sadconf",)).label == "neutral"
    assert score("sadconf", ignore_tags=("SadConf",)) == score("")


@pytest.mark.parametrize(
    ("text", "tag", "words"),
    [
        ("Great SADCONF talk", "sadconf", ("great", "talk")),
        ("great talk", "sadconf", ("great", "talk")),
        ("sadconference rocks", "sadconf", ("sadconference", "rocks")),
        # Lower case depends on context for a final sigma, and İ grows a dot: a word
        # counts as the tag when its own lower case is the tag.
        ("ΑΣ.Β vet", "ας", ("β", "vet")),
        ("İstanbul rocks", "i̇stanbul", ("rocks",)),
        ("Straße top", "strasse", ("straße", "top")),
    ],
)
def test_board_tag_words_are_dropped_by_their_lower_case(
    text: str, tag: str, words: tuple[str, ...]
) -> None:
    assert split(text, frozenset({tag})).words == words


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/awful-terrible-bad",
        "http://localhost:8000/awful-terrible-bad",
        "www.example.nl/awful",
        "awful-terrible.dev",
    ],
)
def test_urls_do_not_count(url: str) -> None:
    assert score(url).label == "neutral"
    assert score(f"see {url} now").label == "neutral"
