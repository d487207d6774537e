"""The post-talk report: its numbers, its charts, and that moderated text never shows."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from scoreboard.charts import MAX_BARS
from scoreboard.report import word_cloud
from tests.conftest import NewBoard
from tests.test_exports import insert_reactions, seed_talk


def _report(client: TestClient, board: NewBoard) -> str:
    response = client.get(f"/b/{board.slug}/report", headers=board.auth)
    assert response.status_code == 200, response.text
    return response.text


def test_report_renders_with_zero_reactions(client: TestClient, board: NewBoard) -> None:
    page = _report(client, board)
    assert "No visible reactions yet" in page
    assert "<polyline" not in page
    assert "Test talk" in page


def test_report_shows_the_talk_and_never_moderated_text(
    client: TestClient, board: NewBoard
) -> None:
    seed_talk(client, board)
    page = _report(client, board)
    assert "Great start, very clear!" in page
    assert "The demo was confusing" in page
    assert "HELD-SECRET" not in page
    assert "HIDDEN-SECRET" not in page
    assert "troll" not in page
    assert re.search(r"Held \(never approved\)</th><td class=\"num\">1<", page)
    assert re.search(r"Hidden</th><td class=\"num\">1<", page)
    assert '<th scope="row">Intro</th>' in page
    assert '<th scope="row">Demo</th>' in page


def test_report_escapes_audience_text(client: TestClient, board: NewBoard) -> None:
    url = f"/api/boards/{board.slug}/reactions"
    for text in ("<script>alert(1)</script> awful", '"><img src=x onerror=alert(1)> bad'):
        assert client.post(url, json={"text": text, "author": "<b>x</b>"}).status_code == 201
    page = _report(client, board)
    assert page.count("<script") == 1  # the page's own report.js only
    assert "<img" not in page
    assert "<b>x</b>" not in page
    assert "&lt;script&gt;" in page
    assert " style=" not in page  # the CSP forbids inline styles


def test_report_with_many_reactions_has_a_bounded_chart(
    client: TestClient, board: NewBoard, db_url: str
) -> None:
    insert_reactions(db_url, board.slug, 500)
    page = _report(client, board)
    assert "<dd>500</dd>" in page
    assert page.count('class="bar"') <= MAX_BARS
    assert page.count('class="comment"') == 10  # five best and five worst
    assert "Part 1" in page
    assert "Part 2" in page
    assert "python" in page  # the word cloud


def test_report_counts_devices_and_named_authors_as_people(
    client: TestClient, board: NewBoard, db_url: str
) -> None:
    insert_reactions(db_url, board.slug, 3, device="phone-a")
    insert_reactions(db_url, board.slug, 2, device="phone-b")
    insert_reactions(db_url, board.slug, 2, source="slack", author="Ana")
    insert_reactions(db_url, board.slug, 4)
    page = _report(client, board)
    assert re.search(r"<dt>People</dt><dd>3</dd>", page)
    assert "4 reactions carry" in page


def test_word_cloud_sizes_words_and_sorts_them() -> None:
    words = word_cloud(Counter({"python": 9, "demo": 1, "async": 4}))
    assert [w.word for w in words] == ["async", "demo", "python"]
    assert {w.word: w.size for w in words} == {"python": 5, "async": 3, "demo": 2}


def test_report_generated_time_is_shown_in_utc(client: TestClient, board: NewBoard) -> None:
    page = _report(client, board)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert f"generated {today}" in page


def test_a_comment_the_room_repeats_is_ranked_once_with_its_count(
    client: TestClient, board: NewBoard
) -> None:
    url = f"/api/boards/{board.slug}/reactions"
    for text in ("Great talk!", "great   TALK!", "Great talk!", "Brilliant demo, loved it"):
        assert client.post(url, json={"text": text}).status_code == 201
    page = _report(client, board)
    positive = page.split("Most positive comments", 1)[1].split("</section>", 1)[0]
    assert positive.count("comment__text") == 2
    assert '<span class="comment__times">×3</span>' in positive


def test_the_report_speaks_the_organisers_language(client: TestClient, board: NewBoard) -> None:
    """Dutch for a Dutch browser, every heading, label and chart tooltip; English otherwise,
    whatever language the board shows the phones."""
    seed_talk(client, board)
    dutch = {**board.auth, "Accept-Language": "nl-NL,nl;q=0.9"}
    page = client.get(f"/b/{board.slug}/report", headers=dutch).text
    for words in (
        '<html lang="nl"',
        "Verslag van de talk",
        "Kerncijfers",
        "Sfeer en aantal reacties door de tijd",
        "Meest positieve opmerkingen",
        "Ana via api",
        "anoniem via api",
        "Vastgehouden (nooit goedgekeurd)",
        "reacties, sfeer +",
        "tijd sinds de eerste reactie",
        "Afdrukken of bewaren als pdf",
    ):
        assert words in page, words
    for english in ("Talk report", "Most positive", "Headline", "mean mood", "anonymous"):
        assert english not in page, english
    settings = client.patch(
        f"/api/boards/{board.slug}", json={"ui_language": "nl"}, headers=board.auth
    )
    assert settings.status_code == 200, settings.text
    english_browser = {**board.auth, "Accept-Language": "en-GB,en;q=0.9"}
    page = client.get(f"/b/{board.slug}/report", headers=english_browser).text
    assert "Talk report" in page
    assert "reactions, mood +" in page
    assert "Verslag" not in page
    login = client.get(f"/b/{board.slug}/report", headers={"Accept-Language": "nl"})
    assert login.status_code == 401
    assert "Het verslag toont alle cijfers" in login.text
    assert 'data-refused="Met dit token open je dit bord niet."' in login.text
