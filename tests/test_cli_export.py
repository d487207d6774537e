"""`scoreboard export` as users run it: a child process that writes what the HTTP export sends."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.conftest import NewBoard, make_board
from tests.test_exports import seed_talk

_EXPORTED_AT = re.compile(rb'"exported_at":"[^"]+"')


def export(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SCOREBOARD_")}
    return subprocess.run(
        [sys.executable, "-m", "scoreboard", "export", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def _http(client: TestClient, board: NewBoard, name: str, **params: str) -> bytes:
    response = client.get(f"/api/boards/{board.slug}/{name}", params=params, headers=board.auth)
    assert response.status_code == 200
    return response.content


def _cli(board: NewBoard, db_url: str, tmp_path: Path, fmt: str, *extra: str) -> bytes:
    target = tmp_path / f"out.{fmt}"
    result = export(
        board.slug, "--format", fmt, "-o", str(target), "--database-url", db_url, *extra
    )
    assert result.returncode == 0, result.stderr
    return target.read_bytes()


def _without_time(body: bytes) -> bytes:
    return _EXPORTED_AT.sub(b'"exported_at":"T"', body, count=1)


def test_cli_csv_is_byte_for_byte_the_http_csv(
    client: TestClient, board: NewBoard, db_url: str, tmp_path: Path
) -> None:
    seed_talk(client, board)
    assert _cli(board, db_url, tmp_path, "csv") == _http(client, board, "export.csv")


def test_cli_json_equals_the_http_json_apart_from_the_export_time(
    client: TestClient, board: NewBoard, db_url: str, tmp_path: Path
) -> None:
    seed_talk(client, board)
    cli = _cli(board, db_url, tmp_path, "json")
    assert _without_time(cli) == _without_time(_http(client, board, "export.json"))
    assert len(json.loads(cli)["reactions"]) == 6


def test_cli_filters_match_the_http_filters(
    client: TestClient, board: NewBoard, db_url: str, tmp_path: Path
) -> None:
    seed_talk(client, board)
    cli = _cli(board, db_url, tmp_path, "csv", "--status", "held", "--status", "hidden")
    assert cli == _http(client, board, "export.csv", status="held,hidden")
    assert cli.count(b"\r\n") == 3


def test_cli_xlsx_opens_with_the_three_sheets(
    client: TestClient, board: NewBoard, db_url: str, tmp_path: Path
) -> None:
    seed_talk(client, board)
    book = openpyxl.load_workbook(io.BytesIO(_cli(board, db_url, tmp_path, "xlsx")))
    assert book.sheetnames == ["Reactions", "Summary", "Timeline"]
    assert book["Reactions"].max_row == 7


def test_cli_xlsx_survives_control_characters_and_formulas_in_titles(
    client: TestClient, db_url: str, tmp_path: Path
) -> None:
    board = make_board(client, title="\u0001=1+1")
    response = client.post(
        f"/api/boards/{board.slug}/segments", json={"label": "@x\u0000"}, headers=board.auth
    )
    assert response.status_code == 201
    seed_talk(client, board)
    book = openpyxl.load_workbook(io.BytesIO(_cli(board, db_url, tmp_path, "xlsx")))
    summary = book["Summary"]
    assert (summary["B1"].value, summary["B1"].data_type) == ("=1+1", "s")
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.usefixtures("client")
def test_cli_export_explains_a_time_outside_the_calendar(db_url: str, tmp_path: Path) -> None:
    target = str(tmp_path / "x.csv")
    result = export(
        "talk", "-o", target, "--database-url", db_url, "--until", "0001-01-01T00:00+14:00"
    )
    assert result.returncode == 2
    assert "falls outside the years 1 to 9999" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("client")
def test_cli_export_explains_an_unknown_board_or_a_bad_filter(db_url: str, tmp_path: Path) -> None:
    target = str(tmp_path / "x.csv")
    unknown = export("nope", "-o", target, "--database-url", db_url)
    assert unknown.returncode == 1
    assert "no board with slug 'nope'" in unknown.stderr
    bad = export("nope", "-o", target, "--database-url", db_url, "--since", "soon")
    assert bad.returncode == 2
    assert "ISO 8601" in bad.stderr
    assert not Path(target).exists()


def test_cli_export_does_not_create_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = export("talk", "-o", str(tmp_path / "x.csv"), "--database-url", f"sqlite:///{missing}")
    assert result.returncode == 1
    assert "no database" in result.stderr
    assert not missing.exists()


def test_cli_export_that_cannot_write_says_why_and_leaves_no_partial_file(
    board: NewBoard, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    missing_folder = export(board.slug, "-o", str(out / "nope" / "x.csv"), "--database-url", db_url)
    assert missing_folder.returncode == 1
    assert "cannot write" in missing_folder.stderr
    assert "No such file or directory" in missing_folder.stderr
    assert "Traceback" not in missing_folder.stderr
    in_the_way = out / "x.csv"
    in_the_way.mkdir()  # the export is written whole, then cannot take the name
    result = export(board.slug, "-o", str(in_the_way), "--database-url", db_url)
    assert result.returncode == 1
    assert f"cannot write {in_the_way}" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["x.csv"]  # no ".x.csv.partial" beside it
