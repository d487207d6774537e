"""The projector in Chromium: resyncs after a restart, fits 1920x1080, honours reduced motion."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.browser.browser_support import (
    ACTION_MS,
    PROJECTOR,
    Browser,
    RecordProperty,
    expect,
    loopback_context,
    post_reaction,
    screenshot,
)
from tests.conftest import LiveServer, admin_headers, new_board

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
