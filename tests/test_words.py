"""The word cloud gets content words only: no stop words, tags, mentions or links."""

from __future__ import annotations

from scoreboard.words import STOP_WORDS_EN, STOP_WORDS_NL, cloud_words


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
