"""The organiser page in Chromium: log in, moderate what the projector shows, and a list whose
rows hold still under the pointer, exports that keep the filter, readable details, paging; and
all of it in Dutch for a Dutch browser."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.browser.browser_support import (
    LAPTOP,
    PROJECTOR,
    Browser,
    BrowserContext,
    Page,
    RecordProperty,
    expect,
    loopback_context,
    post_reaction,
    screenshot,
    tab_to,
)
from tests.conftest import LiveServer, NewBoard, new_board

# Moderation runs through the organiser page's 2 s poll and the hub's next tick.
MODERATED_MS = 5_000
PAGE = 100  # reactions per page of the organiser's list (admin.js)


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


# --- The reactions list at a laptop's size: rows hold still, exports, details, filters ---

WIDE_LAPTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 768}, "locale": "en-GB"}


def open_admin(context: BrowserContext, server: LiveServer, board: NewBoard) -> Page:
    page = context.new_page()
    page.goto(f"{server.url}/b/{board.slug}/admin")
    page.locator("#token").fill(board.token)
    page.locator("#login").get_by_role("button").click()
    expect(page.locator("#panel")).to_be_visible()
    return page


def statuses(server: LiveServer, board: NewBoard) -> dict[int, str]:
    """Each reaction's status as the moderation API reports it."""
    response = httpx.get(
        f"{server.url}/api/boards/{board.slug}/reactions", headers=board.auth, timeout=5
    )
    response.raise_for_status()
    return {item["id"]: item["status"] for item in response.json()["items"]}


def test_a_reaction_arriving_under_the_pointer_waits_and_the_buttons_keep_their_row(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Busy talk")
    for n in range(5):
        post_reaction(server, board, text=f"Earlier comment {n}")
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        rows = page.locator("#reactions > li")
        expect(rows).to_have_count(5)
        target = rows.nth(2)
        target_id = target.get_attribute("data-id")
        target.get_by_role("button", name="Hide").hover()
        box = target.bounding_box()

        arrived = post_reaction(server, board, text="Arrived during the hover")
        show = page.locator("#new-reactions")
        expect(show).to_have_text("1 new — show", timeout=MODERATED_MS)
        expect(rows).to_have_count(5)
        assert rows.nth(2).get_attribute("data-id") == target_id
        assert rows.nth(2).bounding_box() == box
        expect(page.locator("#reactions")).not_to_contain_text("Arrived during the hover")

        rows.nth(2).get_by_role("button", name="Hide").click()
        expect(rows.nth(2).get_by_role("button", name="Restore")).to_be_visible()
        stored = statuses(server, board)
        assert stored[int(target_id or 0)] == "hidden"
        assert stored[arrived["id"]] == "visible"

        show.click()
        expect(rows).to_have_count(6)
        expect(rows.first).to_contain_text("Arrived during the hover")
        expect(show).to_be_hidden()


def test_queued_reactions_appear_once_the_pointer_leaves_the_list(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Pointer leaves")
    post_reaction(server, board, text="Already here")
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        rows = page.locator("#reactions > li")
        expect(rows).to_have_count(1)
        rows.first.hover()
        post_reaction(server, board, text="Waited for the pointer")
        expect(page.locator("#new-reactions")).to_be_visible(timeout=MODERATED_MS)

        page.mouse.move(2, 2)
        expect(rows.first).to_contain_text("Waited for the pointer", timeout=MODERATED_MS)
        expect(page.locator("#new-reactions")).to_be_hidden()


def test_keyboard_focus_in_the_list_holds_new_rows_and_show_is_reachable_by_keyboard(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Keyboard moderator")
    post_reaction(server, board, text="Focused with the keyboard")
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        rows = page.locator("#reactions > li")
        expect(rows).to_have_count(1)
        page.mouse.move(2, 2)
        tab_to(page, "#reactions button", presses=60)

        post_reaction(server, board, text="Came in while tabbing")
        show = page.locator("#new-reactions")
        expect(show).to_be_visible(timeout=MODERATED_MS)
        expect(rows).to_have_count(1)

        page.keyboard.press("Shift+Tab")
        expect(show).to_be_focused()
        page.keyboard.press("Enter")
        expect(rows.first).to_contain_text("Came in while tabbing")
        expect(rows.first).to_be_focused()


def test_exporting_keeps_the_held_filter_and_its_list(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Export while held", moderation="pre")
    post_reaction(server, board, text="Held for review")
    post_reaction(server, board, emoji="👏")  # a bare tap is never held
    with loopback_context(browser, accept_downloads=True, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        rows = page.locator("#reactions > li")
        expect(rows).to_have_count(2)
        held = page.get_by_role("button", name="Held", exact=True)
        held.click()
        expect(rows).to_have_count(1)

        csv = page.get_by_role("button", name="CSV")
        with page.expect_download() as download:
            csv.click()
        assert download.value.suggested_filename == f"{board.slug}-reactions.csv"
        expect(held).to_have_attribute("aria-pressed", "true")
        assert csv.get_attribute("aria-pressed") is None
        expect(page.locator("[data-filter][aria-pressed=true]")).to_have_count(1)
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Held for review")


def test_exports_are_in_the_first_viewport_above_a_long_list(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Long list")
    for n in range(12):
        post_reaction(server, board, text=f"Comment number {n}")
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        expect(page.locator("#reactions > li")).to_have_count(12)
        exports = page.locator("[data-export]")
        expect(exports).to_have_count(3)
        for button in exports.all():
            expect(button).to_be_in_viewport()
            box = button.bounding_box()
            assert box is not None
            assert box["y"] + box["height"] <= WIDE_LAPTOP["viewport"]["height"]


def test_row_details_are_words_without_placeholders(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Readable details")
    post_reaction(server, board, emoji="👏")
    post_reaction(server, board, text="What a wonderful and clear demo", author="Ada")
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        meta = page.locator("#reactions .item__meta")
        expect(meta).to_have_count(2)
        comment, tap = meta.all_text_contents()
        for line in (comment, tap):
            parts = line.split(" · ")
            assert all(part.strip() not in {"", "-"} for part in parts), line
            assert not re.search(r"\d\.\d{3}", line), line  # scores are rounded to 2 decimals
        assert re.match(r"Ada · API · positive 0\.\d\d · English · \d", comment), comment
        assert re.match(r"API · positive 0\.\d\d · \d", tap), tap


def test_the_comments_filter_hides_bare_taps(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Comments only")
    post_reaction(server, board, emoji="👏")
    post_reaction(server, board, text="A real comment", emoji="❤️")
    post_reaction(server, board, emoji="🤯")
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        rows = page.locator("#reactions > li")
        expect(rows).to_have_count(3)
        comments = page.get_by_role("button", name="Comments")
        comments.click()
        expect(comments).to_have_attribute("aria-pressed", "true")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("A real comment")

        page.get_by_role("button", name="All", exact=True).click()
        expect(rows).to_have_count(3)


def test_load_older_appends_the_reactions_beyond_the_first_page(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="A long talk")
    with httpx.Client(base_url=server.url, timeout=5) as http:
        for n in range(PAGE + 1):
            body = {"text": f"Message {n}", "client_id": f"older-{n}"}
            assert http.post(f"/api/boards/{board.slug}/reactions", json=body).status_code == 201
    with loopback_context(browser, **WIDE_LAPTOP) as laptop:
        page = open_admin(laptop, server, board)
        rows = page.locator("#reactions > li")
        expect(rows).to_have_count(PAGE)
        newest = rows.first.get_attribute("data-id")
        older = page.get_by_role("button", name="Load older")
        older.click()
        expect(rows).to_have_count(PAGE + 1)
        expect(rows.last).to_contain_text("Message 0")
        assert rows.first.get_attribute("data-id") == newest
        expect(older).to_be_hidden()


def test_organiser_connects_a_webhook_from_the_networks_panel(
    browser: Browser, server: LiveServer
) -> None:
    """The networks panel (admin_networks.js): one form per source; saving a signing secret
    enables the webhook on the server and the row then shows the URL to paste."""
    board = new_board(server, title="Networked")
    with loopback_context(browser, **LAPTOP) as laptop:
        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/admin")
        log_in(page, board.token, "Networked")
        webhook = page.locator('#networks li[data-source="webhook"]')
        expect(webhook).to_be_visible()
        expect(page.locator('#networks li[data-source="slack"]')).to_be_attached()
        webhook.locator('[name="enabled"]').check()
        webhook.locator('[name="secret"]').fill("whsec_" + "A" * 32)
        webhook.get_by_role("button", name="Save").click()
        saved = page.locator('#networks li[data-source="webhook"]')
        expect(saved.locator(".network__message")).to_have_text("Saved.")
        expect(saved.locator(".network__status")).to_contain_text("/hooks/")
        views = httpx.get(f"{server.url}/api/boards/{board.slug}/sources", headers=board.auth)
        by_source = {view["source"]: view for view in views.json()["sources"]}
        assert by_source["webhook"]["enabled"] is True


# --- The page in Dutch, for a Dutch browser: the template's words and the scripts' ---

DUTCH_LAPTOP: dict[str, Any] = {**WIDE_LAPTOP, "locale": "nl-NL"}  # sends Accept-Language: nl-NL
# Words the page used to show in English whatever the browser asked for.
ENGLISH_WORDS = [
    *("Projector", "Phone page", "QR code", "Report", "Replay", "Join code", "Export", "Log out"),
    *("Board", "Title", "Moderation", "show unless held", "Phone language", "from the phone"),
    *("Emoji on phones", "Languages of the audience", "Open for reactions", "Blocked words"),
    *("Hold messages", "Save", "Saved", "Segment", "Start segment", "Now"),
    *("Reactions", "All", "Comments", "Held", "Visible", "Hidden", "Load older", "new — show"),
    *("visible", "held", "hidden", "mood", "positive", "neutral", "negative", "pinned", "Phone"),
    *("Approve", "Restore", "Hide", "Pin", "Unpin", "Ban device", "Ban name"),
    *("Networks", "Secrets are write-only", "Recipes", "Signing secret", "Webhook secret"),
    *("Only messages", "Paste into", "Follower", "stopped", "not set", "Instance"),
]


def test_a_dutch_browser_gets_the_whole_organiser_page_in_dutch(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Vragenuur", moderation="pre")
    post_reaction(server, board, text="Kijk op example.com/slides", author="Ada")
    with loopback_context(browser, **DUTCH_LAPTOP) as laptop:
        page = laptop.new_page()
        page.goto(f"{server.url}/b/{board.slug}/admin")
        page.locator("#token").fill("not-the-token")
        page.locator("#login").get_by_role("button", name="Inloggen").click()
        expect(page.locator("#login-error")).to_have_text("Met dit token open je dit bord niet.")
        log_in(page, board.token, "Vragenuur")
        expect(page.locator("html")).to_have_attribute("lang", "nl")

        # The template's words.
        expect(page.get_by_role("heading", name="Bord", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
        expect(page.locator(".exports")).to_have_attribute("title", re.compile("^alles, met"))
        filters = page.locator(".filters")
        for name in ("Alle", "Opmerkingen", "Vastgehouden", "Zichtbaar", "Verborgen"):
            expect(filters.get_by_role("button", name=name, exact=True)).to_be_visible()

        # The script's words: a held row's buttons and details, the counts, a confirm dialog.
        row = page.locator("#reactions > li", has_text="Kijk op example.com/slides")
        for name in ("Goedkeuren", "Verbergen", "Vastzetten", "Apparaat blokkeren"):
            expect(row.get_by_role("button", name=name, exact=True)).to_be_visible()
        expect(row.get_by_role("button", name="Naam blokkeren")).to_be_visible()
        expect(row.locator(".item__meta")).to_contain_text("vastgehouden (link)")
        expect(page.locator("#counts")).to_contain_text("1 vastgehouden")
        page.once("dialog", lambda dialog: dialog.dismiss())
        with page.expect_event("dialog") as asked:
            row.get_by_role("button", name="Apparaat blokkeren").click()
        assert asked.value.message.startswith("Apparaat blokkeren? Hun zichtbare berichten")
        row.get_by_role("button", name="Verbergen").click()
        expect(row.get_by_role("button", name="Terugzetten")).to_be_visible()

        row.get_by_role("button", name="Vastzetten").hover()
        post_reaction(server, board, text="Nog een vraag over de demo")
        show = page.locator("#new-reactions")
        expect(show).to_have_text("1 nieuw — tonen", timeout=MODERATED_MS)
        show.click()
        expect(page.locator("#reactions > li")).to_have_count(2)

        page.locator("#settings").get_by_role("button", name="Opslaan").click()
        expect(page.locator("#saved")).to_have_text("Opgeslagen.")

        # The networks panel (admin_networks.js) uses the same words.
        slack = page.locator('#networks li[data-source="slack"]')
        expect(slack.locator('[name="secret"]')).to_have_attribute("placeholder", "niet ingesteld")
        feed = page.locator('#networks li[data-source="bluesky"] .network__status')
        expect(feed).to_contain_text("Volger: gestopt")
        webhook = page.locator('#networks li[data-source="webhook"]')
        webhook.locator('[name="enabled"]').check()
        webhook.locator('[name="secret"]').fill("whsec_" + "A" * 32)
        webhook.get_by_role("button", name="Opslaan").click()
        saved = page.locator('#networks li[data-source="webhook"]')
        expect(saved.locator(".network__message")).to_have_text("Opgeslagen.")
        expect(saved.locator(".network__status")).to_contain_text("Plak in Webhook")

        shown = page.locator("#admin").inner_text()
        left = [w for w in ENGLISH_WORDS if re.search(rf"\b{re.escape(w)}\b", shown)]
        assert left == [], left
        screenshot(page, "admin-nl", record_property)
