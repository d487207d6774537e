"""Accessibility in Chromium: axe-core on the phone, projector and organiser pages; the keyboard.

axe-core is injected inline, which the pages' `script-src 'self'` forbids, so only these axe
contexts bypass the Content-Security-Policy.
"""

from __future__ import annotations

from scoreboard.i18n import STRINGS
from tests.browser.browser_support import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    Browser,
    Page,
    expect,
    loopback_context,
    post_reaction,
    serious_violations,
    settle,
    tab_to,
    tally,
)
from tests.conftest import LiveServer, new_board

EN = STRINGS["en"]
REACTIONS = ["👏", "❤️", "😂", "🤯", "🤔", "😴"]


def assert_accessible(page: Page) -> None:
    settle(page)
    found = serious_violations(page)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found
    )


def test_phone_page_has_no_serious_axe_violations(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Accessible phone", reactions=REACTIONS)
    with loopback_context(browser, bypass_csp=True, **PHONE) as phone:
        page = phone.new_page()
        page.goto(f"{server.url}/b/{board.slug}")
        for emoji in REACTIONS:
            expect(page.get_by_role("button", name=f"{EN['react']}: {emoji}")).to_be_visible()
        expect(page.get_by_role("button", name=EN["send"])).to_be_visible()
        expect(page.get_by_label(EN["comment"])).to_be_visible()
        assert_accessible(page)


def test_projector_has_no_serious_axe_violations(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Accessible projector", reactions=REACTIONS)
    post_reaction(server, board, text="Readable from the back row", author="Ada", emoji="👏")
    post_reaction(server, board, text="The contrast is poor on this slide", emoji="🤔")
    with loopback_context(browser, bypass_csp=True, **PROJECTOR) as projector:
        page = projector.new_page()
        page.goto(f"{server.url}/b/{board.slug}/screen")
        expect(page.locator("#count-total")).to_have_text("2")
        assert_accessible(page)


def test_organiser_page_has_no_serious_axe_violations(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Accessible organiser", moderation="pre")
    post_reaction(server, board, text="Waiting for a moderator", author="Grace")
    with loopback_context(browser, bypass_csp=True, **LAPTOP) as laptop:
        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/admin")
        assert_accessible(page)
        page.locator("#token").fill(board.token)
        page.locator("#token").press("Enter")
        expect(page.locator("#reactions li")).to_have_count(1)
        expect(page.locator('#settings [name="title"]')).to_have_value("Accessible organiser")
        assert_accessible(page)


def test_phone_page_works_with_the_keyboard_only(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Keyboard", reactions=REACTIONS)
    with loopback_context(browser, viewport=PHONE["viewport"], locale="en-GB") as context:
        page = context.new_page()
        page.goto(f"{server.url}/b/{board.slug}")

        tab_to(page, '.tap[value="👏"]')
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text(EN["sent"])

        tab_to(page, "#text")
        page.keyboard.type("Typed without a mouse")
        tab_to(page, ".send")
        focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focus_ring != "none", "the focused button must show where the keyboard is"
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_text(EN["sent"])
        expect(page.locator("#text")).to_have_value("")
        expect(page.locator(".send")).to_be_focused()

    counted = tally(server, board)
    assert counted["total"] == 2
    assert counted["emoji"] == {"👏": 1}
