"""Everything out: reactions streamed from SQLite as CSV, JSON, NDJSON or XLSX, memory-flat."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

import orjson
from sqlalchemy import Engine, Select, select
from sqlmodel import Session, col

from scoreboard.models import Board, Reaction, Segment, as_utc, board_facts, iso
from scoreboard.moderation import STATUSES

if TYPE_CHECKING:
    from openpyxl import Workbook

FIELDS = (
    "id",
    "received_at",
    "posted_at",
    "source",
    "external_id",
    "author",
    "text",
    "emoji",
    "lang",
    "label",
    "score",
    "status",
    "segment",
    "pinned",
)
CHUNK_ROWS = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile(r"[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_EXCEL_DATES = (datetime(1900, 3, 1), datetime(9999, 12, 31))
"""Moments Excel shows as dates: its calendar starts in 1900 (past a phantom leap day)."""
_TIMES = ("received_at", "posted_at")
_COLUMNS = [getattr(Reaction, name) for name in FIELDS]


class ExportError(ValueError):
    """A filter we cannot apply, with a message for people."""


@dataclass(frozen=True)
class ExportFilter:
    """Which reactions an export holds; `since` is inclusive, `until` exclusive."""

    since: datetime | None = None
    until: datetime | None = None
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        return {
            "since": iso(self.since),
            "until": iso(self.until),
            "status": list(self.statuses),
            "source": list(self.sources),
        }


def parse_filter(
    since: str | None = None,
    until: str | None = None,
    status: Sequence[str] = (),
    source: Sequence[str] = (),
) -> ExportFilter:
    """Build a filter from query or CLI values; raises ExportError on a bad one."""
    statuses = _split(status)
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise ExportError(f"status {unknown[0]!r} is unknown; use {', '.join(STATUSES)}")
    return ExportFilter(_moment("since", since), _moment("until", until), statuses, _split(source))


def _split(values: Sequence[str]) -> tuple[str, ...]:
    parts = (part.strip() for value in values for part in value.split(","))
    return tuple(dict.fromkeys(part for part in parts if part))


def _moment(name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise ExportError(
            f"{name}={value!r} is not an ISO 8601 time; use e.g. 2026-05-01T14:30:00Z"
        ) from error
    try:
        return as_utc(moment).astimezone(UTC)
    except OverflowError as error:  # e.g. 9999-12-31T23:59:59-14:00 is past the year 9999
        raise ExportError(
            f"{name}={value!r} falls outside the years 1 to 9999 once moved to UTC; "
            "use e.g. 2026-05-01T14:30:00Z"
        ) from error


def query(board_id: int, where: ExportFilter) -> Select[Any]:
    """The export's rows in id order (the order they were stored)."""
    statement = select(*_COLUMNS).where(col(Reaction.board_id) == board_id)
    if where.since:
        statement = statement.where(col(Reaction.received_at) >= where.since)
    if where.until:
        statement = statement.where(col(Reaction.received_at) < where.until)
    if where.statuses:
        statement = statement.where(col(Reaction.status).in_(where.statuses))
    if where.sources:
        statement = statement.where(col(Reaction.source).in_(where.sources))
    return statement.order_by(col(Reaction.id))


def iter_rows(engine: Engine, board_id: int, where: ExportFilter) -> Iterator[dict[str, Any]]:
    """Rows as plain dicts, fetched `CHUNK_ROWS` at a time from a streaming cursor."""
    with Session(engine) as session:
        result = session.execute(query(board_id, where).execution_options(yield_per=CHUNK_ROWS))
        for values in result:
            yield _record(values)


def _record(values: Sequence[Any]) -> dict[str, Any]:
    row = dict(zip(FIELDS, values, strict=True))
    row["received_at"] = iso(row["received_at"])
    row["posted_at"] = iso(row["posted_at"])
    row["pinned"] = bool(row["pinned"])
    return row


def board_header(
    session: Session, board: Board, exported_at: datetime, where: ExportFilter
) -> dict[str, Any]:
    """The board's public facts, its segments, and what this export holds."""
    segments = session.execute(
        select(Segment).where(col(Segment.board_id) == board.id).order_by(col(Segment.started_at))
    )
    return {
        **board_facts(board),
        "created_at": iso(board.created_at),
        "segments": [
            {"label": s.label, "started_at": iso(s.started_at)} for s in segments.scalars()
        ],
        "exported_at": iso(exported_at),
        "filter": where.describe(),
    }


# -- CSV --


def xml_text(value: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters, U+FFFE, ...)."""
    return _NOT_XML.sub("", value)


def safe_cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    value = xml_text(value)  # first, so "\x01=cmd()" cannot slip past the check as "=cmd()"
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return safe_cell(value)
    return value  # numbers stay numbers, negative scores included


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """UTF-8 CSV with a BOM (so Excel reads the encoding) and a header, in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(FIELDS)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(row[name]) for name in FIELDS])
        if count % CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# -- JSON and NDJSON --


def json_chunks(header: dict[str, Any], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`{"board": {...}, "reactions": [...]}` written a chunk of reactions at a time."""
    yield b'{"board":' + orjson.dumps(header) + b',"reactions":['
    batch: list[bytes] = []
    first = True
    for row in rows:
        batch.append(orjson.dumps(row))
        if len(batch) == CHUNK_ROWS:
            yield (b"" if first else b",") + b",".join(batch)
            batch, first = [], False
    if batch:
        yield (b"" if first else b",") + b",".join(batch)
    yield b"]}\n"


def ndjson_chunks(header: dict[str, Any], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """First line `{"board": {...}}`, then one reaction per line."""
    yield orjson.dumps({"board": header}) + b"\n"
    batch: list[bytes] = []
    for row in rows:
        batch.append(orjson.dumps(row) + b"\n")
        if len(batch) == CHUNK_ROWS:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


# -- XLSX --


@dataclass
class _Group:
    """Counts per status and the mean score of one slice of the export."""

    statuses: Counter[str] = field(default_factory=Counter)
    score_total: float = 0.0

    def add(self, row: dict[str, Any]) -> None:
        self.statuses[row["status"]] += 1
        self.score_total += row["score"]

    @property
    def count(self) -> int:
        return sum(self.statuses.values())

    @property
    def mood(self) -> float:
        return round(self.score_total / self.count, 3) if self.count else 0.0

    def cells(self, label: str) -> list[Any]:
        return [label, self.count, *(self.statuses[s] for s in STATUSES), self.mood]


@dataclass
class Summary:
    """What the Summary and Timeline sheets need, gathered while the rows stream past."""

    total: _Group = field(default_factory=_Group)
    labels: Counter[str] = field(default_factory=Counter)
    segments: dict[str, _Group] = field(default_factory=dict)
    sources: dict[str, _Group] = field(default_factory=dict)
    minutes: dict[str, _Group] = field(default_factory=dict)

    def add(self, row: dict[str, Any]) -> None:
        self.total.add(row)
        self.labels[row["label"]] += 1
        self.segments.setdefault(row["segment"] or "(no segment)", _Group()).add(row)
        self.sources.setdefault(row["source"], _Group()).add(row)
        self.minutes.setdefault(row["received_at"][:16], _Group()).add(row)


_GROUP_HEADER = ["count", *STATUSES, "mean mood"]


def write_xlsx(target: IO[bytes], header: dict[str, Any], rows: Iterable[dict[str, Any]]) -> None:
    """Reactions, Summary and Timeline sheets, via openpyxl's write-only (streaming) mode.

    openpyxl is imported here, on the first Excel export: at import it costs the server
    17 MB that a live talk never uses.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    try:
        _fill(book, header, rows)
    except BaseException:
        _discard(book)
        raise
    book.save(target)


def _fill(book: Workbook, header: dict[str, Any], rows: Iterable[dict[str, Any]]) -> None:
    sheet = book.create_sheet("Reactions")
    _append(sheet, FIELDS)
    summary = Summary()
    for row in rows:
        summary.add(row)
        _append(sheet, [_excel_time(row[name]) if name in _TIMES else row[name] for name in FIELDS])
    _summary_sheet(book.create_sheet("Summary"), header, summary)
    _timeline_sheet(book.create_sheet("Timeline"), summary)


def _discard(book: Workbook) -> None:
    # Saving into a throwaway buffer is openpyxl's only public way to finish its half-written
    # sheets and delete their temporary files; otherwise they outlive the failed request.
    with contextlib.suppress(Exception):
        book.save(io.BytesIO())


def _append(sheet: Any, values: Sequence[Any]) -> None:
    """The one way a row reaches any sheet, so no cell escapes `_xlsx_cell`."""
    sheet.append([_xlsx_cell(sheet, value) for value in values])


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Numbers and dates as they are; text cleaned for XML and never a formula."""
    if not isinstance(value, str):
        return value
    text = xml_text(value)
    if not text.startswith(_FORMULA_STARTS):
        return text
    from openpyxl.cell import WriteOnlyCell  # loaded by write_xlsx already

    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # text, never a formula
    cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    return cell


def _excel_time(value: str | None) -> datetime | str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value).replace(tzinfo=None)  # Excel has no time zones
    low, high = _EXCEL_DATES
    return moment if low <= moment < high else value  # a source's odd clock stays as text


def _summary_sheet(sheet: Any, header: dict[str, Any], summary: Summary) -> None:
    _append(sheet, ["Board", header["title"]])
    _append(sheet, ["Slug", header["slug"]])
    _append(sheet, ["Exported at (UTC)", header["exported_at"]])
    _append(sheet, ["Reactions", summary.total.count])
    for status in STATUSES:
        _append(sheet, [status.capitalize(), summary.total.statuses[status]])
    for label in ("positive", "neutral", "negative"):
        _append(sheet, [label.capitalize(), summary.labels[label]])
    _append(sheet, ["Mean mood", summary.total.mood])
    for title, groups in (("Segment", summary.segments), ("Source", summary.sources)):
        _append(sheet, [])
        _append(sheet, [title, *_GROUP_HEADER])
        for label, group in groups.items():
            _append(sheet, group.cells(label))


def _timeline_sheet(sheet: Any, summary: Summary) -> None:
    _append(sheet, ["minute (UTC)", *_GROUP_HEADER])
    for minute, group in sorted(summary.minutes.items()):
        _append(sheet, group.cells(minute))


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


FORMATS = ("csv", "json", "ndjson", "xlsx")


def write_export(
    target: IO[bytes],
    fmt: str,
    engine: Engine,
    header: dict[str, Any],
    board_id: int,
    where: ExportFilter,
) -> None:
    """One export to a binary file: the same bytes the HTTP endpoints stream."""
    rows = iter_rows(engine, board_id, where)
    if fmt == "xlsx":
        write_xlsx(target, header, rows)
        return
    for chunk in streamed(fmt, header, rows):
        target.write(chunk)


def streamed(fmt: str, header: dict[str, Any], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """A csv, json or ndjson export as the bytes to send or write, chunk by chunk."""
    if fmt == "csv":
        return (chunk.encode() for chunk in csv_chunks(rows))
    return (json_chunks if fmt == "json" else ndjson_chunks)(header, rows)
