"""The projector in Chromium: resyncs after a restart, fits 1920x1080 and 1280x720, stays
readable with long, pinned or right-to-left text, and honours reduced motion."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from scoreboard.i18n import STRINGS
from tests.browser.browser_support import (
    ACTION_MS,
    PROJECTOR,
    Browser,
    Page,
    RecordProperty,
    expect,
    loopback_context,
    post_reaction,
    screenshot,
)
from tests.conftest import LiveServer, NewBoard, admin_headers, new_board

PUBLIC_HOST = "talks.example.org"
REACTIONS = ["👏", "❤️", "😂", "🤯", "🤔", "😴"]
# The page retries with backoff (0.5 s, 1 s, 2 s, 4 s, ...): allow a few rounds of it.
RECONNECT_MS = 15_000
BUSY_ROOM = [
    ("Ada", "Loved the live demo, it just worked"),
    ("", "Great talk, very clear explanation of the writer"),
    ("Jan", "Mooi verhaal, heel duidelijk uitgelegd"),
    ("", "The slides were too small to read from the back"),
    ("Grace", "Group commit is such a neat idea for SQLite"),
    ("", "Can you share the slides afterwards?"),
    ("Linus", "Boring middle part, but a strong finish"),
    ("", "Fantastic energy, thank you!"),
    (
        "Margaret",
        "A very long comment that goes on and on about every single detail of "
        "the architecture, the websockets, the tallies and the hub, to see that it is clamped",
    ),
]

# A public address as behind a venue's proxy: the join card shows a realistic host.
SERVER_ENV = {"SCOREBOARD_PUBLIC_URL": f"https://{PUBLIC_HOST}"}
SMALL_PROJECTOR: dict[str, Any] = {"viewport": {"width": 1280, "height": 720}, "locale": "en-GB"}
LONG_COMMENT = ("A pinned comment that goes on about every detail of the talk, " * 9)[:500]
HEBREW = "ההרצאה הייתה מצוינת, תודה רבה!"
WORDS = [
    "pneumonoultramicroscopicsilicovolcanoconiosis", "donaudampfschifffahrtsgesellschaft",
    "internationalisation", "subinterpreters",
    "concurrency", "performance", "asyncio", "threading", "benchmarks", "latency", "memory",
    "sqlite", "websockets", "uvicorn", "starlette",
]  # fmt: skip
# The texts of `selector` whose glyphs reach out of their `column` sideways, or out of their
# panel or the viewport (emoji glyphs overhang their line box a little, but stay in the panel).
SPILLED = """([selector, column]) => [...document.querySelectorAll(selector)].filter((el) => {
  const text = document.createRange();
  text.selectNodeContents(el);
  const inner = text.getBoundingClientRect();
  const side = el.closest(column).getBoundingClientRect();
  const panel = el.closest(".panel, .join").getBoundingClientRect();
  return inner.left < side.left - 1 || inner.right > side.right + 1
    || inner.top < panel.top || inner.bottom > panel.bottom
    || inner.right > innerWidth || inner.bottom > innerHeight;
}).map((el) => el.textContent)"""


def test_projector_reconnects_and_resyncs_after_a_server_restart(
    browser: Browser, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'scoreboard.db'}"
    first = LiveServer(db_url).start()
    second: LiveServer | None = None
    try:
        board = new_board(first, title="Restart", reactions=REACTIONS)
        post_reaction(first, board, text="Before the crash", emoji="👏")
        with loopback_context(browser, **PROJECTOR) as projector:
            screen = projector.new_page()
            screen.goto(f"{first.url}/b/{board.slug}/screen")
            expect(screen.locator("#count-total")).to_have_text("1")
            expect(screen.locator("#conn")).to_be_hidden()

            first.kill()
            expect(screen.locator("#conn")).to_be_visible()
            second = LiveServer(db_url, port=first.port).start()
            post_reaction(second, board, text="After the restart", emoji="🤯")

            expect(screen.locator("#conn")).to_be_hidden(timeout=RECONNECT_MS)
            expect(screen.locator("#count-total")).to_have_text("2")
            ticker = screen.locator("#ticker")
            expect(ticker).to_contain_text("After the restart")
            expect(ticker).to_contain_text("Before the crash")
            expect(screen.locator('.emoji__item[data-emoji="🤯"] .emoji__n')).to_have_text("1")
            post_reaction(second, board, text="And it stays live")
            expect(ticker).to_contain_text("And it stays live")
            expect(screen.locator("#count-total")).to_have_text("3")
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_projector_fits_1920x1080_with_a_busy_room(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Fast feedback for slow talks", reactions=REACTIONS)
    for i, (author, text) in enumerate(BUSY_ROOM):
        post_reaction(server, board, author=author or None, text=text, emoji=REACTIONS[i % 6])
    for i in range(30):
        post_reaction(server, board, emoji=REACTIONS[i % 4])
    segment = httpx.post(
        f"{server.url}/api/boards/{board.slug}/segments",
        json={"label": "Demo"},
        headers=admin_headers(),
        timeout=5,
    )
    assert segment.status_code in {200, 201}, segment.text

    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator("#count-total")).to_have_text(str(len(BUSY_ROOM) + 30))
        expect(screen.locator("#segment")).to_have_text("Demo")
        screenshot(screen, "projector", record_property)

        scroll = screen.evaluate("[document.body.scrollWidth, document.body.scrollHeight]")
        assert scroll == [1920, 1080], "the projector page must not scroll"
        qr = screen.locator(".join__qr svg").bounding_box()
        card = screen.locator(".join").bounding_box()
        assert qr is not None
        assert card is not None
        # The square code is centred in the SVG box (viewBox letterboxing): its side is the
        # smaller of the two; it must be big enough to scan from the middle of a hall.
        assert min(qr["width"], qr["height"]) >= 360, qr
        assert card["y"] <= qr["y"]
        assert qr["y"] + qr["height"] <= card["y"] + card["height"]
        assert card["y"] + card["height"] <= 1080
        expect(screen.locator(".join__url")).to_contain_text(f"{PUBLIC_HOST}/j/")
        code = screen.locator(".join__url strong")
        expect(code).to_have_text(board.join_code)
        expect(code).to_be_in_viewport(ratio=1)


def test_projector_floats_emoji_without_motion_when_reduced_motion_is_asked(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Calm", reactions=REACTIONS)
    with loopback_context(browser, reduced_motion="reduce", **PROJECTOR) as projector:
        screen = projector.new_page()
        with screen.expect_websocket() as opened:
            screen.goto(f"{server.url}/b/{board.slug}/screen")
        opened.value.wait_for_event("framereceived")
        post_reaction(server, board, emoji="❤️")
        # Read the style in one step: the burst removes itself when its short fade ends.
        animation = screen.wait_for_function(
            """() => {
              const burst = document.querySelector("#bursts .burst");
              return burst && getComputedStyle(burst).animationName;
            }""",
            timeout=ACTION_MS,
        ).json_value()
        assert animation != "float-up"
        assert animation in {"none", "fade"}


def change_board(server: LiveServer, board: NewBoard, **fields: Any) -> None:
    response = httpx.patch(
        f"{server.url}/api/boards/{board.slug}", json=fields, headers=board.auth, timeout=5
    )
    assert response.status_code == 200, response.text


def pin(server: LiveServer, board: NewBoard, reaction_id: int) -> None:
    response = httpx.patch(
        f"{server.url}/api/boards/{board.slug}/reactions/{reaction_id}",
        json={"pinned": True},
        headers=board.auth,
        timeout=5,
    )
    assert response.status_code == 200, response.text


def box(page: Page, selector: str) -> dict[str, float]:
    """An element's border box, as the page lays it out now."""
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two computed `rgb(r, g, b)` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_projector_clamps_a_long_pinned_comment_and_shows_it_only_once(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Pinned", reactions=REACTIONS)
    for text in ["First live message", "Second live message"]:
        post_reaction(server, board, text=text)
    pinned = post_reaction(server, board, text=LONG_COMMENT, author="Margaret", emoji="🤯")
    post_reaction(server, board, text="Third live message")
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator(f'#ticker [data-id="{pinned["id"]}"]')).to_be_visible()
        pin(server, board, pinned["id"])  # live, in a tick
        for reload in (False, True):  # then from the snapshot of a fresh page
            if reload:
                screen.reload()
            expect(screen.locator("#pinned")).to_be_visible()
            expect(screen.locator(".pinned__author")).to_have_text("Margaret")
            expect(screen.locator(f'#ticker [data-id="{pinned["id"]}"]')).to_be_hidden()
            expect(screen.locator("#ticker .ticker__item:visible")).to_have_count(3)
            height, line, full = screen.locator(".pinned__text").evaluate(
                """(el) => [el.getBoundingClientRect().height,
                            parseFloat(getComputedStyle(el).lineHeight), el.scrollHeight]"""
            )
            assert height <= 3 * line + 1, "a pinned comment takes three lines at most"
            assert full > height, "the 500-character comment is clamped, not shown whole"
            newest = box(screen, "#ticker .ticker__item:visible")
            panel = box(screen, ".ticker")
            assert newest["y"] + newest["height"] <= panel["y"] + panel["height"], (
                "the live messages stay in view under the pinned one"
            )


def test_projector_lays_out_right_to_left_comments_right_to_left(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="RTL", reactions=REACTIONS)
    stored = post_reaction(server, board, text=HEBREW, author="נועה")
    pinned = post_reaction(server, board, text=f"{HEBREW} {HEBREW}", author="נועה")
    pin(server, board, pinned["id"])
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        item = screen.locator(f'#ticker [data-id="{stored["id"]}"]')
        expect(item).to_be_visible()
        expect(screen.locator(".words__word").first).to_be_visible()
        for element in [
            item.locator(".ticker__text"),
            item.locator(".ticker__author"),
            screen.locator(".pinned__text"),
            screen.locator(".pinned__author"),
            screen.locator(".words__word").first,
        ]:
            expect(element).to_have_attribute("dir", "auto")
            assert element.evaluate("(el) => el.matches(':dir(rtl)')"), "Hebrew reads right to left"


def test_projector_hides_the_join_invitation_while_the_board_is_closed(
    browser: Browser, server: LiveServer
) -> None:
    board = new_board(server, title="Closing time", reactions=REACTIONS)
    closed = STRINGS["en"]["closed"]
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator(".join")).to_be_visible()
        expect(screen.locator("#closed")).to_be_hidden()

        change_board(server, board, open=False)  # live, while the talk goes on
        expect(screen.locator(".join")).to_be_hidden()
        expect(screen.locator(".join__qr svg")).to_be_hidden()
        expect(screen.locator("#closed")).to_be_visible()
        expect(screen.locator("#closed")).to_contain_text(closed)

        screen.reload()  # and as the page is served
        expect(screen.locator(".join")).to_be_hidden()
        expect(screen.locator("#closed")).to_contain_text(closed)

        change_board(server, board, open=True)
        expect(screen.locator(".join")).to_be_visible()
        expect(screen.locator("#closed")).to_be_hidden()

    change_board(server, board, open=False)
    with loopback_context(browser, java_script_enabled=False, **PROJECTOR) as projector:
        served = projector.new_page()  # as served, before the live board's first snapshot
        served.goto(f"{server.url}/b/{board.slug}/screen")
        expect(served.locator(".join")).to_be_hidden()
        expect(served.locator("#closed")).to_contain_text(closed)


def cloud_board(server: LiveServer, words: list[str]) -> NewBoard:
    """A board whose word cloud ranks `words` in this order."""
    board = new_board(server, title="Words", reactions=REACTIONS)
    for rank, word in enumerate(words):
        for _ in range(len(words) - rank):
            post_reaction(server, board, text=word)
    return board


def test_projector_shrinks_long_words_to_the_panel_or_cuts_them_cleanly(
    browser: Browser, server: LiveServer
) -> None:
    board = cloud_board(server, WORDS[:5])
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator(".words__word").first).to_have_text(WORDS[0])
        clipped = screen.evaluate(
            """() => {
              const cloud = document.getElementById("words").getBoundingClientRect();
              return [...document.querySelectorAll(".words__word")]
                .filter((el) => el.getBoundingClientRect().right > cloud.right + 1
                                || (el.scrollWidth > el.clientWidth + 1
                                    && getComputedStyle(el).textOverflow !== "ellipsis"))
                .map((el) => el.textContent);
            }"""
        )
        assert clipped == [], "a word wider than the panel shrinks, then ends in an ellipsis"
        sizes = screen.evaluate(
            """() => [...document.querySelectorAll(".words__word")].slice(0, 3)
                       .map((el) => parseFloat(getComputedStyle(el).fontSize))"""
        )
        assert sizes[0] < sizes[2], "the longest words shrink to fit the panel"
        assert sizes[1] < sizes[2], "the longest words shrink to fit the panel"
        shrunk = screen.locator(".words__word").nth(1)
        assert shrunk.evaluate("(el) => el.scrollWidth <= el.clientWidth"), "and fit it whole"


def test_projector_word_cloud_shows_most_of_its_words(browser: Browser, server: LiveServer) -> None:
    board = cloud_board(server, WORDS[2:])  # long ones, as a technical talk gets them
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator(".words__word").first).to_have_text(WORDS[2])
        assert screen.locator(".words__word").count() >= 8, "the cloud shows most of its words"


def test_projector_timeline_stands_out_from_its_panel(browser: Browser, server: LiveServer) -> None:
    board = new_board(server, title="Timeline", reactions=REACTIONS)
    post_reaction(server, board, text="Great start")
    post_reaction(server, board, text="Too slow")
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        screen.goto(f"{server.url}/b/{board.slug}/screen")
        expect(screen.locator(".timeline__bar")).to_have_count(1)
        panel, bar, zero = screen.evaluate(
            """() => [
              getComputedStyle(document.querySelector(".timeline")).backgroundColor,
              getComputedStyle(document.querySelector(".timeline__bar")).fill,
              getComputedStyle(document.querySelector(".timeline__zero")).stroke,
            ]"""
        )
    # WCAG asks 3:1 of graphics; a projector washes dark tones out, so keep a margin.
    assert contrast(bar, panel) >= 4, (bar, panel)
    assert contrast(zero, panel) >= 4, (zero, panel)


def test_projector_gives_a_long_title_two_smaller_lines(
    browser: Browser, server: LiveServer
) -> None:
    long_title = (
        "Subinterpreters, free-threading and the road to a faster CPython: "
        "what changes for your web applications"
    )
    sizes: dict[str, tuple[float, float]] = {}
    with loopback_context(browser, **PROJECTOR) as projector:
        screen = projector.new_page()
        for title in ["Short title", long_title]:
            board = new_board(server, title=title, reactions=REACTIONS)
            screen.goto(f"{server.url}/b/{board.slug}/screen")
            expect(screen.locator("#title")).to_have_text(title)
            sizes[title] = screen.locator("#title").evaluate(
                """(el) => {
                  const style = getComputedStyle(el);
                  const size = parseFloat(style.fontSize);
                  return [size, el.getBoundingClientRect().height / parseFloat(style.lineHeight)];
                }"""
            )
    short_size, short_lines = sizes["Short title"]
    long_size, long_lines = sizes[long_title]
    assert round(short_lines) == 1
    assert round(long_lines) == 2, "a long title gets a second line instead of an early cut"
    assert 0.6 * short_size <= long_size < short_size, "a little smaller, still large"


def test_projector_keeps_big_counts_in_their_boxes_at_1920x1080_and_1280x720(
    browser: Browser, server: LiveServer, record_property: RecordProperty
) -> None:
    board = new_board(server, title="Fast feedback for slow talks", reactions=REACTIONS)
    for i, (author, text) in enumerate(BUSY_ROOM):
        post_reaction(server, board, author=author or None, text=text, emoji=REACTIONS[i % 6])
    for i in range(2100):  # four-digit counts are the widest the panels must hold
        post_reaction(server, board, emoji=REACTIONS[i % 3 // 2])

    for options in [PROJECTOR, SMALL_PROJECTOR]:
        width, height = options["viewport"]["width"], options["viewport"]["height"]
        with loopback_context(browser, **options) as projector:
            screen = projector.new_page()
            screen.goto(f"{server.url}/b/{board.slug}/screen")
            expect(screen.locator("#count-total")).to_have_text(str(len(BUSY_ROOM) + 2100))
            screenshot(screen, f"projector-counts-{width}x{height}", record_property)

            scroll = screen.evaluate("[document.body.scrollWidth, document.body.scrollHeight]")
            assert scroll == [width, height], "the projector page must not scroll"
            for selector, container in [
                (".count dd", ".count"),
                ("#count-total", ".total"),
                (".emoji__item", ".emoji__item"),
                (".join__url strong", ".join"),
            ]:
                spilled = screen.evaluate(SPILLED, [selector, container])
                assert spilled == [], f"{selector} spills out of {container} at {width}x{height}"
            ticker = box(screen, ".ticker")
            assert ticker["width"] >= 0.35 * width, "the messages keep the middle of the board"
            qr = box(screen, ".join__qr svg")
            assert min(qr["width"], qr["height"]) >= height / 3, "the code scans from the hall"
