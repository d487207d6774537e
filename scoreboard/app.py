"""The app factory: settings in, a ready FastAPI app out; nothing happens at import."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from fastapi.templating import Jinja2Templates

from scoreboard import __version__
from scoreboard.ingest import IngestError
from scoreboard.reaction_table import NotStored
from scoreboard.routes import (
    api,
    docs,
    exports,
    health,
    live,
    moderation,
    organiser,
    pages,
    replay,
    report,
    sources,
)
from scoreboard.routes.api import refusal
from scoreboard.routes.lane import DirectLane
from scoreboard.security import Guard
from scoreboard.services import Services
from scoreboard.settings import Settings

log = logging.getLogger(__name__)

# Routes are tried in this order for every request: the hot paths (reactions through
# the API, the phones' page and form, the live sockets) first. Routing POST /b/{slug}
# took 41 us when its router came last, 19 us now.
ROUTES = (api, pages, live, sources, moderation, exports, report, replay, organiser, docs, health)

# Young collections every 5,000 allocations instead of 700: with thousands of open
# sockets, Python's default rhythm ran a full collection every few seconds, each
# pausing the event loop for 50-350 ms (measured), which froze every screen at once.
GC_THRESHOLDS = (5_000, 10, 10)

# FastAPI looks up the global OpenTelemetry providers on every request (4% of the
# server's CPU under ingest load); off unless SCOREBOARD_TELEMETRY asks for it.
TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}

API_DESCRIPTION = """
Organiser calls take `Authorization: Bearer <token>`: the board's organiser token, or the
server's admin token. Errors are `{"detail": "..."}` with a sentence saying what to fix.

**Live updates**: `WS /ws/boards/{slug}` sends `{"type": "snapshot", "seq", "board", "tally",
"recent"}` on connect, then `{"type": "tick", "seq", "tally", "added", "removed", "bursts"}`
at most `SCOREBOARD_TICK_HZ` times a second when something changed. Send
`{"type": "resync"}` after a gap in `seq` to get a fresh snapshot.
"""


def web_dir() -> Path:
    """Templates and static files: inside the installed package, or the checkout's `web/`."""
    packaged = Path(__file__).parent / "web"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "web"


def create_app(
    settings: Settings | None = None, services: Services | None = None, *, tune_gc: bool = False
) -> FastAPI:
    """Build the app; `services` may be opened beforehand (the CLI does, to print URLs).

    `tune_gc` is for the process that serves (the CLI): it changes process-wide state.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        running = services or Services.open(settings)
        app.state.services = running
        await running.start()
        if tune_gc:
            # What is loaded now (lexicons, language model, boards) lives as long as the
            # process: keep it out of every later collection's scan.
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)
        log.info("serving %d boards at %s", len(running.boards), running.base_url)
        try:
            yield
        finally:
            await running.stop()

    app = FastAPI(
        title="Scoreboard",
        version=__version__,
        summary="Live audience feedback for talks: phones in, projector out.",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=None if settings.telemetry else TELEMETRY_OFF,
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=web_dir() / "templates")
    if not settings.telemetry:  # telemetry follows requests through FastAPI's routing
        # Added first, so inside Guard; the handlers are read when the stack is built.
        app.add_middleware(DirectLane, router=app.router, exception_handlers=app.exception_handlers)
    app.add_middleware(Guard, max_body_bytes=settings.max_body_bytes)
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(IngestError, _refused)  # type: ignore[arg-type]
    app.add_exception_handler(NotStored, _refused)  # type: ignore[arg-type]
    static = web_dir() / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.mount("/docs-assets", StaticFiles(directory=docs.assets_dir()), name="docs-assets")
    for module in ROUTES:
        # The routes themselves, not `include_router`: FastAPI's (0.165 here) puts a
        # live view of the router in front of its routes, which cost each request about
        # 20 us to get through (of ~190 us for a stored reaction, measured in-process).
        # Our routers take no include-time options, so the routes are the same.
        app.router.routes.extend(module.router.routes)
    return app


async def _refused(request: Request, error: IngestError | NotStored) -> JSONResponse:
    """A refused reaction, from any route: its own status and sentence as JSON."""
    status, detail, headers = refusal(error)
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """422 with one readable sentence per problem; 400 when the body is not JSON at all."""
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return JSONResponse({"detail": "the body is not valid JSON"}, status_code=400)
    parts = []
    for problem in problems:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
        message = str(problem.get("msg", "invalid"))
        parts.append(f"{where}: {message}" if where else message)
    return JSONResponse({"detail": "; ".join(parts), "errors": _plain(problems)}, status_code=422)


def _plain(problems: Sequence[Any]) -> list[dict[str, object]]:
    """The errors without their input echoed back (it may be large or sensitive)."""
    return [{"loc": list(p.get("loc", ())), "msg": str(p.get("msg", ""))} for p in problems]
