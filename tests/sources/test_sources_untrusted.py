"""Correctly signed but hostile deliveries through the app: a clear 4xx or a stored post."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import LiveServer, NewBoard, make_board, new_board
from tests.routes.test_sources_routes import (
    SECRETS,
    WEBHOOK_NAMES,
    connect,
    deliver,
    delivery,
    sign,
    stored,
)
from tests.sources.feed_support import status as mastodon_status
from tests.sources.feed_support import update_event
from tests.test_feeds_live import FakeFeed, FakeMastodon, wait_for

LONE = "\ud800"  # json.dumps writes it as the escape `\ud800`, which JSON allows
Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def tagged(client: TestClient) -> NewBoard:
    return make_board(client, hashtags=["devconf"])


def edited(source: str, edit: Edit) -> dict[str, Any]:
    """The real-format delivery of `source`, changed in place by `edit`."""
    payload = delivery(source).payload
    edit(payload)
    return payload


def exported(client: TestClient, board: NewBoard) -> list[dict[str, Any]]:
    response = client.get(f"/api/boards/{board.slug}/export.json", headers=board.auth)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["reactions"]
    return rows


# --- times UTC cannot hold --------------------------------------------------------------

LATEST = "9999-12-31T23:59:59-14:00"  # after 9999-12-31 once in UTC
EARLIEST = "0001-01-01T00:00:00+14:00"  # before year 1 once in UTC
EDGES = (LATEST, EARLIEST)
SET_TIME: dict[str, Callable[[str], Edit]] = {
    "webhook": lambda t: lambda p: p.update(created_at=t),
    "mastodon": lambda t: lambda p: p["object"].update(created_at=t),
    "teams": lambda t: lambda p: p.update(timestamp=t),
    "x": lambda t: lambda p: p["tweet_create_events"][0].update(created_at=t),
}
OUT_OF_RANGE = [
    *((source, moment) for source in ("webhook", "mastodon", "teams") for moment in EDGES),
    ("x", "Fri Dec 31 23:59:59 -1400 9999"),
    ("x", "Mon Jan 01 00:00:00 +1400 0001"),
]


@pytest.mark.parametrize(("source", "moment"), OUT_OF_RANGE)
def test_a_posted_time_utc_cannot_hold_is_stored_without_a_posted_time(
    client: TestClient, tagged: NewBoard, source: str, moment: str
) -> None:
    connect(client, tagged, source)
    response = deliver(client, tagged, source, edited(source, SET_TIME[source](moment)))
    assert response.status_code == 200, response.text
    [row] = exported(client, tagged)
    assert row["posted_at"] is None
    assert row["received_at"]


def test_the_mastodon_feed_keeps_running_after_a_status_with_such_a_time(
    client: TestClient, tagged: NewBoard
) -> None:
    instance = FakeMastodon()
    with FakeFeed(http=instance.answer) as fake:
        body = {"enabled": True, "instance": fake.url.replace("ws://", "http://")}
        url = f"/api/boards/{tagged.slug}/sources/mastodon_feed"
        assert client.put(url, json=body, headers=tagged.auth).status_code == 200

        def state() -> str:
            views = client.get(f"/api/boards/{tagged.slug}/sources", headers=tagged.auth).json()
            feed = next(view for view in views["sources"] if view["source"] == "mastodon_feed")
            found: str = feed["status"]["state"]
            return found

        wait_for(lambda: state() == "connected")
        fake.send(update_event(mastodon_status(101, "Time travel #DevConf", created_at=LATEST)))
        fake.send(update_event(mastodon_status(102, "Still here #DevConf")))
        wait_for(lambda: len(stored(client, tagged)) == 2)
        assert state() == "connected"
    assert [row["posted_at"] for row in exported(client, tagged)].count(None) == 1


# --- lone surrogates --------------------------------------------------------------------


BAD_IDS: dict[str, Edit] = {
    "webhook": lambda p: p.update(id="a" + LONE),
    "slack": lambda p: p.update(event_id="Ev" + LONE),
    "mastodon": lambda p: p["object"].update(id="1" + LONE),
    "telegram": lambda p: p["message"]["chat"].update(id="-100" + LONE),
    "x": lambda p: p["tweet_create_events"][0].update(id_str="1" + LONE),
    "teams": lambda p: p.update(id="1" + LONE),
}


@pytest.mark.parametrize("source", sorted(BAD_IDS))
def test_an_id_that_is_not_valid_unicode_is_refused_with_422(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    response = deliver(client, tagged, source, edited(source, BAD_IDS[source]))
    assert response.status_code == 422, response.text
    assert "not valid Unicode" in response.json()["detail"]
    assert stored(client, tagged) == []


def test_a_slack_challenge_that_is_not_valid_unicode_is_refused_with_422(
    client: TestClient, tagged: NewBoard
) -> None:
    connect(client, tagged, "slack")
    challenge = {"type": "url_verification", "challenge": "3eZbrw1a" + LONE}
    response = deliver(client, tagged, "slack", challenge)
    assert response.status_code == 422, response.text
    assert "challenge is not valid Unicode" in response.json()["detail"]


BAD_AUTHORS: dict[str, Edit] = {
    "webhook": lambda p: p.update(author="Zapier" + LONE),
    "slack": lambda p: p["event"].update(user="U024" + LONE),
    "mastodon": lambda p: p["object"]["account"].update(display_name="Ana" + LONE),
    "telegram": lambda p: p["message"]["from"].update(username="ana" + LONE),
    "x": lambda p: p["tweet_create_events"][0]["user"].update(screen_name="ana" + LONE),
    "teams": lambda p: p["from"].update(name="Ana" + LONE),
}


@pytest.mark.parametrize("source", sorted(BAD_AUTHORS))
def test_an_author_that_is_not_valid_unicode_is_stored_repaired(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    response = deliver(client, tagged, source, edited(source, BAD_AUTHORS[source]))
    assert response.status_code == 200, response.text
    [reaction] = stored(client, tagged)
    assert "\ufffd" in reaction["author"]
    assert LONE not in reaction["author"]


@pytest.mark.parametrize("source", WEBHOOK_NAMES)
def test_text_that_is_not_valid_unicode_is_stored_repaired(
    client: TestClient, tagged: NewBoard, source: str
) -> None:
    connect(client, tagged, source)
    text = f"Great talk #DevConf {LONE} and more"
    response = deliver(client, tagged, source, delivery(source, text).payload)
    assert response.status_code == 200, response.text
    [reaction] = stored(client, tagged)
    assert "Great talk #DevConf \ufffd and more" in reaction["text"]


def test_telegram_reads_the_hashtag_of_text_with_a_lone_surrogate(
    client: TestClient, tagged: NewBoard
) -> None:
    connect(client, tagged, "telegram", require_hashtag=True)
    text = f"#DevConf {LONE} x"
    payload = delivery("telegram", text).payload
    # One UTF-16 unit for the lone surrogate, as Telegram counts it.
    payload["message"]["entities"] = [{"type": "hashtag", "offset": 0, "length": 8}]
    response = deliver(client, tagged, "telegram", payload)
    assert response.status_code == 200, response.text
    [reaction] = stored(client, tagged)
    assert reaction["text"] == "#DevConf \ufffd x"


# --- a bad delivery in the same group commit as good ones --------------------------------


def _signed_webhook(payload: dict[str, Any], msg_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {**sign("webhook", body, msg_id=msg_id), "Content-Type": "application/json"}


async def _round(server: LiveServer, slug: str, round_no: int) -> list[httpx.Response]:
    """Audience reactions, one poisoned and one good webhook, all sent at once."""
    bad = _signed_webhook({"text": "#DevConf poison", "id": f"p{round_no}{LONE}"}, f"bad{round_no}")
    good = _signed_webhook({"text": "#DevConf fine", "id": f"g{round_no}"}, f"good{round_no}")
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as http:
        requests = [
            http.post(f"/api/boards/{slug}/reactions", json={"text": f"legit {round_no} {n}"})
            for n in range(40)
        ]
        for index, (body, headers) in ((20, bad), (30, good)):
            requests.insert(
                index, http.post(f"/hooks/{slug}/webhook", content=body, headers=headers)
            )
        return await asyncio.gather(*requests)


@pytest.mark.live
def test_a_bad_id_never_costs_the_valid_reactions_sent_with_it(live_server: LiveServer) -> None:
    board = new_board(live_server, title="Poison talk", hashtags=["devconf"])
    url = f"{live_server.url}/api/boards/{board.slug}/sources/webhook"
    body = {"enabled": True, "secret": SECRETS["webhook"]}
    assert httpx.put(url, json=body, headers=board.auth, timeout=10).status_code == 200
    rounds = 4
    for round_no in range(rounds):
        responses = asyncio.run(_round(live_server, board.slug, round_no))
        bad = responses.pop(20)
        assert [r.status_code for r in responses if not r.is_success] == []
        assert bad.status_code == 422, bad.text
        assert "not valid Unicode" in bad.json()["detail"]
    tally = httpx.get(f"{live_server.url}/api/boards/{board.slug}/tally", timeout=10).json()
    assert tally["tally"]["total"] == rounds * 41
    assert "commit of" not in live_server.output
