"""The report's chart geometry: bucket sizes, bars, segment bands and labels in bounds."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scoreboard.charts import CHART_WIDTH, Slice, bucket_minutes, timeline_chart
from tests.test_exports import START


@pytest.mark.parametrize(
    ("span", "size"), [(1, 1), (90, 1), (91, 2), (400, 5), (60 * 8, 10), (60 * 24 * 30, 480)]
)
def test_bucket_size_keeps_the_chart_readable(span: float, size: int) -> None:
    assert bucket_minutes(span) == size


def _minutes(*offsets: int) -> dict[datetime, Slice]:
    slices: dict[datetime, Slice] = {}
    for offset in offsets:
        slices.setdefault(START + timedelta(minutes=offset), Slice()).add(0.5, "👏")
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
