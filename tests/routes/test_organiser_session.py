"""The organiser page's session: a form login, an HttpOnly cookie, a CSRF token per session."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from scoreboard.i18n import STRINGS, script_strings
from tests.conftest import ADMIN_TOKEN, NewBoard, make_board


def log_in(client: TestClient, board: NewBoard, token: str | None = None) -> str:
    """Log in through the form as a browser would; returns the page's CSRF token."""
    response = client.post(
        f"/b/{board.slug}/admin/session",
        data={"token": token or board.token},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/b/{board.slug}/admin")
    assert page.status_code == 200
    found = re.search(r'data-csrf="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_login_sets_an_httponly_samesite_strict_cookie_without_the_token(
    client: TestClient, board: NewBoard
) -> None:
    response = client.post(
        f"/b/{board.slug}/admin/session", data={"token": board.token}, follow_redirects=False
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"sb_org_{board.slug}=")
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert board.token not in cookie


def test_the_session_works_for_the_api_only_with_its_csrf_token(
    client: TestClient, board: NewBoard
) -> None:
    csrf = log_in(client, board)
    url = f"/api/boards/{board.slug}/settings"
    assert client.get(url).status_code == 403  # the cookie alone: a cross-site request
    assert client.get(url, headers={"X-CSRF-Token": "guess"}).status_code == 403
    assert client.get(url, headers={"X-CSRF-Token": csrf}).status_code == 200
    changed = client.patch(
        f"/api/boards/{board.slug}",
        json={"title": "Renamed"},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200


def test_the_admin_token_opens_the_page_too(client: TestClient, board: NewBoard) -> None:
    csrf = log_in(client, board, token=ADMIN_TOKEN)
    assert client.get(
        f"/api/boards/{board.slug}/reactions", headers={"X-CSRF-Token": csrf}
    ).is_success


def test_a_wrong_token_shows_the_form_again_with_a_message(
    client: TestClient, board: NewBoard
) -> None:
    response = client.post(f"/b/{board.slug}/admin/session", data={"token": "nope"})
    assert response.status_code == 403
    assert "does not open this board" in response.text
    assert "set-cookie" not in response.headers


DUTCH_BROWSER = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}


def test_a_wrong_token_is_refused_in_dutch_for_a_dutch_browser(
    client: TestClient, board: NewBoard
) -> None:
    response = client.post(
        f"/b/{board.slug}/admin/session", data={"token": "nope"}, headers=DUTCH_BROWSER
    )
    assert response.status_code == 403
    assert STRINGS["nl"]["admin_login_refused"] in response.text
    assert "does not open this board" not in response.text
    assert '<html lang="nl">' in response.text


def test_the_page_hands_its_scripts_their_words_in_the_pages_language(
    client: TestClient, board: NewBoard
) -> None:
    log_in(client, board)
    page = client.get(f"/b/{board.slug}/admin", headers=DUTCH_BROWSER)
    found = re.search(r"data-strings='([^']*)'", page.text)
    assert found is not None
    strings = json.loads(html.unescape(found.group(1)))
    assert strings == script_strings("nl", "admin_js_")
    assert strings["new"] == "{n} nieuw — tonen"
    assert ">Reacties <small" in page.text


def test_the_organiser_page_follows_the_organisers_browser_not_the_phones_setting(
    client: TestClient, board: NewBoard
) -> None:
    """`ui_language` fixes what the audience reads; the organiser reads their own language."""
    fixed = client.patch(
        f"/api/boards/{board.slug}", json={"ui_language": "nl"}, headers=board.auth
    )
    assert fixed.status_code == 200
    english = client.get(f"/b/{board.slug}/admin", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in english.text
    assert STRINGS["en"]["log_in"] in english.text
    dutch = client.get(f"/b/{board.slug}/admin", headers=DUTCH_BROWSER)
    assert '<html lang="nl">' in dutch.text
    phone = client.get(f"/b/{board.slug}", headers={"Accept-Language": "en-GB"})
    assert '<html lang="nl">' in phone.text  # the phones still follow the board


def test_a_login_posted_from_another_site_is_refused(client: TestClient, board: NewBoard) -> None:
    response = client.post(
        f"/b/{board.slug}/admin/session",
        data={"token": board.token},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_a_session_for_one_board_does_not_open_another(client: TestClient) -> None:
    first = make_board(client, title="First")
    second = make_board(client, title="Second")
    csrf = log_in(client, first)
    response = client.get(f"/api/boards/{second.slug}/settings", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 401


def test_resetting_the_token_ends_the_session(
    client: TestClient, board: NewBoard, monkeypatch: pytest.MonkeyPatch
) -> None:
    csrf = log_in(client, board)
    services = client.app.state.services  # type: ignore[attr-defined]
    stored = services.boards.by_slug(board.slug)
    monkeypatch.setattr(stored, "token_hash", "0" * 64)  # what reset-token does on disk
    response = client.get(f"/api/boards/{board.slug}/settings", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 401


def test_logging_out_needs_the_csrf_token_and_clears_the_cookie(
    client: TestClient, board: NewBoard
) -> None:
    csrf = log_in(client, board)
    refused = client.post(f"/b/{board.slug}/admin/logout", data={"csrf": "x"})
    assert refused.status_code == 403
    done = client.post(f"/b/{board.slug}/admin/logout", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get(f"/b/{board.slug}/admin").status_code == 401


def test_the_organiser_session_opens_the_report(client: TestClient, board: NewBoard) -> None:
    assert client.get(f"/b/{board.slug}/report").status_code == 401
    log_in(client, board)
    assert client.get(f"/b/{board.slug}/report").status_code == 200


def test_a_report_session_never_opens_the_organiser_page(
    client: TestClient, board: NewBoard
) -> None:
    client.post(f"/b/{board.slug}/report/session", json={"token": board.token})
    report = client.get(f"/b/{board.slug}/report")
    assert report.status_code == 200
    assert 'id="logout"' in report.text  # its own session can be ended from the report
    report_cookie = client.cookies.get("sb_report")
    assert report_cookie is not None
    client.cookies.set(f"sb_org_{board.slug}", report_cookie)  # same format, other purpose
    assert client.get(f"/b/{board.slug}/admin").status_code == 401


def test_the_report_opened_by_the_organiser_session_offers_no_logout_of_its_own(
    client: TestClient, board: NewBoard
) -> None:
    log_in(client, board)
    report = client.get(f"/b/{board.slug}/report")
    assert report.status_code == 200
    assert 'id="logout"' not in report.text


@pytest.mark.parametrize(
    "forged",
    [
        '"\\262.a.b"',  # a quoted octal escape: the cookie parser makes it '²'
        "\u00b2.a.b".encode().decode("latin-1"),
        "99999999999.nonce." + "\u00e9".encode().decode("latin-1"),
        "9" * 30 + ".a.b",
        "9" * 4400 + ".a.b",  # past int()'s 4,300 digits
        ".a.b",
        "1.2",
        "garbage",
    ],
)
def test_a_forged_session_cookie_is_a_refusal_never_a_500(
    client: TestClient, board: NewBoard, forged: str
) -> None:
    """'²' passes isdigit() but not int(), and compare_digest refuses non-ASCII text:
    each was a 500 on every organiser page, without logging in."""
    slug = board.slug
    raw = f"sb_org_{slug}={forged}; sb_report={forged}".encode("latin-1")
    headers = {b"Cookie": raw}
    assert client.get(f"/api/boards/{slug}/settings", headers=headers).status_code == 401
    assert client.get(f"/api/boards/{slug}/export.csv", headers=headers).status_code == 401
    for page in (f"/b/{slug}/admin", f"/b/{slug}/report"):  # their login forms
        answer = client.get(page, headers=headers)
        assert answer.status_code == 401
        assert "<form" in answer.text
