"""Language choice among the board's languages; hashtags, mentions and URLs never count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scoreboard.sentiment import score
from scoreboard.sentiment.language import detect, identifier
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


def test_one_identifier_serves_a_set_of_languages_in_any_order() -> None:
    assert identifier(("nl", "en")) is identifier(("en", "nl"))
    assert identifier(("xx",)) is None  # no language the model knows


def _arrays(value: Any, depth: int = 0) -> Iterator[np.ndarray[Any, Any]]:
    """Every NumPy array reachable from `value` through slots, tuples and lists."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, tuple | list) and depth < 3:
        for item in value[:10]:  # the model's long lists hold numbers
            yield from _arrays(item, depth + 1)
    elif depth == 0:
        for name in getattr(type(value), "__slots__", ()):
            yield from _arrays(getattr(value, name, None), depth + 1)


def test_the_identifier_keeps_the_weights_of_its_languages_only() -> None:
    """The weights of py3langid's other languages (28 MB) are not kept alive."""
    arrays = list(_arrays(identifier(("en", "nl"))))
    assert arrays
    assert max(array.shape[-1] for array in arrays) == 2


def test_the_identifier_answers_as_py3langid_restricted_to_the_same_languages() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    reference.set_languages(["nl", "en"])
    ours = identifier(("nl", "en"))
    assert ours is not None
    data = Path(__file__).parents[2] / "bench" / "data"
    lines = [
        line.split("\t")[-1]
        for name in ("sentiment_dev_en.tsv", "sentiment_dev_nl.tsv")
        for line in (data / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(lines) > 500
    assert [ours.classify(text) for text in lines] == [reference.classify(t) for t in lines]


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
