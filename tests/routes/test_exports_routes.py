"""Exports and the report over real HTTP: contents round-trip, filters, and who may read them."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

from scoreboard.exports import FIELDS
from tests.conftest import NewBoard, make_board
from tests.test_exports import insert_reactions, listed, parse_csv, seed_talk

EXPORTS = ("export.csv", "export.json", "export.xlsx")
COMPARED = ("source", "external_id", "author", "text", "emoji", "lang", "label", "status")
HOSTILE = '\u0001=HYPERLINK("http://evil","seg")\u0000\uffff'
"""An organiser-set label that is both a formula and full of characters XML cannot hold."""
DEFUSED = '=HYPERLINK("http://evil","seg")'


def _export(client: TestClient, board: NewBoard, name: str, **params: Any) -> Any:
    response = client.get(f"/api/boards/{board.slug}/{name}", params=params, headers=board.auth)
    assert response.status_code == 200, response.text
    return response


def _workbook(client: TestClient, board: NewBoard) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(_export(client, board, "export.xlsx").content))


def _cells(book: Workbook) -> Iterator[Cell]:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from (cell for cell in row if isinstance(cell, Cell) and cell.value is not None)


def _hostile_board(client: TestClient, db_url: str) -> NewBoard:
    """A board whose title, segment and every audience field try to become formulas.

    The API now cleans control characters out of titles and labels, so the worst ones
    go into SQLite directly, as a database written by an older version may hold them.
    """
    board = make_board(client, title="=1+1")
    response = client.post(
        f"/api/boards/{board.slug}/segments", json={"label": "Intro"}, headers=board.auth
    )
    assert response.status_code == 201, response.text
    with contextlib.closing(sqlite3.connect(db_url.removeprefix("sqlite:///"))) as conn:
        conn.execute("UPDATE board SET title = ? WHERE slug = ?", ("\u0001=1+1", board.slug))
        conn.execute("UPDATE segment SET label = ?", (HOSTILE,))
        conn.commit()
    seed_talk(client, board)
    insert_reactions(
        db_url,
        board.slug,
        1,
        source="=cmd|' /C calc'!A0",
        external_id="@SUM(A1)",
        author="-2+3",
        text="+31 6 1234\u0002",
        emoji="=\u0003😀",
        lang="=x",
        segment=HOSTILE,
    )
    return board


def _same_as_listed(row: dict[str, Any], item: dict[str, Any]) -> None:
    for name in (*COMPARED, "segment", "pinned", "received_at"):
        assert row[name] == item[name], name
    assert row["score"] == pytest.approx(item["score"], abs=0.001)


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_refuses_a_missing_or_wrong_token(
    client: TestClient, board: NewBoard, name: str
) -> None:
    other = make_board(client, title="Other talk")
    url = f"/api/boards/{board.slug}/{name}"
    missing = client.get(url)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert client.get(url, headers=other.auth).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 403


def test_csv_round_trips_every_reaction_with_its_status(
    client: TestClient, board: NewBoard
) -> None:
    seed_talk(client, board)
    response = _export(client, board, "export.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{board.slug}-reactions.csv"'
    )
    assert response.headers["cache-control"] == "no-store"
    rows = parse_csv(response.content)
    assert list(rows[0]) == list(FIELDS)
    expected = listed(client, board)
    assert sorted(int(row["id"]) for row in rows) == sorted(expected)
    for row in rows:
        item = expected[int(row["id"])]
        text = item["text"] or ""
        assert row["text"] == ("'" + text if text.startswith(("=", "+", "-", "@")) else text)
        assert row["author"] in {item["author"] or "", "'" + (item["author"] or "")}
        assert row["status"] == item["status"]
        assert row["segment"] == (item["segment"] or "")
        assert row["pinned"] == str(item["pinned"]).lower()
        assert float(row["score"]) == pytest.approx(item["score"], abs=0.001)
        assert row["received_at"] == item["received_at"]
        assert row["received_at"].endswith("Z")
    assert {row["status"] for row in rows} == {"visible", "held", "hidden"}


def test_json_round_trips_every_reaction_and_describes_the_board(
    client: TestClient, board: NewBoard
) -> None:
    seed_talk(client, board)
    response = _export(client, board, "export.json")
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["board"]["slug"] == board.slug
    assert [s["label"] for s in body["board"]["segments"]] == ["Intro", "Demo"]
    datetime.fromisoformat(body["board"]["exported_at"])
    expected = listed(client, board)
    assert len(body["reactions"]) == len(expected)
    for row in body["reactions"]:
        assert list(row) == list(FIELDS)
        _same_as_listed(row, expected[row["id"]])


def test_ndjson_when_the_client_asks_for_it(client: TestClient, board: NewBoard) -> None:
    seed_talk(client, board)
    response = client.get(
        f"/api/boards/{board.slug}/export.json",
        headers={**board.auth, "Accept": "application/x-ndjson"},
    )
    assert response.headers["content-type"] == "application/x-ndjson"
    assert "reactions.ndjson" in response.headers["content-disposition"]
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines[0]["board"]["slug"] == board.slug
    expected = listed(client, board)
    for row in lines[1:]:
        _same_as_listed(row, expected[row["id"]])
    assert len(lines) - 1 == len(expected)


def test_xlsx_opens_with_openpyxl_and_matches_the_reactions(
    client: TestClient, board: NewBoard
) -> None:
    seed_talk(client, board)
    response = _export(client, board, "export.xlsx")
    assert int(response.headers["content-length"]) == len(response.content)
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Reactions", "Summary", "Timeline"]
    values = list(book["Reactions"].values)
    assert values[0] == FIELDS
    expected = listed(client, board)
    assert len(values) - 1 == len(expected)
    for cells in values[1:]:
        row = dict(zip(FIELDS, cells, strict=True))
        item = expected[row["id"]]
        for name in COMPARED:
            assert row[name] == item[name], name
        assert isinstance(row["received_at"], datetime)
        stored = datetime.fromisoformat(item["received_at"]).replace(tzinfo=None)
        assert abs(row["received_at"] - stored) < timedelta(milliseconds=1)  # Excel keeps ms
    summary = {row[0]: row[1:] for row in book["Summary"].values if row}
    assert summary["Reactions"][0] == len(expected)
    assert (summary["Held"][0], summary["Hidden"][0]) == (1, 1)
    assert summary["Demo"][0] == 3
    timeline = list(book["Timeline"].values)
    assert sum(row[1] for row in timeline[1:]) == len(expected)


@pytest.mark.parametrize("name", EXPORTS)
def test_filters_apply_to_every_format(client: TestClient, board: NewBoard, name: str) -> None:
    ids = seed_talk(client, board)
    response = _export(client, board, name, status="held,hidden")
    if name.endswith(".csv"):
        got = {int(row["id"]) for row in parse_csv(response.content)}
    elif name.endswith(".json"):
        got = {row["id"] for row in response.json()["reactions"]}
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Reactions"]
        got = {row[0] for row in list(sheet.values)[1:]}
    assert got == {ids["held"], ids["hidden"]}


def test_time_and_source_filters(client: TestClient, board: NewBoard) -> None:
    seed_talk(client, board)
    everything = _export(client, board, "export.json").json()["reactions"]
    middle = everything[2]["received_at"]
    later = _export(client, board, "export.json", since=middle).json()["reactions"]
    assert [row["id"] for row in later] == [row["id"] for row in everything[2:]]
    earlier = _export(client, board, "export.json", until=middle).json()["reactions"]
    assert [row["id"] for row in earlier] == [row["id"] for row in everything[:2]]
    assert _export(client, board, "export.json", source="slack").json()["reactions"] == []
    both = _export(client, board, "export.json", source=["slack", "api"]).json()
    assert len(both["reactions"]) == len(everything)


@pytest.mark.parametrize(
    "params",
    [
        {"since": "last tuesday"},
        {"until": "2026-02-30T00:00Z"},
        {"status": "deleted"},
        {"since": "9999-12-31T23:59:59-14:00"},
        {"until": "9999-12-31T23:59:59-14:00"},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"until": "0001-01-01T00:00:00+14:00"},
    ],
)
@pytest.mark.parametrize("name", EXPORTS)
def test_bad_filters_are_422_with_a_reason(
    client: TestClient, board: NewBoard, name: str, params: dict[str, str]
) -> None:
    response = client.get(f"/api/boards/{board.slug}/{name}", params=params, headers=board.auth)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert next(iter(params)) in detail or "unknown" in detail


def test_xlsx_writes_no_formula_in_any_sheet_whatever_the_organiser_or_audience_sent(
    client: TestClient, db_url: str
) -> None:
    hostile = _hostile_board(client, db_url)
    book = _workbook(client, hostile)
    assert [cell.coordinate for cell in _cells(book) if cell.data_type == "f"] == []
    summary = book["Summary"]
    assert (summary["B1"].value, summary["B1"].data_type) == ("=1+1", "s")
    assert DEFUSED in [row[0] for row in summary.values]
    assert "=cmd|' /C calc'!A0" in [row[0] for row in summary.values]
    formulas = [cell for cell in _cells(book) if str(cell.value).startswith(("=", "+", "@"))]
    assert all(cell.quotePrefix for cell in formulas)  # stays text if edited in Excel too
    rows = [dict(zip(FIELDS, row, strict=True)) for row in list(book["Reactions"].values)[1:]]
    odd = rows[-1]
    assert (odd["author"], odd["text"], odd["emoji"], odd["lang"]) == (
        "-2+3",
        "+31 6 1234",
        "=😀",
        "=x",
    )


def test_xlsx_drops_characters_xml_cannot_hold_from_every_cell(
    client: TestClient, db_url: str
) -> None:
    hostile = _hostile_board(client, db_url)
    book = _workbook(client, hostile)
    texts = [cell.value for cell in _cells(book) if isinstance(cell.value, str)]
    assert not [text for text in texts if any(c in text for c in "\u0000\u0001\u0002\u0003\uffff")]
    assert [cell.value for cell in book["Reactions"]["M"]][-1] == DEFUSED


def test_csv_and_json_carry_control_characters_safely(client: TestClient, db_url: str) -> None:
    hostile = _hostile_board(client, db_url)
    rows = parse_csv(_export(client, hostile, "export.csv").content)
    assert rows[-1]["segment"] == "'" + DEFUSED  # cleaned first, so the guard sees the formula
    assert rows[-1]["emoji"] == "'=😀"
    body = _export(client, hostile, "export.json").json()
    assert body["board"]["title"] == "\u0001=1+1"  # JSON is for programs: kept as it was sent
    assert body["board"]["segments"][0]["label"] == HOSTILE
    assert body["reactions"][-1]["segment"] == HOSTILE


def test_xlsx_keeps_times_excel_cannot_show_as_text(
    client: TestClient, board: NewBoard, db_url: str
) -> None:
    ancient, far = datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    insert_reactions(db_url, board.slug, 1, posted_at=ancient)
    insert_reactions(db_url, board.slug, 1, posted_at=far)
    column = FIELDS.index("posted_at")
    values = [row[column] for row in list(_workbook(client, board)["Reactions"].values)[1:]]
    assert values == ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]


def test_export_of_an_unknown_board_is_404(client: TestClient, board: NewBoard) -> None:
    response = client.get("/api/boards/nope/export.csv", headers=board.auth)
    assert response.status_code == 404


# -- the report's access --


def test_report_without_a_session_is_the_login_page(client: TestClient, board: NewBoard) -> None:
    seed_talk(client, board)
    response = client.get(f"/b/{board.slug}/report")
    assert response.status_code == 401
    assert 'id="login"' in response.text
    assert "Great start" not in response.text
    assert response.headers["cache-control"] == "no-store"


def test_report_with_the_organiser_bearer_token(client: TestClient, board: NewBoard) -> None:
    seed_talk(client, board)
    response = client.get(f"/b/{board.slug}/report", headers=board.auth)
    assert response.status_code == 200
    assert "Great start" in response.text
    wrong = client.get(f"/b/{board.slug}/report", headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 403


def test_report_session_cookie_is_httponly_strict_and_scoped(
    client: TestClient, board: NewBoard
) -> None:
    url = f"/b/{board.slug}/report/session"
    response = client.post(url, json={"token": board.token})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert f"Path=/b/{board.slug}/report" in cookie
    assert board.token not in cookie
    page = client.get(f"/b/{board.slug}/report")
    assert page.status_code == 200
    assert 'id="report"' in page.text
    assert client.delete(url).status_code == 204
    client.cookies.clear()
    assert client.get(f"/b/{board.slug}/report").status_code == 401


def test_report_session_refuses_forms_wrong_tokens_and_forged_cookies(
    client: TestClient, board: NewBoard
) -> None:
    url = f"/b/{board.slug}/report/session"
    form = client.post(url, data={"token": board.token})
    assert form.status_code == 415  # a cross-site form cannot log anyone in
    assert client.post(url, json={"token": "wrong"}).status_code == 403
    assert client.post(url, json={}).status_code == 422
    client.cookies.set("sb_report", "99999999999.deadbeef", path=f"/b/{board.slug}/report")
    assert client.get(f"/b/{board.slug}/report").status_code == 401


def test_a_report_cookie_for_one_board_does_not_open_another(client: TestClient) -> None:
    first, second = make_board(client, title="First"), make_board(client, title="Second")
    client.post(f"/b/{first.slug}/report/session", json={"token": first.token})
    value = next(iter(client.cookies.jar)).value
    assert value is not None
    client.cookies.clear()
    client.cookies.set("sb_report", value, path=f"/b/{second.slug}/report")
    assert client.get(f"/b/{second.slug}/report").status_code == 401
