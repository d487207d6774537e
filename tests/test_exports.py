"""Export building blocks: filters, the formula guard, CSV/JSON/XLSX writers, chunked reads."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scoreboard import exports
from scoreboard.db import make_engine
from scoreboard.exports import ExportError, ExportFilter, parse_filter
from scoreboard.models import Board, Reaction
from tests.conftest import NewBoard

START = datetime(2026, 5, 1, 14, 0, tzinfo=UTC)


# -- helpers shared by the export, report, replay and CLI tests --


def seed_talk(client: TestClient, board: NewBoard) -> dict[str, int]:
    """A small talk through the real API: segments, names, emoji, and one held and one hidden."""
    ids: dict[str, int] = {}

    def send(key: str, **body: Any) -> None:
        response = client.post(f"/api/boards/{board.slug}/reactions", json=body)
        assert response.status_code == 201, response.text
        ids[key] = response.json()["id"]

    client.post(f"/api/boards/{board.slug}/segments", json={"label": "Intro"}, headers=board.auth)
    send("great", text="Great start, very clear!", emoji="👏", author="Ana", client_id="c-1")
    send("formula", text="=SUM(1+1) nice", author="@mallory", client_id="c-2")
    send("tap", emoji="❤️")
    client.post(f"/api/boards/{board.slug}/segments", json={"label": "Demo"}, headers=board.auth)
    send("bad", text="The demo was confusing and too slow", emoji="🤔", client_id="c-3")
    send("held", text="HELD-SECRET words for the organiser only")
    send("hidden", text="<script>alert('HIDDEN-SECRET')</script>", author="+troll")
    for key, decision in (("held", "held"), ("hidden", "hidden")):
        moderate(client, board, ids[key], status=decision)
    moderate(client, board, ids["great"], pinned=True)
    return ids


def moderate(client: TestClient, board: NewBoard, reaction_id: int, **decision: Any) -> None:
    url = f"/api/boards/{board.slug}/reactions/{reaction_id}"
    response = client.patch(url, json=decision, headers=board.auth)
    assert response.status_code == 200, response.text


def listed(client: TestClient, board: NewBoard) -> dict[int, dict[str, Any]]:
    """The moderation API's view of every reaction, by id: what exports must agree with."""
    url = f"/api/boards/{board.slug}/reactions?limit=500"
    items = client.get(url, headers=board.auth).json()["items"]
    return {item["id"]: item for item in items}


def insert_reactions(db_url: str, slug: str, count: int, **fields: Any) -> None:
    """Many reactions straight into SQLite (setup only; the writer is tested elsewhere)."""
    engine = make_engine(db_url)
    batch = uuid.uuid4().hex[:8]
    with Session(engine) as session:
        board = session.exec(select(Board).where(Board.slug == slug)).one()
        assert board.id is not None
        for n in range(count):
            score = ((n * 37) % 200 - 100) / 100
            label = "positive" if score > 0.2 else "negative" if score < -0.2 else "neutral"
            values: dict[str, Any] = {
                "board_id": board.id,
                "source": "form",
                "external_id": f"bulk-{batch}-{n}",
                "text": f"comment number {n} about python",
                "emoji": ("👏", "🤔", "❤️")[n % 3],
                "score": score,
                "label": label,
                "received_at": START + timedelta(seconds=7 * n),
                "segment": "Part 1" if n < count // 2 else "Part 2",
                **fields,
            }
            session.add(Reaction(**values))
        session.commit()
    engine.dispose()


def parse_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


# -- filters --


def test_filter_accepts_comma_lists_and_repeats_and_drops_duplicates() -> None:
    where = parse_filter(status=["visible,held", "held"], source=["form", " slack "])
    assert where.statuses == ("visible", "held")
    assert where.sources == ("form", "slack")


def test_filter_reads_iso_times_with_z_or_offset_as_utc() -> None:
    where = parse_filter(since="2026-05-01T16:00:00+02:00", until="2026-05-01T15:00Z")
    assert where.since == START
    assert where.until == START + timedelta(hours=1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"since": "yesterday"}, "since='yesterday' is not an ISO 8601 time"),
        ({"until": "2026-13-01"}, "until="),
        ({"status": ["gone"]}, "status 'gone' is unknown"),
        ({"since": "9999-12-31T23:59:59-14:00"}, "falls outside the years 1 to 9999"),
        ({"until": "0001-01-01T00:00:00+14:00"}, "until='0001-01-01T00:00:00+14:00' falls"),
    ],
)
def test_filter_refuses_bad_values_with_a_readable_message(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ExportError, match=re.escape(message)):
        parse_filter(**values)


# -- the formula guard --


@pytest.mark.parametrize("text", ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_injection_guard_prefixes_a_quote(text: str) -> None:
    assert exports.safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["hello", "", "1+1=2", "'quoted", "😀 =x"])
def test_csv_injection_guard_leaves_plain_text_alone(text: str) -> None:
    assert exports.safe_cell(text) == text


@pytest.mark.parametrize(
    ("text", "guarded"),
    [("\x01=1+1", "'=1+1"), ("\x00@SUM(A1)", "'@SUM(A1)"), ("a\x0bb\ufffe", "ab")],
)
def test_csv_injection_guard_removes_control_characters_first(text: str, guarded: str) -> None:
    assert exports.safe_cell(text) == guarded


def test_xml_text_keeps_tabs_newlines_and_emoji() -> None:
    assert exports.xml_text("a\tb\r\nc 😀\u0007") == "a\tb\r\nc 😀"


def _row(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict.fromkeys(exports.FIELDS)
    base.update(id=1, received_at="2026-05-01T14:00:00Z", source="form", label="neutral")
    base.update(score=0.0, status="visible", pinned=False)
    return {**base, **fields}


def test_csv_keeps_negative_scores_numeric_and_guards_text() -> None:
    rows = [_row(text="=cmd()", author="-dash", score=-0.25, pinned=True)]
    parsed = parse_csv("".join(exports.csv_chunks(rows)).encode())
    assert parsed[0]["text"] == "'=cmd()"
    assert parsed[0]["author"] == "'-dash"
    assert parsed[0]["score"] == "-0.25"
    assert parsed[0]["pinned"] == "true"
    assert parsed[0]["posted_at"] == ""


def test_csv_has_bom_header_and_crlf_rows() -> None:
    body = "".join(exports.csv_chunks([_row()]))
    assert body.startswith("\ufeffid,received_at,posted_at,source,")
    assert body.count("\r\n") == 2


def test_csv_and_json_stream_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK_ROWS", 10)
    rows = [_row(id=n) for n in range(25)]
    assert len(list(exports.csv_chunks(rows))) == 3  # 10 + 10 + (5 and the tail)
    chunks = list(exports.json_chunks({"slug": "x"}, rows))
    assert len(chunks) == 5  # head, 3 batches, tail
    parsed = json.loads(b"".join(chunks))
    assert [row["id"] for row in parsed["reactions"]] == list(range(25))


def test_json_with_no_reactions_is_still_valid() -> None:
    parsed = json.loads(b"".join(exports.json_chunks({"slug": "x"}, iter([]))))
    assert parsed == {"board": {"slug": "x"}, "reactions": []}


def test_ndjson_is_a_board_line_then_one_reaction_per_line() -> None:
    lines = b"".join(exports.ndjson_chunks({"slug": "x"}, [_row(id=1), _row(id=2)])).splitlines()
    assert json.loads(lines[0]) == {"board": {"slug": "x"}}
    assert [json.loads(line)["id"] for line in lines[1:]] == [1, 2]


# -- xlsx --


def test_the_server_loads_openpyxl_only_for_an_excel_export() -> None:
    """17 MB that a live talk never uses: starting the app must not import it."""
    code = "import sys, scoreboard.app, scoreboard.cli; print('openpyxl' in sys.modules)"
    root = Path(__file__).parents[1]
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def test_xlsx_has_three_sheets_and_never_a_formula() -> None:
    rows = [
        _row(id=1, text="=1+2", segment="Intro", score=0.5),
        _row(id=2, text="fine", segment="Intro", status="held", score=-0.5, source="slack"),
    ]
    out = io.BytesIO()
    header = {"title": "T", "slug": "t", "exported_at": "2026-05-01T15:00:00Z"}
    exports.write_xlsx(out, header, iter(rows))
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Reactions", "Summary", "Timeline"]
    reactions = list(book["Reactions"].values)
    assert reactions[0] == exports.FIELDS
    assert reactions[1][exports.FIELDS.index("text")] == "=1+2"
    assert book["Reactions"]["G2"].data_type == "s"
    summary = {row[0]: row[1:] for row in book["Summary"].values if row}
    assert summary["Reactions"][0] == 2
    assert summary["Held"][0] == 1
    assert summary["Intro"][:4] == (2, 1, 1, 0)
    timeline = list(book["Timeline"].values)
    assert timeline[1][:2] == ("2026-05-01T14:00", 2)


def test_xlsx_guards_every_sheet_not_only_the_reactions() -> None:
    rows = [_row(segment="+seg\x01", source="@src", text="-1", emoji="=😀")]
    out = io.BytesIO()
    header = {"title": "=1+1\x02", "slug": "t", "exported_at": "2026-05-01T15:00:00Z"}
    exports.write_xlsx(out, header, iter(rows))
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    summary = [row[0] for row in book["Summary"].values if row]
    assert {"+seg", "@src"} <= set(summary)
    assert book["Summary"]["B1"].value == "=1+1"


def test_a_failed_xlsx_export_closes_its_sheets_and_leaves_no_temporary_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows() -> Iterator[dict[str, Any]]:
        yield _row(id=1)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        exports.write_xlsx(io.BytesIO(), {"title": "T", "slug": "t", "exported_at": ""}, rows())
    gc.collect()  # a sheet left half-open would complain about its closed file here
    assert list(tmp_path.iterdir()) == []


# -- reading from the database --


@pytest.fixture
def engine(db_url: str, client: TestClient) -> Iterator[Engine]:
    del client  # the app created the schema
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _board_id(engine: Engine, slug: str) -> int:
    with Session(engine) as session:
        board = session.exec(select(Board).where(Board.slug == slug)).one()
        assert board.id is not None
        return board.id


def test_rows_come_in_id_order_and_honour_every_filter(
    engine: Engine, db_url: str, board: NewBoard
) -> None:
    insert_reactions(db_url, board.slug, 40)
    insert_reactions(db_url, board.slug, 5, source="slack", status="held", external_id=None)
    board_id = _board_id(engine, board.slug)
    every = list(exports.iter_rows(engine, board_id, ExportFilter()))
    assert [row["id"] for row in every] == sorted(row["id"] for row in every)
    assert len(every) == 45
    window = ExportFilter(since=START + timedelta(seconds=70), until=START + timedelta(seconds=140))
    assert len(list(exports.iter_rows(engine, board_id, window))) == 10
    held = list(exports.iter_rows(engine, board_id, ExportFilter(statuses=("held",))))
    assert {row["source"] for row in held} == {"slack"}
    form = list(exports.iter_rows(engine, board_id, ExportFilter(sources=("form",))))
    assert len(form) == 40


def test_board_header_lists_segments_and_the_filter(engine: Engine, board: NewBoard) -> None:
    where = parse_filter(status=["held"])
    with Session(engine) as session:
        found = session.exec(select(Board).where(Board.slug == board.slug)).one()
        header = exports.board_header(session, found, START, where)
    assert header["slug"] == board.slug
    assert header["exported_at"] == "2026-05-01T14:00:00Z"
    assert header["filter"]["status"] == ["held"]
    assert header["segments"] == []
    assert "token_hash" not in header
