"""Rate limits through the app: 429 with Retry-After, per device and per address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from scoreboard.app import create_app
from scoreboard.settings import Settings
from tests.conftest import ADMIN_TOKEN, NewBoard, make_board


@pytest.fixture
def limited(db_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=db_url, host="127.0.0.1", admin_token=SecretStr(ADMIN_TOKEN), rate_limit=6
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_phone_past_its_burst_gets_429_with_retry_after(limited: TestClient) -> None:
    board = make_board(limited)
    limited.get(f"/b/{board.slug}")  # the device cookie
    url = f"/api/boards/{board.slug}/reactions"
    statuses = [limited.post(url, json={"emoji": "👏"}).status_code for _ in range(10)]
    assert statuses == [201] * 10  # the burst allowance is 10
    refused = limited.post(url, json={"emoji": "👏"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "wait" in refused.json()["detail"]
    tally = limited.get(f"/api/boards/{board.slug}/tally").json()["tally"]
    assert tally["emoji"] == {"👏": 10}


def test_another_phone_on_the_same_address_still_gets_through(limited: TestClient) -> None:
    board = make_board(limited)
    limited.get(f"/b/{board.slug}")
    url = f"/api/boards/{board.slug}/reactions"
    for _ in range(11):
        limited.post(url, json={"emoji": "👏"})
    limited.cookies.clear()
    limited.get(f"/b/{board.slug}")  # a new phone, a new cookie
    assert limited.post(url, json={"emoji": "❤️"}).status_code == 201


def test_the_no_javascript_form_shows_the_limit_as_a_page(limited: TestClient) -> None:
    board: NewBoard = make_board(limited)
    limited.get(f"/b/{board.slug}")
    for n in range(10):
        limited.post(f"/b/{board.slug}", data={"emoji": "👏", "client_id": f"f{n}"})
    page = limited.post(
        f"/b/{board.slug}", data={"emoji": "👏", "client_id": "late"}, follow_redirects=False
    )
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert "wait" in page.text
