"""The word cloud gets content words only: no stop words, tags, mentions or links."""

from __future__ import annotations

import random

from scoreboard import words
from scoreboard.words import STOP_WORDS, STOP_WORDS_EN, STOP_WORDS_NL, cloud_words


def every_pass(text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The definition `cloud_words` keeps: links removed from every text, each token
    lower-cased on its own."""
    found = (
        m.group().lower().strip("'’-") for m in words._TOKEN.finditer(words._URL.sub(" ", text))
    )
    return [w for w in found if w[:1] not in "#@" and len(w) >= 3 and w not in STOP_WORDS | ignore]


def test_english_stop_words_are_removed() -> None:
    assert cloud_words("The demo was really about the Kubernetes operator") == [
        "demo",
        "kubernetes",
        "operator",
    ]


def test_dutch_stop_words_are_removed() -> None:
    assert cloud_words("Het was echt een geweldige presentatie over de database") == [
        "geweldige",
        "presentatie",
        "database",
    ]


def test_common_stop_words_are_in_the_lists() -> None:
    assert {"the", "and", "with", "this"} <= STOP_WORDS_EN
    assert {"het", "een", "niet", "maar"} <= STOP_WORDS_NL


def test_words_are_lower_cased() -> None:
    assert cloud_words("SQLite Rocks") == ["sqlite", "rocks"]


def test_hashtags_and_mentions_are_skipped() -> None:
    assert cloud_words("#pycon great slides @speaker") == ["great", "slides"]


def test_urls_are_skipped() -> None:
    words = cloud_words("slides at https://example.com/talk/slides and www.example.org thanks")
    assert words == ["slides", "thanks"]
    assert not any("example" in word or "http" in word for word in words)


def test_the_boards_own_tag_is_ignored_as_a_plain_word() -> None:
    assert cloud_words("pycon is great, pycon rocks", frozenset({"pycon"})) == [
        "great",
        "rocks",
    ]
    assert "pycon" in cloud_words("pycon is great")


def test_short_words_and_numbers_are_skipped() -> None:
    assert cloud_words("ok go 42 100% ai ux wow") == ["wow"]


def test_apostrophes_and_quotes_around_words_are_trimmed() -> None:
    assert cloud_words("'brilliant' talk") == ["brilliant", "talk"]
    assert "don't" not in cloud_words("don't")


def test_non_ascii_words_are_kept() -> None:
    assert cloud_words("überzeugend café") == ["überzeugend", "café"]


def test_a_word_lower_cased_longer_is_kept_whole() -> None:
    """Lower-casing a whole non-ASCII text could split a word ("İ" becomes "i" and a dot)."""
    assert cloud_words("\u0130stanbul was GREAT") == ["i\u0307stanbul", "great"]


def test_the_quick_checks_change_nothing() -> None:
    """Generated texts with links of every spelling, capitals, tags and non-ASCII letters
    (seeded: the same every run) give the words of the unconditional passes."""
    rng = random.Random(20261130)
    pieces = [
        *"great Talk DEMO echt vet Caf\u00e9 \u0130yi don't 'quoted' -dash- c50-3-s3 17".split(),
        *"https://x.com/a HTTP://LOCALHOST:8000 http://intranet www.test.nl WWW.TEST.NL".split(),
        *"foo.com/b a.b 3.5 talk. :// #talk @speaker \u00e9\u00e9n".split(),
    ]
    for _ in range(20_000):
        text = rng.choice([" ", "", "-", "."]).join(
            rng.choice(pieces) for _ in range(rng.randint(0, 10))
        )
        ignore = frozenset({"demo"}) if rng.random() < 0.3 else frozenset()
        assert cloud_words(text, ignore) == every_pass(text, ignore), text
