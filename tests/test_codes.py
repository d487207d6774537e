"""Join codes are easy to read aloud, slugs are URL-safe, tokens are compared by hash."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from scoreboard.codes import (
    JOIN_ALPHABET,
    JOIN_LENGTH,
    hash_token,
    new_client_id,
    new_join_code,
    new_token,
    normalise_join_code,
    slugify,
    token_matches,
)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_join_alphabet_has_no_ambiguous_characters() -> None:
    for ambiguous in "IL O01":
        assert ambiguous not in JOIN_ALPHABET
    assert re.fullmatch(r"[A-Z2-9]+", JOIN_ALPHABET)
    assert len(set(JOIN_ALPHABET)) == len(JOIN_ALPHABET)


def test_join_codes_use_only_the_alphabet_and_the_default_length() -> None:
    codes = {new_join_code() for _ in range(300)}
    for code in codes:
        assert len(code) == JOIN_LENGTH
        assert set(code) <= set(JOIN_ALPHABET)
    assert len(codes) > 250, "codes should be random"


def test_join_code_length_can_be_chosen() -> None:
    assert len(new_join_code(8)) == 8


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("abc23", "ABC23"), (" ab-c 23 ", "ABC23"), ("AB\tC-2-3", "ABC23"), ("ABC23", "ABC23")],
)
def test_normalise_join_code_upper_cases_and_drops_spaces_and_dashes(
    typed: str, stored: str
) -> None:
    assert normalise_join_code(typed) == stored


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("My Great Talk", "my-great-talk"),
        ("  --Hello,   World!!  ", "hello-world"),
        ("Café Crème à la Möbius", "cafe-creme-a-la-mobius"),
        ("Ünïcödé Ålpha", "unicode-alpha"),
        ("Python 3.13: what's new?", "python-3-13-what-s-new"),
    ],
)
def test_slugify_makes_lower_case_ascii_words_joined_by_dashes(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["", "   ", "!!!", "日本語", "🎉🎉", "---"])
def test_slugify_falls_back_to_board_when_nothing_is_left(title: str) -> None:
    assert slugify(title) == "board"


def test_slugify_caps_the_length_without_a_trailing_dash() -> None:
    slug = slugify("word " * 40, max_length=12)
    assert len(slug) <= 12
    assert SLUG.match(slug)
    assert slugify("abcdefghij-klm", max_length=11) == "abcdefghij"


def test_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) >= 32
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)


def test_hash_token_is_stable_and_does_not_contain_the_token() -> None:
    token = new_token()
    assert hash_token(token) == hash_token(token)
    assert hash_token(token) != hash_token(token + "x")
    assert token not in hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token(token))


def test_token_matches_only_the_token_that_was_hashed() -> None:
    token = new_token()
    stored = hash_token(token)
    assert token_matches(token, stored)
    assert not token_matches(token[:-1], stored)
    assert not token_matches("", stored)
    assert not token_matches(stored, stored)


def test_a_client_id_is_a_uuid7_in_hex_starting_with_the_time() -> None:
    before = time.time_ns() // 1_000_000
    made = new_client_id()
    after = time.time_ns() // 1_000_000
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    parsed = uuid.UUID(made)
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert before <= int(made[:12], 16) <= after


def test_client_ids_sort_by_their_time_and_are_unique_within_one() -> None:
    """What keeps new rows side by side in the dedupe index, and their keys apart."""
    ids = [new_client_id(ms) for ms in (1_764_403_200_000, 1_764_403_200_001) for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert max(ids[:5000]) < min(ids[5000:])
    assert {made[:12] for made in ids} == {f"{1_764_403_200_000:012x}", f"{1_764_403_200_001:012x}"}
    assert {uuid.UUID(made).version for made in ids} == {7}
    assert len({made[12:] for made in ids}) == len(ids)  # the random part varies
