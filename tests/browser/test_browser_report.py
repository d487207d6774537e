"""The printable report in Chromium: the organiser logs in, it renders, and it passes axe-core."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.browser_support import (
    LAPTOP,
    PHONE,
    Browser,
    BrowserContext,
    Page,
    RecordProperty,
    expect,
    loopback_context,
    post_reaction,
    screenshot,
    serious_violations,
    settle,
)
from tests.conftest import LiveServer, NewBoard, new_board

TITLE = "Report in the browser"


@pytest.fixture(scope="module")
def board(server: LiveServer) -> NewBoard:
    """A board with a small talk's worth of reactions; skips while the report page is unbuilt."""
    made = new_board(server, title=TITLE, reactions=["👏", "❤️", "🤔"])
    status = httpx.get(f"{server.url}/b/{made.slug}/report", timeout=5).status_code
    if status == 404:
        pytest.skip("GET /b/{slug}/report does not exist yet (issue 6 builds it)")
    texts = ["Great opening", "Clear and well paced", "Lost me in the middle", "Brilliant demo"]
    for i, text in enumerate(texts):
        post_reaction(server, made, text=text, emoji=["👏", "❤️", "🤔"][i % 3])
    return made


def open_report(context: BrowserContext, server: LiveServer, board: NewBoard) -> Page:
    """Open the report as an organiser would: the page asks for the token when it needs it."""
    page = context.new_page()
    page.goto(f"{server.url}/b/{board.slug}/report")
    if page.locator("#token").count():
        page.locator("#token").fill(board.token)
        page.locator("#token").press("Enter")
        expect(page.locator("#token")).to_have_count(0)
    expect(page.locator("h1")).to_contain_text(TITLE)
    return page


def test_report_renders_for_the_organiser(
    browser: Browser, server: LiveServer, board: NewBoard, record_property: RecordProperty
) -> None:
    with loopback_context(browser, **LAPTOP) as laptop:
        page = open_report(laptop, server, board)
        expect(page.locator("body")).to_contain_text("Brilliant demo")
        screenshot(page, "report", record_property)
    with loopback_context(browser, **PHONE) as phone:
        page = open_report(phone, server, board)
        settle(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the report must be readable on a phone without sideways scrolling"
        screenshot(page, "report-phone", record_property)


def test_report_has_no_serious_axe_violations(
    browser: Browser, server: LiveServer, board: NewBoard
) -> None:
    with loopback_context(browser, bypass_csp=True, **LAPTOP) as laptop:
        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/report")
        settle(page)
        assert not serious_violations(page), "the report's login page"
        page = open_report(laptop, server, board)
        settle(page)
        found = serious_violations(page)
        assert not found, "\n".join(f"{v['id']}: {v['help']} at {v['nodes']}" for v in found)


def test_report_in_a_dutch_browser_is_dutch_down_to_a_refused_token(
    browser: Browser, server: LiveServer, board: NewBoard
) -> None:
    with loopback_context(browser, **{**LAPTOP, "locale": "nl-NL"}) as laptop:
        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/report")
        page.locator("#token").fill("not-the-token")
        page.locator("#token").press("Enter")
        expect(page.locator("#login-error")).to_have_text("Met dit token open je dit bord niet.")
        page = open_report(laptop, server, board)
        expect(page.locator(".report__kicker")).to_have_text("Verslag van de talk")
        expect(page.locator("#print")).to_have_text("Afdrukken of bewaren als pdf")
