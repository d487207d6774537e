"""Pages speak English or Dutch: the board's choice, else the visitor's Accept-Language."""

from __future__ import annotations

import pytest

from scoreboard.i18n import STRINGS, pick_language


def test_english_and_dutch_have_the_same_keys_and_no_empty_strings() -> None:
    assert set(STRINGS) == {"en", "nl"}
    assert set(STRINGS["en"]) == set(STRINGS["nl"])
    for strings in STRINGS.values():
        assert all(value.strip() for value in strings.values())


def test_dutch_strings_are_translated() -> None:
    assert STRINGS["nl"]["send"] != STRINGS["en"]["send"]
    assert STRINGS["nl"]["closed"] != STRINGS["en"]["closed"]


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("nl-NL,nl;q=0.9", "nl"),
        ("nl", "nl"),
        ("NL-be", "nl"),
        ("en-US,en;q=0.9,nl;q=0.8", "en"),
        ("nl;q=0.9,en;q=0.5", "nl"),
        ("en;q=0.2,nl;q=0.7", "nl"),
        ("de-DE,de;q=0.9,nl;q=0.8", "nl"),
        ("de-DE,fr;q=0.9", "en"),
        ("", "en"),
        ("nl;q=abc,en;q=0.1", "en"),
    ],
)
def test_auto_picks_the_visitors_best_supported_language(header: str, lang: str) -> None:
    assert pick_language("auto", header) == lang


def test_no_accept_language_header_means_english() -> None:
    assert pick_language("auto", None) == "en"


@pytest.mark.parametrize("fixed", ["en", "nl"])
def test_board_ui_language_overrides_the_visitor(fixed: str) -> None:
    other = "en" if fixed == "nl" else "nl"
    assert pick_language(fixed, other) == fixed
