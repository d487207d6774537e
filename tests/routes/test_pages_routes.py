"""The HTML pages: the phone page works without JavaScript, pages never trust input."""

from __future__ import annotations

import html
import re
import time
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from scoreboard.app import create_app
from scoreboard.i18n import STRINGS
from scoreboard.settings import Settings
from tests.conftest import NewBoard, make_board, refuse_inserts

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


class Page(HTMLParser):
    """The parts of a page these tests look at: forms, inputs, buttons, links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.hidden: list[tuple[str | None, str | None]] = []
        self.buttons: list[dict[str, str | None]] = []
        self.urls: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append(found)
        if tag == "input" and found.get("type") == "hidden":
            self.hidden.append((found.get("name"), found.get("value")))
        if tag == "button":
            self.buttons.append(found)
        for name in ("src", "href", "action", "formaction", "data", "poster"):
            if found.get(name):
                self.urls.append(str(found[name]))


def post_form(client: TestClient, slug: str, **fields: str) -> object:
    return client.post(f"/b/{slug}", data=fields, follow_redirects=False)


def test_phone_page_has_one_button_per_board_emoji(client: TestClient) -> None:
    board = make_board(client, reactions=["👏", "🔥", "❤️"])
    response = client.get(f"/b/{board.slug}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    taps = [b.get("value") for b in Page(response.text).buttons if b.get("name") == "emoji"]
    assert taps == ["👏", "🔥", "❤️"]


def test_phone_page_forms_post_to_the_board_with_a_hidden_client_id(
    client: TestClient, board: NewBoard
) -> None:
    page = Page(client.get(f"/b/{board.slug}").text)
    assert page.forms
    for form in page.forms:
        assert form.get("method") == "post"
        assert form.get("action") == f"/b/{board.slug}"
    ids = [value for name, value in page.hidden if name == "client_id"]
    assert len(ids) == len(page.forms)
    assert all(value and re.fullmatch(r"[A-Za-z0-9_\-:.]{1,64}", value) for value in ids)
    assert len(set(ids)) == len(ids), "the tap and the comment form must not share an id"


def test_the_phone_page_carries_the_servers_clock_and_ids_in_its_time(
    client: TestClient, board: NewBoard
) -> None:
    """The script makes ids from the server's clock (a phone's may be hours off)."""
    before = time.time_ns() // 1_000_000
    text = client.get(f"/b/{board.slug}").text
    after = time.time_ns() // 1_000_000
    found = re.search(r'<main class="phone__main"[^>]* data-clock="(\d+)"', text)
    assert found is not None
    clock = int(found[1])
    assert before <= clock <= after
    ids = [str(value) for name, value in Page(text).hidden if name == "client_id"]
    assert ids
    assert {value[:12] for value in ids} == {f"{clock:012x}"}


def test_each_phone_page_load_gets_a_new_client_id(client: TestClient, board: NewBoard) -> None:
    first = Page(client.get(f"/b/{board.slug}").text).hidden
    second = Page(client.get(f"/b/{board.slug}").text).hidden
    assert first != second


def test_no_js_form_post_redirects_303_to_the_thank_you(
    client: TestClient, board: NewBoard
) -> None:
    response = client.post(
        f"/b/{board.slug}", data={"text": "Loved it", "client_id": "form-1"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/b/{board.slug}?sent=1"
    thanks = client.get(response.headers["location"])
    assert thanks.status_code == 200
    assert STRINGS["en"]["thanks"] in thanks.text
    assert STRINGS["en"]["thanks"] not in client.get(f"/b/{board.slug}").text
    tally = client.get(f"/api/boards/{board.slug}/tally").json()
    assert tally["tally"]["total"] == 1
    assert tally["tally"]["sources"] == {"form": 1}


def test_a_tap_through_the_form_is_counted(client: TestClient, board: NewBoard) -> None:
    response = client.post(
        f"/b/{board.slug}", data={"emoji": "👏", "client_id": "tap-1"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get(f"/api/boards/{board.slug}/tally").json()["tally"]["emoji"] == {"👏": 1}


def test_form_post_asking_for_json_gets_201_then_200_on_a_retry(
    client: TestClient, board: NewBoard
) -> None:
    headers = {"Accept": "application/json"}
    data = {"text": "Great pace", "client_id": "js-retry-1"}
    first = client.post(f"/b/{board.slug}", data=data, headers=headers)
    retry = client.post(f"/b/{board.slug}", data=data, headers=headers)
    assert first.status_code == 201
    assert first.headers["content-type"].startswith("application/json")
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert first.json()["label"] == "positive"
    assert client.get(f"/api/boards/{board.slug}/tally").json()["tally"]["total"] == 1


def status_notice(html: str) -> str:
    """The text of the phone page's status line (where refusals are told)."""
    found = re.search(r'<p id="status"[^>]*>(.*?)</p>', html, re.S)
    assert found, html
    return found.group(1).strip()


NL = {"Accept-Language": "nl-NL,nl;q=0.9"}
SCRIPT = {"Accept": "application/json"}


def test_an_empty_form_post_is_told_in_the_phones_language(
    client: TestClient, board: NewBoard
) -> None:
    response = client.post(f"/b/{board.slug}", data={"client_id": "e1"}, follow_redirects=False)
    assert response.status_code == 422
    assert status_notice(response.text) == STRINGS["en"]["error_empty"]
    dutch = client.post(f"/b/{board.slug}", data={"client_id": "e2"}, headers={**SCRIPT, **NL})
    assert dutch.status_code == 422
    assert dutch.json() == {"detail": STRINGS["nl"]["error_empty"]}
    assert client.get(f"/api/boards/{board.slug}/tally").json()["tally"]["total"] == 0


@pytest.mark.parametrize("length", [501, 5001, 20_000])
def test_a_comment_over_the_limit_is_told_on_the_page_not_in_json(
    client: TestClient, board: NewBoard, length: int
) -> None:
    """Over the board's limit (500) or the schema's (5,000): a phone without JavaScript
    gets its page back with the sentence, never FastAPI's JSON."""
    form = {"text": "x" * length, "client_id": f"long-{length}"}
    page = client.post(f"/b/{board.slug}", data=form, headers=NL, follow_redirects=False)
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert status_notice(page.text) == STRINGS["nl"]["error_too_long"].format(limit=500)
    script = client.post(f"/b/{board.slug}", data={**form, "client_id": "s"}, headers=SCRIPT)
    assert script.status_code == 413
    assert script.json() == {"detail": STRINGS["en"]["error_too_long"].format(limit=500)}
    assert client.get(f"/api/boards/{board.slug}/tally").json()["tally"]["total"] == 0


def test_other_refusals_get_sentences_not_codes(client: TestClient, board: NewBoard) -> None:
    emoji = post_form(client, board.slug, emoji="🦄", client_id="u1")
    assert getattr(emoji, "status_code", None) == 422
    assert status_notice(getattr(emoji, "text", "")) == STRINGS["en"]["error_emoji"]
    bad_id = client.post(
        f"/b/{board.slug}", data={"emoji": "👏", "client_id": "no spaces"}, headers=SCRIPT
    )
    assert bad_id.status_code == 422
    assert bad_id.json() == {"detail": STRINGS["en"]["error_invalid"]}
    client.patch(f"/api/boards/{board.slug}", json={"open": False}, headers=board.auth)
    closed = client.post(f"/b/{board.slug}", data={"emoji": "👏"}, headers={**SCRIPT, **NL})
    assert closed.status_code == 403
    assert closed.json() == {"detail": STRINGS["nl"]["closed"]}


def test_the_comment_box_takes_the_servers_limit(db_url: str) -> None:
    settings = Settings(
        database_url=db_url, host="127.0.0.1", admin_token="t" * 24, max_text_length=280
    )
    with TestClient(create_app(settings)) as client:
        board = client.post(
            "/api/boards", json={"title": "T"}, headers={"Authorization": f"Bearer {'t' * 24}"}
        ).json()
        page = client.get(f"/b/{board['slug']}").text
    assert re.search(r'<textarea id="text" name="text" maxlength="280"', page)
    assert 'data-t-chars-left="' + STRINGS["en"]["chars_left"] + '"' in page


def test_a_form_post_the_database_refuses_keeps_the_typed_text(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    refuse_inserts(settings)
    form = {"text": "lovely demo", "client_id": "f1"}
    response = client.post(f"/b/{board.slug}", data=form, follow_redirects=False)
    assert response.status_code == 503
    assert "try again" in response.text
    assert "lovely demo" in response.text


def test_dutch_ui_for_a_dutch_browser(client: TestClient, board: NewBoard) -> None:
    response = client.get(f"/b/{board.slug}", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    assert '<html lang="nl">' in response.text
    assert STRINGS["nl"]["send"] in response.text
    assert STRINGS["nl"]["react"] in response.text
    english = client.get(f"/b/{board.slug}", headers={"Accept-Language": "en-GB"})
    assert STRINGS["en"]["react"] in english.text
    assert STRINGS["nl"]["react"] not in english.text


def test_board_ui_language_overrides_the_browser(client: TestClient, board: NewBoard) -> None:
    changed = client.patch(
        f"/api/boards/{board.slug}", json={"ui_language": "nl"}, headers=board.auth
    )
    assert changed.status_code == 200
    response = client.get(f"/b/{board.slug}", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="nl">' in response.text
    assert STRINGS["nl"]["react"] in response.text
    screen = client.get(f"/b/{board.slug}/screen", headers={"Accept-Language": "en"})
    assert STRINGS["nl"]["mood"] in screen.text


def test_a_board_created_with_english_ui_stays_english(client: TestClient) -> None:
    board = make_board(client, ui_language="en")
    response = client.get(f"/b/{board.slug}", headers={"Accept-Language": "nl"})
    assert STRINGS["en"]["react"] in response.text


@pytest.mark.parametrize("transform", [str.upper, str.lower])
def test_join_code_redirects_303_to_the_phone_page(
    client: TestClient, board: NewBoard, transform: object
) -> None:
    assert callable(transform)
    code = transform(board.join_code)
    response = client.get(f"/j/{code}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/b/{board.slug}"


def test_join_code_form_target_redirects_too(client: TestClient, board: NewBoard) -> None:
    code = f" {board.join_code[:2].lower()}-{board.join_code[2:]} "
    response = client.get("/j", params={"code": code}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/b/{board.slug}"


def test_unknown_join_code_is_a_404_page(client: TestClient, board: NewBoard) -> None:
    response = client.get("/j/ZZZZZ", follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "ZZZZZ" in response.text
    assert Page(response.text).forms, "the page offers to type the code again"


def test_projector_page_shows_title_join_code_and_an_inline_qr(client: TestClient) -> None:
    board = make_board(client, title="Keynote: SQLite at scale")
    response = client.get(f"/b/{board.slug}/screen")
    assert response.status_code == 200
    assert "Keynote: SQLite at scale" in response.text
    assert board.join_code in response.text
    assert f"/j/<strong>{board.join_code}</strong>" in response.text
    assert "<svg" in response.text
    assert re.search(r'<div class="join__qr"><svg[^>]*>.*?<path[^>]+d="M', response.text, re.S)


def test_qr_svg_is_an_svg_image_with_a_path(client: TestClient, board: NewBoard) -> None:
    response = client.get(f"/b/{board.slug}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg")
    assert re.search(r'<path[^>]+d="M', response.text)


def test_each_board_has_its_own_qr(client: TestClient, board: NewBoard) -> None:
    other = make_board(client, title="Other")
    assert client.get(f"/b/{board.slug}/qr.svg").text != client.get(f"/b/{other.slug}/qr.svg").text


@pytest.mark.parametrize("payload", XSS)
def test_posted_markup_never_appears_unescaped_in_a_page(
    client: TestClient, board: NewBoard, payload: str
) -> None:
    post_form(client, board.slug, text=payload, author=payload, client_id="x1")
    post_form(client, board.slug, emoji=payload, client_id="x2")
    post_form(client, board.slug, text="a" * 501 + payload, client_id="x3")
    pages = [
        client.get(f"/b/{board.slug}"),
        client.get(f"/b/{board.slug}?sent=1"),
        client.get(f"/b/{board.slug}/screen"),
        client.get(f"/j/{payload}"),
        client.get("/j", params={"code": payload}),
        client.post(f"/b/{board.slug}", data={"emoji": payload, "client_id": "x4"}),
    ]
    for page in pages:
        assert payload not in page.text, page.url
    snapshot = client.get(f"/api/boards/{board.slug}/tally").json()
    assert snapshot["recent"][0]["text"] == payload


def test_a_board_title_with_markup_is_escaped(client: TestClient) -> None:
    board = make_board(client, title=XSS[1])
    for path in (f"/b/{board.slug}", f"/b/{board.slug}/screen"):
        page = client.get(path).text
        assert XSS[1] not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_closed_board_shows_the_closed_message_and_no_form(
    client: TestClient, board: NewBoard
) -> None:
    client.patch(f"/api/boards/{board.slug}", json={"open": False}, headers=board.auth)
    response = client.get(f"/b/{board.slug}")
    assert response.status_code == 200
    assert STRINGS["en"]["closed"] in response.text
    assert Page(response.text).forms == []
    posted = post_form(client, board.slug, emoji="👏", client_id="c1")
    assert getattr(posted, "status_code", None) == 403
    assert client.get(f"/api/boards/{board.slug}/tally").json()["tally"]["total"] == 0


def test_unknown_board_page_is_404(client: TestClient) -> None:
    assert client.get("/b/nope").status_code == 404
    assert client.get("/b/nope/screen").status_code == 404
    assert client.get("/b/nope/qr.svg").status_code == 404


@pytest.mark.parametrize("path", ["/b/nope", "/b/nope/screen"])
def test_a_wrong_board_link_gets_a_page_that_offers_the_join_code(
    client: TestClient, path: str
) -> None:
    response = client.get(path, headers=NL)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert STRINGS["nl"]["no_board"] in response.text
    assert [form.get("action") for form in Page(response.text).forms] == ["/j"]


@pytest.mark.parametrize("code", ["ZZZZZ", *XSS])
def test_a_wrong_join_code_is_named_in_a_sentence(client: TestClient, code: str) -> None:
    response = client.get("/j", params={"code": code})
    assert response.status_code == 404
    notice = re.search(r'<p class="notice notice--error" role="alert">(.*?)</p>', response.text)
    assert notice
    assert html.unescape(notice.group(1)) == STRINGS["en"]["no_code"].format(code=code[:24])
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert STRINGS["en"]["join"] in response.text


def test_home_goes_to_the_only_board(client: TestClient, board: NewBoard) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/b/{board.slug}"


def test_home_asks_for_a_code_with_several_boards(client: TestClient, board: NewBoard) -> None:
    make_board(client, title="Second")
    response = client.get("/")
    assert response.status_code == 200
    assert any(form.get("action") == "/j" for form in Page(response.text).forms)


def test_no_page_references_an_external_host(client: TestClient, board: NewBoard) -> None:
    make_board(client, title="Second")
    paths = [
        "/",
        f"/b/{board.slug}",
        f"/b/{board.slug}?sent=1",
        f"/b/{board.slug}/screen",
        "/j/ZZZZZ",
        "/docs",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        for url in Page(response.text).urls:
            assert not re.match(r"^(https?:)?//", url, re.I), (path, url)
            assert url.startswith(("/", "#", "?")), (path, url)
            if url.startswith("/static/"):
                assert client.get(url).status_code == 200, url


def test_page_scripts_are_files_not_inline(client: TestClient, board: NewBoard) -> None:
    for path in (f"/b/{board.slug}", f"/b/{board.slug}/screen"):
        page = client.get(path).text
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S):
            assert 'src="/static/' in script[0]
            assert script[1].strip() == ""
        assert " on" + "click=" not in page
        assert "style=" not in page


def test_a_refused_form_post_keeps_what_was_typed(client: TestClient, board: NewBoard) -> None:
    typed = "x" * 600 + " <b>my long comment</b>"
    page = client.post(f"/b/{board.slug}", data={"text": typed, "author": "Lin", "client_id": "k1"})
    assert page.status_code == 413
    assert "&lt;b&gt;my long comment&lt;/b&gt;</textarea>" in page.text
    assert 'value="Lin"' in page.text
