"""Hostile text through every way in (form, API, signed webhook) never runs on any page."""

from __future__ import annotations

import base64
import json
import secrets
import time
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.browser.browser_support import (
    LAPTOP,
    PROJECTOR,
    Browser,
    Page,
    expect,
    loopback_context,
)
from tests.conftest import LiveServer, NewBoard, new_board

PAYLOADS = {
    "form": '<img src=x onerror="window.__xss=1">form',
    "api": "<script>window.__xss=2</script>api",
    "webhook": '<svg onload="window.__xss=3">webhook',
    "link": "javascript:window.__xss=4 link",
}
BIDI = "\u202eevil reversed"


def _signed_webhook(server: LiveServer, board: NewBoard, text: str) -> None:
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    configured = httpx.put(
        f"{server.url}/api/boards/{board.slug}/sources/webhook",
        json={"enabled": True, "secret": secret},
        headers=board.auth,
        timeout=5,
    )
    assert configured.status_code == 200, configured.text
    body = json.dumps({"text": text, "author": '<b onmouseover="x()">Mallory</b>', "id": "w1"})
    msg_id = "msg_" + secrets.token_hex(8)
    stamp = int(time.time())
    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(stamp, UTC), body)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature,
        "content-type": "application/json",
    }
    response = httpx.post(
        f"{server.url}/hooks/{board.slug}/webhook", content=body, headers=headers, timeout=5
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def board(server: LiveServer) -> NewBoard:
    made = new_board(server, title="Hostile audience", hashtags=["talk"])
    with httpx.Client(base_url=server.url, timeout=5) as http:
        http.get(f"/b/{made.slug}")
        sent = http.post(f"/b/{made.slug}", data={"text": PAYLOADS["form"], "client_id": "f1"})
        assert sent.status_code in {200, 303}
        for key in ("api", "link"):
            response = http.post(
                f"/api/boards/{made.slug}/reactions",
                json={"text": PAYLOADS[key], "author": "<i>Eve</i>"},
            )
            assert response.status_code == 201, response.text
        http.post(f"/api/boards/{made.slug}/reactions", json={"text": BIDI})
    _signed_webhook(server, made, PAYLOADS["webhook"] + " #talk")
    return made


def _assert_inert(page: Page) -> None:
    assert page.evaluate("window.__xss") is None, "audience text ran as script"
    for tag in ("script:not([src])", "img[onerror]", "svg[onload]", "b[onmouseover]", "i"):
        found = page.locator(f"body {tag}").count()
        assert found == 0, f"audience markup became a <{tag}> element"


def test_projector_shows_hostile_text_as_text(
    browser: Browser, server: LiveServer, board: NewBoard
) -> None:
    with loopback_context(browser, **PROJECTOR) as context:
        page = context.new_page()
        page.goto(f"{server.url}/b/{board.slug}/screen")
        ticker = page.locator("#ticker")
        expect(ticker).to_contain_text("<img src=x onerror=")
        expect(ticker).to_contain_text("<script>window.__xss=2</script>")
        expect(ticker).to_contain_text('<b onmouseover="x()">Mallory</b>')
        assert "\u202e" not in (ticker.text_content() or ""), "bidi override reached the screen"
        _assert_inert(page)


def test_organiser_page_shows_hostile_text_as_text(
    browser: Browser, server: LiveServer, board: NewBoard
) -> None:
    with loopback_context(browser, **LAPTOP) as context:
        page = context.new_page()
        page.goto(f"{server.url}/b/{board.slug}/admin")
        page.locator("#token").fill(board.token)
        page.locator("#login").get_by_role("button").click()
        expect(page.locator("#reactions")).to_contain_text("<svg onload=")
        expect(page.locator("#reactions")).to_contain_text("<i>Eve</i>")
        _assert_inert(page)


def test_report_shows_hostile_text_as_text(
    browser: Browser, server: LiveServer, board: NewBoard
) -> None:
    with loopback_context(browser, **LAPTOP) as context:
        page = context.new_page()
        page.goto(f"{server.url}/b/{board.slug}/report")
        page.locator("#token").fill(board.token)
        page.locator("#token").press("Enter")
        expect(page.locator("#token")).to_have_count(0)  # the report replaced the login
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("Hostile audience")
        _assert_inert(page)
