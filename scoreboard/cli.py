"""The `scoreboard` command: `serve` runs everything; `reset-token` recovers a board;
`export` writes a board's reactions to a file without the server running."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from scoreboard import exports
from scoreboard.boards import create_board, reset_token
from scoreboard.db import create_schema, make_engine
from scoreboard.models import Board
from scoreboard.schemas import BoardCreate
from scoreboard.services import Services
from scoreboard.settings import Settings

# Every setting is a flag of `serve`, with the setting's own description as help.
_FLAGS = {f"--{name.replace('_', '-')}": name for name in Settings.model_fields}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scoreboard", description="Live audience feedback for talks."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the server (creates a first board when there is none)",
        description="Run the server. Every option can also be set as SCOREBOARD_<NAME> "
        "in the environment, e.g. SCOREBOARD_PORT=8080.",
    )
    for flag, name in _FLAGS.items():
        field = Settings.model_fields[name]
        default = field.get_default(call_default_factory=True)
        if isinstance(default, list):
            default = ",".join(default)
        elif default is None:
            default = "generated" if name == "admin_token" else "unset"
        serve.add_argument(
            flag, dest=name, default=None, help=f"{field.description} (default: {default})"
        )
    serve.add_argument("--title", default="My talk", help="title of the first board, if created")
    reset = commands.add_parser("reset-token", help="print a new organiser token for a board")
    reset.add_argument("slug")
    reset.add_argument("--database-url", dest="database_url", default=None)
    _add_export(commands)
    return parser


def _add_export(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write a board's reactions to a CSV, JSON, NDJSON or Excel file",
        description="The same export as GET /api/boards/SLUG/export.*, read straight from the "
        "database; the server may be running or not.",
    )
    export.add_argument("slug")
    export.add_argument("--format", choices=exports.FORMATS, default="csv")
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.add_argument("--database-url", dest="database_url", default=None)
    export.add_argument("--since", help="ISO 8601 time, inclusive")
    export.add_argument("--until", help="ISO 8601 time, exclusive")
    export.add_argument("--status", action="append", help="visible, held, hidden (repeatable)")
    export.add_argument("--source", action="append", help="form, api, slack, ... (repeatable)")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        name: getattr(args, name)
        for name in _FLAGS.values()
        if getattr(args, name, None) is not None
    }
    return Settings(**overrides)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ValidationError as error:
        print(f"scoreboard: bad setting: {error}", file=sys.stderr)
        return 2
    if args.command == "reset-token":
        return _reset_token(settings, args.slug)
    if args.command == "export":
        return _export(settings, args)
    return _serve(settings, args.title)


def _serve(settings: Settings, title: str) -> int:
    import uvicorn

    from scoreboard.app import create_app

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    services = Services.open(settings)
    token = None
    if len(services.boards) == 0:
        with Session(services.engine) as session:
            board, token = create_board(
                session, BoardCreate(title=title), settings.default_languages
            )
        services.boards.put(board)
    _announce(services, token)
    uvicorn.run(
        create_app(settings, services, tune_gc=True),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        # Off unless asked for: a full hall is a line per tap, each with a phone's address,
        # and they scroll the tokens printed at start off the organiser's terminal.
        access_log=settings.access_log,
        ws_per_message_deflate=False,
        ws_max_size=4096,
        proxy_headers=True,
    )
    return 0


def _announce(services: Services, new_board_token: str | None) -> None:
    base = services.base_url
    print(f"\nScoreboard is running. Phones on your network reach it at {base}\n")
    for board in services.boards:
        print(f"  {board.title}")
        print(f"    Projector:  {base}/b/{board.slug}/screen")
        print(f"    Audience:   {base}/j/{board.join_code}   (code {board.join_code})")
        print(f"    Organiser:  {base}/b/{board.slug}/admin")
    if new_board_token:
        first: Board = next(iter(services.boards))
        print(f"\n  Organiser token for '{first.title}' (shown once): {new_board_token}")
    if services.generated_admin_token:
        print(f"  Admin token (shown once, creates boards): {services.generated_admin_token}")
    if not new_board_token:
        print("\n  Lost a token? scoreboard reset-token SLUG")
    print()
    sys.stdout.flush()


def _reset_token(settings: Settings, slug: str) -> int:
    """Touches only the board: no admin token is made, no state rebuilt."""
    engine = make_engine(settings.database_url)
    create_schema(engine)
    with Session(engine) as session:
        board = session.exec(select(Board).where(Board.slug == slug)).first()
        if board is None:
            print(f"scoreboard: no board with slug {slug!r}", file=sys.stderr)
            return 1
        token = reset_token(session, board)
    engine.dispose()
    print(token)
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    """Writes to a temporary file beside the target, then renames: never a half file."""
    try:
        where = exports.parse_filter(args.since, args.until, args.status or (), args.source or ())
    except exports.ExportError as error:
        print(f"scoreboard: {error}", file=sys.stderr)
        return 2
    path = settings.database_path
    if path is not None and not Path(path).exists():
        print(f"scoreboard: no database at {path}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            board = session.exec(select(Board).where(Board.slug == args.slug)).first()
            if board is None or board.id is None:
                print(f"scoreboard: no board with slug {args.slug!r}", file=sys.stderr)
                return 1
            header = exports.board_header(session, board, exports.utc_now(), where)
        target = Path(args.output)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with partial.open("wb") as out:
                exports.write_export(out, args.format, engine, header, board.id, where)
            partial.replace(target)
        except OSError as error:  # a missing folder, a full disk, a directory in the way
            print(f"scoreboard: cannot write {target}: {error.strerror or error}", file=sys.stderr)
            return 1
        finally:
            partial.unlink(missing_ok=True)  # gone after the rename; else no half file stays
    finally:
        engine.dispose()
    return 0
