"""The feed manager keeps a board's followers running for the whole talk."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from websockets.asyncio.client import connect as real_connect

from scoreboard.app import create_app
from scoreboard.feeds import FeedTuning
from scoreboard.settings import Settings
from scoreboard.sources import jetstream as jetstream_source
from tests.conftest import make_board
from tests.test_feeds_live import T0, FakeFeed, bluesky_post, wait_for


def test_a_follower_that_fails_unforeseen_is_started_again_from_its_cursor(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The websocket library raises what the follower does not expect, once: the follower
    ends, the manager logs it, shows it, and starts it again, which then follows as before."""
    calls: list[str] = []

    def connect_failing_once(url: str, **options: Any) -> Any:
        calls.append(url)
        if len(calls) == 2:
            raise RuntimeError("a surprise from the websocket library")
        return real_connect(url, **options)

    monkeypatch.setattr(jetstream_source, "connect", connect_failing_once)
    with FakeFeed() as feed, TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        services.feeds.tuning = FeedTuning(backoff_base=0.5, backoff_max=1.0)
        board = make_board(client, hashtags=["DevConf"])
        configured = client.put(
            f"/api/boards/{board.slug}/sources/bluesky",
            json={"enabled": True, "url": f"{feed.url}/subscribe"},
            headers=board.auth,
        )
        assert configured.status_code == 200, configured.text

        def status() -> dict[str, Any]:
            views = client.get(f"/api/boards/{board.slug}/sources", headers=board.auth)
            found: dict[str, Any] = next(
                v for v in views.json()["sources"] if v["source"] == "bluesky"
            )["status"]
            return found

        def total() -> int:
            tally = client.get(f"/api/boards/{board.slug}/tally").json()
            return int(tally["tally"]["total"])

        wait_for(lambda: feed.connections == 1)
        feed.send(bluesky_post("s1", "Before the surprise #DevConf", T0 + 10))
        wait_for(lambda: total() == 1)
        feed.drop()  # the follower reconnects: this time the library fails unforeseen
        wait_for(lambda: "internal error (RuntimeError)" in (status()["error"] or ""))
        assert status()["state"] == "reconnecting"  # what the organiser page shows meanwhile
        wait_for(lambda: feed.connections == 2)  # and it is running again
        assert len(calls) == 3
        assert "cursor=" in calls[2]  # resumed from where it was
        wait_for(lambda: status()["state"] == "connected")
        feed.send(bluesky_post("s2", "After the surprise #DevConf", T0 + 20))
        wait_for(lambda: total() == 2)
    failures = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(failures) == 1
    assert "bluesky follower of board" in failures[0].getMessage()
    assert failures[0].exc_info is not None
    assert failures[0].exc_info[0] is RuntimeError
