"""The phone page in Chromium when a reaction cannot go through: people read why, in their
language, and the page never resends what the server refused."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx

from scoreboard.i18n import STRINGS
from tests.browser.browser_support import (
    PHONE,
    Browser,
    Page,
    RecordProperty,
    expect,
    loopback_context,
    screenshot,
    tally,
)
from tests.conftest import LiveServer, new_board

if TYPE_CHECKING:
    from playwright.sync_api import Request

SERVER_ENV = {"SCOREBOARD_RATE_LIMIT": "6"}  # a burst of 10, then one every 10 s
EN, NL = STRINGS["en"], STRINGS["nl"]


def posts_to(page: Page, slug: str) -> list[str]:
    """Every POST the page sends to the board, as the page sends it (retries included)."""
    sent: list[str] = []

    def note(request: Request) -> None:
        if request.method == "POST" and request.url.endswith(f"/b/{slug}"):
            sent.append(request.url)

    page.on("request", note)
    return sent


def test_a_phone_over_the_rate_limit_is_told_to_wait_and_does_not_resend(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Rate limit")
    with loopback_context(browser, **{**PHONE, "locale": "nl-NL"}) as phone:
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")
        sent = posts_to(page, board.slug)
        tap = page.locator(".tap").first
        for n in range(1, 11):
            tap.tap()
            expect(page.locator("#status")).to_have_text(NL["sent"])
            assert len(sent) == n
        with page.expect_response(lambda r: r.request.method == "POST") as refused:
            tap.tap()
        assert refused.value.status == 429
        wait = NL["error_rate"].replace("{seconds}", r"\d+")
        expect(page.locator("#status")).to_have_text(re.compile(wait))
        expect(page.locator("#status")).to_have_class(re.compile("notice--error"))
        page.wait_for_timeout(1_500)  # the old page resent after 0.4 s, 0.8 s, ...
        assert len(sent) == 11
        assert tally(server, board)["total"] == 10
        screenshot(page, "phone-rate-limit", record_property)


def test_an_empty_comment_is_told_and_a_long_one_counts_down(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Comments")
    with loopback_context(browser, **PHONE) as phone:
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")
        sent = posts_to(page, board.slug)
        page.locator("#text").fill("   ")
        page.locator(".send").tap()
        expect(page.locator("#status")).to_have_text(EN["error_empty"])
        expect(page.locator("#text")).to_be_focused()
        assert sent == []
        page.locator("#text").press_sequentially("G")
        expect(page.locator("#status")).to_have_text("")  # the refusal was for the empty box

        left = page.locator("#left")
        page.locator("#text").fill("Great talk")
        expect(left).to_be_hidden()
        page.locator(".send").tap()
        expect(page.locator("#status")).to_have_text(EN["sent"])
        page.locator("#text").press_sequentially("A")
        expect(page.locator("#status")).to_have_text("")  # "Received" was the last one's

        page.locator("#text").fill("x" * 460)
        expect(left).to_be_visible()
        expect(left).to_have_text(EN["chars_left"].format(count=40))
        screenshot(page, "phone-count-down", record_property)
        page.locator("#text").fill("x" * 520)  # the box holds the server's limit, no more
        expect(page.locator("#text")).to_have_value("x" * 500)
        expect(left).to_have_text(EN["chars_left"].format(count=0))


def test_a_board_closed_while_the_page_is_open_says_so_in_dutch(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Closing")
    with loopback_context(browser, **{**PHONE, "locale": "nl-NL"}) as phone:
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")
        closed = httpx.patch(
            f"{server.url}/api/boards/{board.slug}", json={"open": False}, headers=board.auth
        )
        assert closed.status_code == 200
        page.locator(".tap").first.tap()
        expect(page.locator("#status")).to_have_text(NL["closed"])
        assert tally(server, board)["total"] == 0
