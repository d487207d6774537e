"""From an untrusted submission to a draft: cleaned, checked against the board, status set."""

from __future__ import annotations

from typing import Any

import pytest

from scoreboard.ingest import IngestError, draft_reaction, match_emoji
from scoreboard.models import Board

OFFERED = ["👏", "❤️", "😂", "👎"]


def make_board(**fields: Any) -> Board:
    values: dict[str, Any] = {
        "id": 3,
        "slug": "talk",
        "title": "Talk",
        "join_code": "ABCDE",
        "reactions": list(OFFERED),
        "languages": ["en", "nl"],
        "hashtags": ["pycon"],
        "token_hash": "x",
        **fields,
    }
    return Board(**values)


@pytest.mark.parametrize("sent", ["❤\ufe0f", "❤", " ❤\ufe0f "])
def test_emoji_is_matched_with_or_without_the_variation_selector(sent: str) -> None:
    assert match_emoji(sent, OFFERED) == "❤️"


def test_an_offered_emoji_without_selector_matches_one_sent_with_it() -> None:
    assert match_emoji("👏\ufe0f", OFFERED) == "👏"


@pytest.mark.parametrize("sent", [None, "", "   "])
def test_no_emoji_is_none(sent: str | None) -> None:
    assert match_emoji(sent, OFFERED) is None


@pytest.mark.parametrize("sent", ["🍕", "👍", "x", "👏👏"])
def test_an_emoji_the_board_does_not_offer_is_refused_with_the_choices(sent: str) -> None:
    with pytest.raises(IngestError) as caught:
        match_emoji(sent, OFFERED)
    assert caught.value.status == 422
    assert "not offered" in str(caught.value)
    assert all(emoji in str(caught.value) for emoji in OFFERED)


def test_a_draft_carries_the_board_and_cleaned_fields() -> None:
    board = make_board(current_segment="Demo")
    draft = draft_reaction(
        board,
        source="api",
        text="  great\u202e   demo\x00 ",
        emoji="❤",
        author=" Ann\u202e ",
        external_id="c-1",
    )
    assert draft.board_id == 3
    assert draft.source == "api"
    assert draft.text == "great demo"
    assert draft.emoji == "❤️"
    assert draft.author == "Ann"
    assert draft.external_id == "c-1"
    assert draft.segment == "Demo"
    assert draft.status == "visible"
    assert tuple(draft.languages) == ("en", "nl")
    assert tuple(draft.ignore_tags) == ("pycon",)
    assert draft.key == (3, "api", "c-1")


def test_a_draft_without_client_id_has_no_dedupe_key() -> None:
    assert draft_reaction(make_board(), source="form", text="hi there").key is None


@pytest.mark.parametrize(
    ("text", "emoji"), [(None, None), ("", ""), ("   \n\t", None), ("\x00\u202e", " ")]
)
def test_an_empty_reaction_is_refused(text: str | None, emoji: str | None) -> None:
    with pytest.raises(IngestError) as caught:
        draft_reaction(make_board(), source="api", text=text, emoji=emoji)
    assert caught.value.status == 422
    assert "empty" in str(caught.value)


def test_an_emoji_alone_is_accepted() -> None:
    draft = draft_reaction(make_board(), source="form", emoji="👏")
    assert draft.text is None
    assert draft.emoji == "👏"


def test_an_unknown_emoji_is_refused_even_with_text() -> None:
    with pytest.raises(IngestError) as caught:
        draft_reaction(make_board(), source="api", text="nice", emoji="🍕")
    assert caught.value.status == 422


def test_text_over_the_limit_is_refused_with_413() -> None:
    with pytest.raises(IngestError) as caught:
        draft_reaction(make_board(), source="api", text="a" * 501)
    assert caught.value.status == 413
    assert "501" in str(caught.value)
    assert "500" in str(caught.value)


def test_the_limit_counts_characters_after_cleaning() -> None:
    padded = "  " + "a" * 10 + " \n " * 50
    assert draft_reaction(make_board(), source="api", text=padded, max_text_length=10).text == (
        "a" * 10
    )
    with pytest.raises(IngestError):
        draft_reaction(make_board(), source="api", text="a" * 11, max_text_length=10)


def test_emoji_text_at_the_limit_is_accepted() -> None:
    text = "👨\u200d👩\u200d👧" * 100
    assert draft_reaction(make_board(), source="api", text=text, max_text_length=500).text == text


def test_a_closed_board_refuses_with_403() -> None:
    with pytest.raises(IngestError) as caught:
        draft_reaction(make_board(open=False), source="api", text="hello", emoji="👏")
    assert caught.value.status == 403
    assert "closed" in str(caught.value)


def test_pre_moderation_holds_text() -> None:
    draft = draft_reaction(make_board(moderation="pre"), source="api", text="a question")
    assert draft.status == "held"


def test_pre_moderation_holds_text_sent_with_a_tap() -> None:
    draft = draft_reaction(make_board(moderation="pre"), source="api", text="hm", emoji="👏")
    assert draft.status == "held"


def test_pre_moderation_does_not_hold_pure_taps() -> None:
    """A tap has no words to approve: it counts at once (DESIGN: taps drive the emoji bursts)."""
    draft = draft_reaction(make_board(moderation="pre"), source="form", emoji="👏")
    assert draft.status == "visible"


def test_auto_moderation_shows_text() -> None:
    assert draft_reaction(make_board(), source="api", text="nice").status == "visible"
