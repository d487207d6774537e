"""Shared source types: the hashtag rule, request normalisation, text and time helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scoreboard.sources.base import (
    Inbound,
    PayloadError,
    Post,
    SignatureError,
    SourceError,
    StaleError,
    backoff_delay,
    check_size,
    from_unix,
    hashtags_in,
    html_to_text,
    matches,
    normalise_tag,
    parse_iso,
    parse_json_object,
)


def post(source: str = "mastodon", *tags: str) -> Post:
    return Post(source, "1", "text", None, None, tags)


def test_matches_counts_posts_carrying_a_board_hashtag_case_insensitively() -> None:
    assert matches(post("mastodon", "devconf"), ["#DevConf"])
    assert matches(post("bluesky", "other", "devconf"), ["DEVCONF", "spare"])


def test_matches_drops_posts_without_a_board_hashtag() -> None:
    assert not matches(post("x", "other"), ["devconf"])
    assert not matches(post("webhook"), ["devconf"])


def test_matches_counts_chat_messages_unless_the_board_requires_hashtags() -> None:
    for source in ("slack", "teams", "telegram"):
        assert matches(post(source), ["devconf"])
        assert not matches(post(source), ["devconf"], chat_requires_hashtag=True)
        assert matches(post(source, "devconf"), ["devconf"], chat_requires_hashtag=True)


def test_matches_lets_the_caller_say_whether_a_source_is_a_chat() -> None:
    assert matches(post("webhook"), ["devconf"], chat_source=True)
    assert not matches(post("slack"), ["devconf"], chat_source=False)


def test_matches_nothing_for_a_board_without_hashtags_on_public_networks() -> None:
    assert not matches(post("bluesky", "devconf"), [])


def test_normalise_tag_folds_case_width_and_the_hash() -> None:
    assert normalise_tag("#ＤｅｖＣｏｎｆ") == "devconf"
    assert normalise_tag(" #Café ") == "café"


def test_hashtags_in_finds_unicode_tags_but_not_anchors_entities_or_numbers() -> None:
    text = "#DevConf rocks! #Café #2 https://x.test/page#frag a#b &#39; #devconf"
    assert hashtags_in(text) == ("devconf", "café")


def test_inbound_lowercases_header_names_and_method() -> None:
    inbound = Inbound(method="post", headers={"X-Slack-Signature": "v0=1"}, body=b"")
    assert inbound.headers == {"x-slack-signature": "v0=1"}
    assert inbound.header("X-SLACK-SIGNATURE") == "v0=1"
    assert inbound.method == "POST"
    assert inbound.query == {}


def test_error_statuses_follow_the_contract() -> None:
    assert SignatureError("x").status == 401
    assert StaleError("x").status == 401
    assert isinstance(StaleError("x"), SignatureError)
    assert PayloadError("x").status == 400
    assert PayloadError("x", status=422).status == 422
    assert isinstance(PayloadError("x"), SourceError)
    assert PayloadError("bad").message == "bad"


def test_check_size_allows_the_limit_and_refuses_one_byte_more() -> None:
    check_size(b"x" * 10, 10)
    with pytest.raises(PayloadError) as caught:
        check_size(b"x" * 11, 10)
    assert caught.value.status == 413


@pytest.mark.parametrize("body", [b"", b"{", b"\xff", b"nul", b"[" * 100_000])
def test_parse_json_object_maps_unreadable_bodies_to_400(body: bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_json_object(body)
    assert caught.value.status == 400


@pytest.mark.parametrize("body", [b"[]", b"1", b'"x"', b"null"])
def test_parse_json_object_maps_non_objects_to_422(body: bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        parse_json_object(body)
    assert caught.value.status == 422


def test_html_to_text_keeps_paragraphs_and_line_breaks() -> None:
    markup = "<p>One&nbsp;&amp; two<br>three</p><p>Four <b>bold</b></p>"
    assert html_to_text(markup) == "One & two\nthree\n\nFour bold"


def test_html_to_text_drops_script_and_style_content() -> None:
    assert html_to_text("<style>p{}</style><p>ok<script>x()</script></p>") == "ok"


def test_parse_iso_returns_aware_utc() -> None:
    assert parse_iso("2026-05-04T12:00:00+02:00") == datetime(2026, 5, 4, 10, tzinfo=UTC)
    assert parse_iso("2026-05-04T10:00:00") == datetime(2026, 5, 4, 10, tzinfo=UTC)
    assert parse_iso("yesterday") is None
    assert parse_iso(None) is None


def test_from_unix_reads_numbers_and_numeric_strings() -> None:
    assert from_unix("1777888800.5") == datetime(2026, 5, 4, 10, 0, 0, 500000, tzinfo=UTC)
    assert from_unix(1777888800) == datetime(2026, 5, 4, 10, tzinfo=timezone(timedelta(0)))
    assert from_unix("soon") is None
    assert from_unix(True) is None
    assert from_unix(10**20) is None


def test_backoff_grows_exponentially_with_jitter_and_stays_bounded() -> None:
    for attempt in range(12):
        delay = backoff_delay(attempt, 0.5, 30.0)
        ceiling = min(30.0, 0.5 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(10_000, 1.0, 60.0) <= 60.0


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_parse_iso_gives_no_time_for_a_moment_utc_cannot_hold(moment: str) -> None:
    assert parse_iso(moment) is None


def test_post_replaces_lone_surrogates_in_free_text_one_unit_for_one() -> None:
    made = Post("webhook", "1", "a\ud800b", "\udfffAna", None, ("x\ud800",), "e\ud800")
    assert (made.text, made.author, made.tags, made.lang) == (
        "a\ufffdb",
        "\ufffdAna",
        ("x\ufffd",),
        "e\ufffd",
    )
    assert Post("x", "1", "\U0001f389 ok", None, None, ()).text == "\U0001f389 ok"


def test_post_refuses_an_id_that_is_not_valid_unicode_with_422() -> None:
    with pytest.raises(PayloadError) as caught:
        Post("slack", "Ev\ud800", "text", None, None, ())
    assert caught.value.status == 422
    assert caught.value.message.startswith("the slack post's id is not valid Unicode")
