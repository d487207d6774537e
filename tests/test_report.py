"""The post-talk report: its numbers, its charts, and that moderated text never shows."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from scoreboard.report import (
    CHART_WIDTH,
    MAX_BARS,
    _Slice,
    bucket_minutes,
    timeline_chart,
    word_cloud,
)
from tests.conftest import NewBoard
from tests.test_exports import START, insert_reactions, seed_talk


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


@pytest.mark.parametrize(
    ("span", "size"), [(1, 1), (90, 1), (91, 2), (400, 5), (60 * 8, 10), (60 * 24 * 30, 480)]
)
def test_bucket_size_keeps_the_chart_readable(span: float, size: int) -> None:
    assert bucket_minutes(span) == size


def _minutes(*offsets: int) -> dict[datetime, _Slice]:
    slices: dict[datetime, _Slice] = {}
    for offset in offsets:
        slices.setdefault(START + timedelta(minutes=offset), _Slice()).add(0.5, "👏")
    return slices


def test_timeline_bands_follow_segments_and_stay_inside_the_plot() -> None:
    segments = [
        ("Before", START - timedelta(hours=1)),
        ("Demo", START + timedelta(minutes=10)),
        ("Never reached", START + timedelta(hours=5)),
    ]
    chart = timeline_chart(_minutes(0, 5, 10, 19), segments)
    assert [band.label for band in chart.bands] == ["Before", "Demo"]
    assert chart.bands[0].x == chart.plot_left
    assert chart.bands[1].x + chart.bands[1].width <= CHART_WIDTH
    assert chart.most == 1
    assert len(chart.bars) == 4
    assert chart.mood_points.count(",") == 4


def test_timeline_labels_stay_inside_the_chart() -> None:
    """The last time label ends at the plot's right edge instead of spilling past it, and
    a band too narrow for its segment's name keeps the whole name as a tooltip."""
    segments = [("Intro", START), ("Live coding the scheduler", START + timedelta(minutes=19))]
    chart = timeline_chart(_minutes(0, 5, 10, 19), segments)
    anchors = [(tick.anchor, tick.x) for tick in chart.ticks]
    assert anchors[0] == ("start", chart.plot_left)
    assert anchors[-1] == ("end", chart.plot_right)
    assert {anchor for anchor, _ in anchors[1:-1]} == {"middle"}
    narrow = chart.bands[1]
    assert narrow.label != narrow.title
    assert narrow.label.endswith("…")
    assert narrow.title == "Live coding the scheduler"


def test_timeline_of_one_minute_has_one_bar() -> None:
    chart = timeline_chart(_minutes(0, 0, 0), [])
    assert len(chart.bars) == 1
    assert chart.bars[0].count == 3
    assert chart.bars[0].mood_y < chart.zero_y  # positive mood is drawn above zero


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
