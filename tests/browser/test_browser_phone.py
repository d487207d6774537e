"""The phone page in Chromium: taps and comments reach the projector; the form works without JS."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from scoreboard.i18n import STRINGS
from tests.browser.browser_support import (
    LIVE_MS,
    PHONE,
    PROJECTOR,
    Browser,
    Page,
    RecordProperty,
    expect,
    loopback_context,
    screenshot,
    tally,
)
from tests.conftest import LiveServer, new_board

EN = STRINGS["en"]
REACTIONS = ["👏", "❤️", "😂", "🤯", "🤔", "😴"]


def open_projector(page: Page, url: str) -> None:
    """Open the projector and wait for its first snapshot, so later changes arrive as ticks."""
    with page.expect_websocket() as opened:
        page.goto(url)
    opened.value.wait_for_event("framereceived")


def test_phone_tap_and_comment_show_on_the_projector_within_a_second(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Live in the browser", reactions=REACTIONS)
    with (
        loopback_context(browser, **PROJECTOR) as projector,
        loopback_context(browser, **PHONE) as phone,
    ):
        screen = projector.new_page()
        open_projector(screen, f"{server.url}/b/{board.slug}/screen")
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")

        page.locator(".tap", has_text="👏").tap()
        expect(page.locator("#status")).to_have_text(EN["sent"])
        expect(screen.locator("#count-total")).to_have_text("1", timeout=LIVE_MS)
        expect(screen.locator("#bursts .burst", has_text="👏").first).to_be_attached(
            timeout=LIVE_MS
        )
        expect(screen.locator('.emoji__item[data-emoji="👏"] .emoji__n')).to_have_text("1")

        page.locator("#text").fill("The demo worked first time")
        page.locator("#author").fill("Ada")
        page.locator(".send").tap()
        expect(page.locator("#status")).to_have_text(EN["sent"])
        expect(page.locator("#text")).to_have_value("")
        ticker = screen.locator("#ticker .ticker__item", has_text="The demo worked first time")
        expect(ticker).to_be_visible(timeout=LIVE_MS)
        expect(ticker.locator(".ticker__author")).to_have_text("Ada")
        expect(screen.locator("#count-total")).to_have_text("2", timeout=LIVE_MS)
        expect(screen.locator("#ticker-empty")).to_be_hidden()
        screenshot(page, "phone", record_property)


def test_phone_form_posts_without_javascript(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="No script", reactions=REACTIONS)
    with loopback_context(browser, java_script_enabled=False, **PHONE) as phone:
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")
        expect(page.locator("#status")).to_have_text("")

        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator(".tap", has_text="🤯").tap()
        assert posted.value.status == 303
        expect(page).to_have_url(f"{server.url}/b/{board.slug}?sent=1")
        expect(page.locator("#status")).to_have_text(EN["thanks"])

        page.locator("#text").fill("Works with scripts off too")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator(".send").tap()
        assert posted.value.status == 303
        expect(page.locator("#status")).to_have_text(EN["thanks"])

    counted = tally(server, board)
    assert counted["total"] == 2
    assert counted["emoji"] == {"🤯": 1}


def load_a_page_that_calls_out(browser: Browser) -> None:
    # 192.0.2.0/24 is reserved for documentation: nothing answers there anyway.
    with loopback_context(browser) as context:
        page = context.new_page()
        with page.expect_event("requestfailed") as failed:
            page.set_content('<img src="http://192.0.2.7/tracker.png" alt="">')
        assert failed.value.url == "http://192.0.2.7/tracker.png"


def test_requests_to_other_hosts_are_blocked_and_fail_the_test(browser: Browser) -> None:
    with pytest.raises(AssertionError, match=r"leave loopback: \['http://192\.0\.2\.7/"):
        load_a_page_that_calls_out(browser)


def test_the_phone_remembers_the_name_for_the_next_comment(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Names", reactions=REACTIONS)
    with loopback_context(browser, **PHONE) as phone:
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")
        expect(page.locator("#author")).to_have_value("")
        page.locator("#text").fill("First question")
        page.locator("#author").fill("Grace")
        page.locator(".send").tap()
        expect(page.locator("#status")).to_have_text(EN["sent"])
        page.reload()
        expect(page.locator("#author")).to_have_value("Grace")


def test_a_phone_with_its_clock_a_day_off_sends_ids_in_the_servers_time(
    browser: Browser, server: LiveServer
) -> None:
    """The script's ids start with the server's clock (read off the page), so a phone set
    a day ahead still adds its reactions at the end of the dedupe index."""
    board = new_board(server, title="Clocks", reactions=REACTIONS)
    with loopback_context(browser, **PHONE) as phone:
        page = phone.new_page()
        page.clock.set_system_time(datetime.now(UTC) + timedelta(days=1))
        page.goto(f"{server.url}/b/{board.slug}")
        assert page.evaluate("Date.now()") > (time.time() + 23 * 3600) * 1000
        before = time.time_ns() // 1_000_000
        for tap in ("👏", "😂"):
            page.locator(".tap", has_text=tap).tap()
            expect(page.locator("#status")).to_have_text(EN["sent"])
        after = time.time_ns() // 1_000_000
    listed = httpx.get(
        f"{server.url}/api/boards/{board.slug}/reactions", headers=board.auth, timeout=5
    )
    ids = [item["external_id"] for item in listed.json()["items"]]
    assert len(ids) == 2
    assert len(set(ids)) == 2
    for made in ids:
        assert uuid.UUID(made).version == 7
        # the page was read before `before`: its clock is at most a few seconds older
        assert before - 5_000 <= int(made[:12], 16) <= after
