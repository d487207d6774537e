"""The SQLite engine: WAL journal, durable commits, schema creation."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Table, event
from sqlmodel import SQLModel, create_engine

from scoreboard import models, source_configs  # noqa: F401  (registers the tables)


def make_engine(database_url: str) -> Engine:
    """An engine whose every connection uses WAL and full fsync on commit.

    WAL lets readers (exports, page renders) run while the single writer commits;
    `synchronous=FULL` makes an acknowledged commit survive a crash of the process
    and of the machine.
    """
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        database_url,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def create_schema(engine: Engine) -> None:
    """Create missing tables, then add columns that newer versions brought.

    SQLite cannot change a column, but it can add one; every column added after the
    first release has a default, so an older database opens without a migration tool.
    """
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            info = conn.exec_driver_sql(f'PRAGMA table_info("{table.name}")')
            present = {row[1] for row in info}
            for column in table.columns:
                if column.name not in present:
                    conn.exec_driver_sql(_add_column_sql(table, column, engine))


def _add_column_sql(table: Table, column: Column[Any], engine: Engine) -> str:
    """`ALTER TABLE … ADD COLUMN` with the model's own default as a SQL literal."""
    kind = column.type.compile(dialect=engine.dialect)
    model = next(m for m in SQLModel.__subclasses__() if getattr(m, "__table__", None) is table)
    default = model.model_fields[column.name].get_default(call_default_factory=True)
    if isinstance(default, bool):
        literal = str(int(default))
    elif isinstance(default, int | float):
        literal = repr(default)
    elif isinstance(default, str | list | dict):
        text = default if isinstance(default, str) else json.dumps(default)
        literal = "'" + text.replace("'", "''") + "'"
    else:
        literal = "NULL"
    return f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind} DEFAULT {literal}'
