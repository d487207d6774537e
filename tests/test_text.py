"""Untrusted text is cleaned: no control or bidi tricks, emoji sequences intact."""

from __future__ import annotations

import pytest

from scoreboard.text import clean_name, clean_text

FAMILY = "👨\u200d👩\u200d👧\u200d👦"
RAINBOW_FLAG = "🏳\ufe0f\u200d🌈"
NL_FLAG = "🇳🇱"
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
HEART = "❤\ufe0f"
THUMB_DARK = "👍🏿"


@pytest.mark.parametrize(
    "bidi",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_embeddings_overrides_and_isolates_are_removed(bidi: str) -> None:
    assert clean_text(f"good{bidi}talk") == "goodtalk"


def test_right_to_left_override_cannot_flip_a_message() -> None:
    assert clean_text("nice \u202eklat terces\u202c end") == "nice klat terces end"


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\u200b", "\ufeff"])
def test_control_and_invisible_format_characters_are_removed(control: str) -> None:
    assert clean_text(f"a{control}b") == "ab"


def test_terminal_escape_sequences_lose_their_escape_character() -> None:
    assert "\x1b" not in clean_text("\x1b[31mred\x1b[0m")


@pytest.mark.parametrize("emoji", [FAMILY, RAINBOW_FLAG, NL_FLAG, SCOTLAND, HEART, THUMB_DARK])
def test_emoji_sequences_and_flags_are_kept_whole(emoji: str) -> None:
    assert clean_text(f"  love it {emoji} ") == f"love it {emoji}"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  hello  ", "hello"),
        ("a \t\n\r b", "a b"),
        ("line one\n\n\nline two", "line one line two"),
        ("wide\u3000space\u00a0here", "wide space here"),
        ("\n\t ", ""),
        ("  great   talk! (really) :-) ~{}|  ", "great talk! (really) :-) ~{}|"),
    ],
)
def test_whitespace_is_trimmed_and_runs_are_folded_to_one_space(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_text_is_nfc_normalised() -> None:
    assert clean_text("cafe\u0301") == "caf\u00e9"


def test_clean_name_is_cleaned_capped_and_none_when_empty() -> None:
    assert clean_name("  Ann\u202e  ") == "Ann"
    assert clean_name("x" * 100) == "x" * 40
    assert clean_name("abc", max_length=2) == "ab"
    assert clean_name(" \x00\u202e ") is None
