"""The database: WAL and full sync on every connection, and old files gaining new columns."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlmodel import Session, select

from scoreboard.db import create_schema, make_engine
from scoreboard.models import Board
from scoreboard.services import Services
from scoreboard.settings import Settings


def test_connections_use_wal_and_full_sync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def _old_database(path: Path) -> None:
    """A database as the first release wrote it: one board, fewer columns, no meta rows."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "CREATE TABLE board (id INTEGER PRIMARY KEY, slug VARCHAR(64) NOT NULL, "
            "title VARCHAR(200) NOT NULL, join_code VARCHAR(16) NOT NULL, hashtags JSON, "
            "moderation VARCHAR(8) NOT NULL, reactions JSON, languages JSON, "
            "ui_language VARCHAR(8) NOT NULL, open BOOLEAN NOT NULL, "
            "token_hash VARCHAR(128) NOT NULL, current_segment VARCHAR(80), "
            "created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL)"
        )
        conn.execute(
            "INSERT INTO board VALUES (1, 'old', 'Old talk', 'ABCDE', '[]', 'auto', "
            "'[\"👏\"]', '[\"en\"]', 'auto', 1, 'x', NULL, '2026-01-01 10:00:00', "
            "'2026-01-01 10:00:00')"
        )
        conn.commit()


def test_an_older_database_gains_new_columns_with_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    with Session(engine) as session:
        board = session.exec(select(Board)).one()
    engine.dispose()
    assert board.title == "Old talk"
    assert board.blocklist == []
    assert board.hold_links is True
    assert board.hold_mentions is False


def test_the_server_opens_an_older_database_with_boards(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    services = Services.open(Settings(database_url=f"sqlite:///{path}"))
    try:
        board = services.boards.by_slug("old")
        assert board is not None
        assert services.board_settings(board)["hold_links"] is True
        assert services.tallies.for_board(1).as_dict()["total"] == 0
    finally:
        services.engine.dispose()
