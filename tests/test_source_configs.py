"""Per-board source settings as plain functions on a Session, and the feed plan they imply."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from scoreboard.db import create_schema, make_engine
from scoreboard.feeds import FeedSpec, feed_spec
from scoreboard.ingest import draft_from_post, shorten
from scoreboard.models import Board
from scoreboard.source_configs import (
    PULL_SOURCES,
    SourceChange,
    SourceConfig,
    SourceConfigError,
    config_public,
    enabled_pull_configs,
    get_config,
    known_sources,
    list_configs,
    mask,
    put_config,
    save_position,
)
from scoreboard.sources import WEBHOOK_SOURCES, Post

WHSEC = "whsec_" + base64.b64encode(b"domain-test-secret-0123456789").decode()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'configs.db'}")
    create_schema(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def board(session: Session) -> Board:
    board = Board(
        slug="talk", title="Talk", join_code="ABCDE", token_hash="x", hashtags=["DevConf"]
    )
    session.add(board)
    session.commit()
    session.refresh(board)
    return board


def board_id(board: Board) -> int:
    assert board.id is not None
    return board.id


def test_known_sources_are_the_webhook_registry_plus_the_pull_feeds() -> None:
    assert known_sources() == (*WEBHOOK_SOURCES, *PULL_SOURCES)
    assert "bluesky" in known_sources()
    assert "mastodon_feed" in known_sources()


def test_put_creates_then_updates_one_row_per_board_and_source(
    session: Session, board: Board
) -> None:
    put_config(session, board_id(board), "webhook", SourceChange(enabled=True, secret=WHSEC))
    put_config(session, board_id(board), "webhook", SourceChange(enabled=False))
    [config] = list_configs(session, board_id(board))
    assert config.enabled is False
    assert config.secret == WHSEC


def test_put_refuses_unknown_sources_with_404(session: Session, board: Board) -> None:
    with pytest.raises(SourceConfigError) as caught:
        put_config(session, board_id(board), "friendster", SourceChange(enabled=True))
    assert caught.value.status == 404
    assert "slack" in str(caught.value)


def test_put_refuses_enabling_a_webhook_without_a_secret(session: Session, board: Board) -> None:
    with pytest.raises(SourceConfigError, match="secret"):
        put_config(session, board_id(board), "slack", SourceChange(enabled=True))


def test_put_refuses_fields_the_source_does_not_use(session: Session, board: Board) -> None:
    change = SourceChange(enabled=False, instance="https://mastodon.social")
    with pytest.raises(SourceConfigError, match="does not use instance"):
        put_config(session, board_id(board), "slack", change)


def test_put_checks_secret_formats_the_platforms_use(session: Session, board: Board) -> None:
    for source, secret in [("webhook", "whsec_%%%"), ("teams", "not base64!"), ("telegram", "a b")]:
        with pytest.raises(SourceConfigError):
            put_config(session, board_id(board), source, SourceChange(enabled=True, secret=secret))
    assert list_configs(session, board_id(board)) == []


def test_mastodon_feed_keeps_its_token_as_the_secret(session: Session, board: Board) -> None:
    change = SourceChange(
        enabled=True, instance="https://mastodon.social/", token="tok-0123456789abcdef"
    )
    config = put_config(session, board_id(board), "mastodon_feed", change)
    assert config.secret == "tok-0123456789abcdef"
    assert config.settings == {"instance": "https://mastodon.social"}
    assert enabled_pull_configs(session) == [config]


def test_mask_shows_a_prefix_and_at_most_four_characters() -> None:
    assert mask(WHSEC) == "whsec_…" + WHSEC[-4:]
    assert mask("short-secret") == "…"
    assert mask(None) is None


def test_public_view_never_holds_the_secret(session: Session, board: Board) -> None:
    config = put_config(
        session, board_id(board), "webhook", SourceChange(enabled=True, secret=WHSEC)
    )
    view = config_public(config)
    assert WHSEC not in str(view)
    assert WHSEC not in repr(config)
    assert view["kind"] == "webhook"


def test_save_position_remembers_where_a_feed_got_to(session: Session, board: Board) -> None:
    put_config(session, board_id(board), "bluesky", SourceChange(enabled=True))
    save_position(session, board_id(board), "bluesky", "1777888800000000")
    config = get_config(session, board_id(board), "bluesky")
    assert config is not None
    assert config.position == "1777888800000000"


def test_feed_spec_follows_the_boards_hashtags_while_it_is_open(board: Board) -> None:
    config = SourceConfig(board_id=1, source="bluesky", enabled=True, settings={"url": "ws://x/s"})
    assert feed_spec(config, board) == FeedSpec("bluesky", ("devconf",), "ws://x/s")
    board.open = False
    assert feed_spec(config, board) == "the board is closed"


def test_feed_spec_explains_why_nothing_runs(board: Board) -> None:
    config = SourceConfig(
        board_id=1, source="mastodon_feed", enabled=True, settings={"tag": "other"}
    )
    assert isinstance(feed_spec(config, board), str)
    config.enabled = False
    assert feed_spec(config, board) == "disabled"


def test_posts_longer_than_the_board_allows_are_cut_with_an_ellipsis(board: Board) -> None:
    assert shorten("a  b", 10) == "a b"
    assert shorten("x" * 20, 10) == "x" * 9 + "…"
    post = Post("bluesky", "at://did/app.bsky.feed.post/1", "y" * 900, "did:plc:1", None, ())
    draft = draft_from_post(board, post, 500)
    assert draft.text is not None
    assert len(draft.text) == 500
    assert (draft.source, draft.external_id) == ("bluesky", "at://did/app.bsky.feed.post/1")
