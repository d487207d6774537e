"""The `scoreboard` command as users run it: a child process."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from scoreboard.app import create_app
from scoreboard.auth import ADMIN_KEY
from scoreboard.cli import _FLAGS
from scoreboard.settings import Settings
from tests.conftest import make_board


def scoreboard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SCOREBOARD_")}
    return subprocess.run(
        [sys.executable, "-m", "scoreboard", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def serve_help() -> str:
    result = scoreboard("serve", "--help")
    assert result.returncode == 0, result.stderr
    return folded(result.stdout)


def flag_for(name: str) -> str:
    return "--" + name.replace("_", "-")


def test_serve_help_lists_every_flag_with_its_settings_help(serve_help: str) -> None:
    assert _FLAGS, "serve has flags"
    for flag, name in _FLAGS.items():
        assert flag == flag_for(name)
        description = Settings.model_fields[name].description
        assert description
        assert f"{flag} {name.upper()} {folded(description)}" in serve_help, flag


def test_serve_help_shows_defaults_but_not_secrets(serve_help: str) -> None:
    assert "(default: 8000)" in serve_help
    assert "(default: 0.0.0.0)" in serve_help
    assert "SCOREBOARD_" in serve_help


def test_every_setting_is_a_serve_flag(serve_help: str) -> None:
    """DESIGN: settings are environment variables and also flags of `scoreboard serve`."""
    missing = [flag_for(name) for name in Settings.model_fields if flag_for(name) not in serve_help]
    assert missing == []


def test_a_bad_setting_exits_2_with_a_message() -> None:
    result = scoreboard("serve", "--port", "99999")
    assert result.returncode == 2
    assert "port" in result.stderr


def test_default_languages_must_be_ones_the_scorer_knows() -> None:
    """A board of German would score every message neutral without a word said."""
    result = scoreboard("serve", "--default-languages", "de,en")
    assert result.returncode == 2
    assert "default_languages" in result.stderr
    assert "'en' or 'nl'" in result.stderr
    assert Settings(default_languages="NL, en").default_languages == ["nl", "en"]


def test_default_languages_name_each_language_once() -> None:
    assert Settings(default_languages="nl, NL").default_languages == ["nl"]


def test_reset_token_prints_a_token_that_works_as_the_organiser_token(
    settings: Settings,
) -> None:
    with TestClient(create_app(settings)) as client:
        board = make_board(client, title="Lost token")
    result = scoreboard("reset-token", board.slug, "--database-url", settings.database_url)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", token)
    assert token != board.token
    with TestClient(create_app(settings)) as client:
        url = f"/api/boards/{board.slug}"
        new = {"Authorization": f"Bearer {token}"}
        assert client.patch(url, json={"title": "Found"}, headers=new).status_code == 200
        assert client.patch(url, json={"title": "Old"}, headers=board.auth).status_code == 403
        assert client.get(url).json()["title"] == "Found"


def test_reset_token_for_an_unknown_board_fails_with_a_message(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        make_board(client)
    result = scoreboard("reset-token", "nope", "--database-url", settings.database_url)
    assert result.returncode == 1
    assert "nope" in result.stderr
    assert result.stdout.strip() == ""


def test_reset_token_does_not_create_an_admin_token_nobody_has_seen(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        board = make_board(client)
    assert settings.database_path is not None
    result = scoreboard("reset-token", board.slug, "--database-url", settings.database_url)
    assert result.returncode == 0, result.stderr
    with contextlib.closing(sqlite3.connect(settings.database_path)) as conn:
        stored = conn.execute("SELECT key FROM meta").fetchall()
    keys = {key for (key,) in stored}
    assert ADMIN_KEY not in keys, "a later `serve` would use an admin token never printed"
