"""Fixtures every browser test module shares: a Chromium and a server per module.

Module scope, not session scope: Playwright's sync API keeps an event loop running
while the browser is open, and the tests after the browser ones call asyncio.run().
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.browser_support import Browser, launch, serving
from tests.conftest import LiveServer


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A real server with its own database; a module may set SERVER_ENV for its settings."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    env: dict[str, str] = getattr(request.module, "SERVER_ENV", {})
    with serving(tmp_path_factory.mktemp(name), **env) as live:
        yield live
