"""Pages speak English or Dutch: the board's choice, else the visitor's Accept-Language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoreboard.filters import hold_reason
from scoreboard.i18n import STRINGS, pick_language, script_strings


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


ROOT = Path(__file__).resolve().parents[1]
# Organiser words that are the same in Dutch: a brand, a borrowed word, a technical name.
SAME_IN_DUTCH = {
    "admin_hashtags",
    "admin_filter",
    "admin_js_flag_link",
    "admin_js_network_webhook",
}


def test_each_string_has_the_same_placeholders_in_both_languages() -> None:
    for key, english in STRINGS["en"].items():
        found = set(re.findall(r"\{(\w+)\}", english))
        assert found == set(re.findall(r"\{(\w+)\}", STRINGS["nl"][key])), key


def test_the_organiser_page_is_translated_into_dutch() -> None:
    organiser = [key for key in STRINGS["en"] if key.startswith("admin_")]
    untranslated = {key for key in organiser if STRINGS["nl"][key] == STRINGS["en"][key]}
    assert untranslated == SAME_IN_DUTCH


def test_the_organiser_template_names_only_existing_strings() -> None:
    """Jinja renders a missing key as nothing at all: a typo would leave a blank label."""
    template = (ROOT / "web" / "templates" / "admin.html").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\.(\w+)", template))
    assert used
    assert used <= set(STRINGS["en"])


def test_the_organiser_scripts_ask_only_for_strings_they_are_sent() -> None:
    sent = script_strings("en", "admin_js_")
    for name in ("admin.js", "admin_networks.js"):
        script = (ROOT / "web" / "static" / "js" / name).read_text(encoding="utf-8")
        asked = set(re.findall(r"\bsay\(\"(\w+)\"", script))
        assert asked, name
        assert asked <= set(sent), (name, asked - set(sent))


def test_script_strings_are_the_prefixed_keys_without_their_prefix() -> None:
    dutch = script_strings("nl", "admin_js_")
    assert dutch["saved"] == STRINGS["nl"]["admin_js_saved"] == "Opgeslagen."
    assert len(dutch) == sum(key.startswith("admin_js_") for key in STRINGS["nl"])
    assert "admin_title" not in dutch
    assert "title" not in dutch


def test_every_reason_a_message_is_held_has_words_on_the_organiser_page() -> None:
    """The row details translate the server's flags; a missing one showed as the code."""
    flags = {"pre", "banned"}  # ingest._decide's own, plus every reason hold_reason gives
    for text, options in [
        ("spam", {"custom": ["spam"]}),
        ("see example.com", {}),
        ("@bob hi", {"hold_mentions": True}),
        ("!!!", {}),
    ]:
        reason = hold_reason(text, **options)  # type: ignore[arg-type]
        assert reason is not None
        flags.add(reason)
    for lang in STRINGS:
        words = script_strings(lang, "admin_js_")
        assert {f"flag_{flag}" for flag in flags} <= set(words), lang


def test_the_report_templates_name_only_existing_strings() -> None:
    templates = ROOT / "web" / "templates"
    paths = [templates / "report.html", templates / "report_login.html"]
    paths += sorted((templates / "partials").glob("report_*.html"))
    assert len(paths) == 8
    for name in paths:
        template = name.read_text(encoding="utf-8")
        used = set(re.findall(r"\bt\.(\w+)", template))
        assert used, name
        assert used <= set(STRINGS["en"]), (name, used - set(STRINGS["en"]))


def test_the_report_is_translated_into_dutch() -> None:
    report = [key for key in STRINGS["en"] if key.startswith("report_")]
    assert len(report) > 30
    same = {key for key in report if STRINGS["nl"][key] == STRINGS["en"][key]}
    assert same == {"report_emoji", "report_by", "report_per_minutes"}
