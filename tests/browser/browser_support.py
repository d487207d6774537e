"""Browser tests' support: Debian's Chromium through Playwright, loopback only, screenshots, axe.

Importing this module skips the importing test module when Playwright or Chromium is missing,
or fails it when `SCOREBOARD_REQUIRE_BROWSER` is set (CI), so a missing browser cannot pass
silently there.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import LiveServer, NewBoard

REQUIRE_VARIABLE = "SCOREBOARD_REQUIRE_BROWSER"
RecordProperty = Callable[[str, object], None]  # the type of pytest's `record_property` fixture
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SCOREBOARD_CHROMIUM", "/usr/bin/chromium"))
# Without these, Chromium on a closed network keeps trying to reach its vendor's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ACTION_MS = 5_000
LIVE_MS = 1_000
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
}
PROJECTOR: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}, "locale": "en-GB"}
LAPTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB"}


def unavailable(reason: str) -> NoReturn:
    """Skip locally; fail where CI asked for the browser tests to run."""
    if os.environ.get(REQUIRE_VARIABLE):
        pytest.fail(
            f"{reason}; {REQUIRE_VARIABLE} is set, so browser tests must run", pytrace=False
        )
    pytest.skip(f"browser test skipped: {reason}", allow_module_level=True)


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not at {CHROMIUM} (apt-get install -y chromium)"
    return None


if (_reason := _missing()) is not None:
    unavailable(_reason)

from playwright.sync_api import (  # noqa: E402  (only once the browser is known to be there)
    Browser,
    BrowserContext,
    Page,
    Route,
    WebSocket,
    expect,
    sync_playwright,
)

__all__ = ["Browser", "BrowserContext", "Page", "expect"]


@contextmanager
def launch() -> Iterator[Browser]:
    """Debian's Chromium, headless; never a browser that Playwright downloads."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https", "ws", "wss"}:
        return True  # data:, blob:, about: never touch the network
    return parts.hostname in LOOPBACK_HOSTS


@contextmanager
def loopback_context(browser: Browser, **options: Any) -> Iterator[BrowserContext]:
    """A browser context that aborts and records every request to a host other than loopback.

    On a clean exit it asserts that nothing tried to leave: a page that loads a font, script or
    tracker from elsewhere fails the test.
    """
    blocked: list[str] = []

    def guard(route: Route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def watch_sockets(page: Page) -> None:
        def check(socket: WebSocket) -> None:
            if not is_loopback(socket.url):
                blocked.append(socket.url)

        page.on("websocket", check)

    context = browser.new_context(**options)
    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(ACTION_MS)
    context.route("**/*", guard)
    context.on("page", watch_sockets)
    try:
        yield context
    finally:
        context.close()
    assert not blocked, f"requests tried to leave loopback: {blocked}"


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    return page


def screenshot_dir() -> Path:
    """Where the tests save one screenshot per page; `SCOREBOARD_SCREENSHOTS` moves it."""
    folder = Path(os.environ.get("SCOREBOARD_SCREENSHOTS") or ROOT / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page: Page, name: str, record: RecordProperty | None = None) -> Path:
    """Save the page at its viewport size, once its own animations have settled."""
    settle(page)
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=path)
    if record is not None:
        record(f"screenshot_{name}", str(path))
    return path


def settle(page: Page) -> None:
    """Wait until no CSS animation or transition is running (they change colours mid-way)."""
    page.wait_for_function("() => document.getAnimations().length === 0", timeout=ACTION_MS)


def axe_script() -> Path:
    """axe-core's browser build: `$SCOREBOARD_AXE_JS` (set by .ci/run) or ./node_modules."""
    configured = os.environ.get("SCOREBOARD_AXE_JS")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT / "node_modules" / "axe-core" / "axe.min.js")
    for path in candidates:
        if path.is_file():
            return path
    unavailable(
        "axe-core is not installed: run .ci/run, or `npm install --no-save axe-core` at the "
        "repository root, or point SCOREBOARD_AXE_JS at axe.min.js"
    )


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return serious and critical violations."""
    page.add_script_tag(path=axe_script())  # inlined: the context needs bypass_csp=True
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
          }));
        }"""
    )
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


@contextmanager
def serving(folder: Path, **env: str) -> Iterator[LiveServer]:
    """A real `scoreboard serve` on a loopback port, with its own SQLite file in `folder`."""
    server = LiveServer(f"sqlite:///{folder / 'scoreboard.db'}", None, **env).start()
    try:
        yield server
    finally:
        server.stop()


def tally(server: LiveServer, board: NewBoard) -> dict[str, Any]:
    """The board's current tally, as the API serves it."""
    response = httpx.get(f"{server.url}/api/boards/{board.slug}/tally", timeout=5)
    response.raise_for_status()
    body: dict[str, Any] = response.json()["tally"]
    return body


def post_reaction(server: LiveServer, board: NewBoard, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/api/boards/{board.slug}/reactions", json=body, timeout=5)
    assert response.status_code in {200, 201, 202}, response.text
    stored: dict[str, Any] = response.json()
    return stored


def tab_to(page: Page, selector: str, presses: int = 25) -> None:
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab in {presses} presses")
