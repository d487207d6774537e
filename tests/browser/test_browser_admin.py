"""The organiser page in Chromium: log in, approve and hide what the projector shows."""

from __future__ import annotations

from tests.browser.browser_support import (
    LAPTOP,
    PROJECTOR,
    Browser,
    Page,
    RecordProperty,
    expect,
    loopback_context,
    post_reaction,
    screenshot,
)
from tests.conftest import LiveServer, new_board

# Moderation runs through the organiser page's 2 s poll and the hub's next tick.
MODERATED_MS = 5_000


def log_in(page: Page, token: str, title: str) -> None:
    """Log in as a person would, and wait until the panel shows the board's settings."""
    page.locator("#token").fill(token)
    page.locator("#login").get_by_role("button").click()
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#login")).to_be_hidden()
    expect(page.locator('#settings [name="title"]')).to_have_value(title)


def test_wrong_token_is_refused_with_a_message(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Guarded")
    with loopback_context(browser, **LAPTOP) as laptop:
        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/admin")
        page.locator("#token").fill("not-the-token")
        page.locator("#login").get_by_role("button").click()
        expect(page.locator("#login-error")).not_to_be_empty()
        expect(page.locator("#panel")).to_be_hidden()


def test_organiser_approves_then_hides_a_held_message_on_the_projector(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Moderated talk", moderation="pre")
    held = post_reaction(server, board, text="Please hold me until approved", author="Ada")
    assert held["status"] == "held"
    with (
        loopback_context(browser, **PROJECTOR) as projector,
        loopback_context(browser, **LAPTOP) as laptop,
    ):
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator("#conn")).to_be_hidden()
        ticker = screen.locator("#ticker")
        expect(screen.locator("#ticker-empty")).to_be_visible()

        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/admin")
        log_in(page, board.token, "Moderated talk")
        expect(page.locator('#settings [name="moderation"]')).to_have_value("pre")
        row = page.locator("#reactions li", has_text="Please hold me until approved")
        expect(row).to_contain_text("held")
        screenshot(page, "admin", record_property)
        expect(ticker).not_to_contain_text("Please hold me")

        row.get_by_role("button", name="Approve").click()
        expect(ticker).to_contain_text("Please hold me until approved", timeout=MODERATED_MS)
        expect(row.get_by_role("button", name="Approve")).to_have_count(0)

        row.get_by_role("button", name="Hide").click()
        expect(ticker).not_to_contain_text("Please hold me", timeout=MODERATED_MS)
        expect(row.get_by_role("button", name="Restore")).to_be_visible()
        expect(screen.locator("#ticker-empty")).to_be_visible()
