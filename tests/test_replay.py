"""Replaying a finished talk: timing, coalescing, the live message shapes, and no moderated text."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from scoreboard.models import Reaction
from scoreboard.replay import MAX_GAP_SECONDS, Replayer, ReplayError, Timed, parse_speed
from scoreboard.tally import Tally
from tests.conftest import NewBoard
from tests.test_exports import START, insert_reactions, seed_talk

BOARD = {"slug": "talk", "title": "Talk", "segment": None}


def _reaction(n: int, seconds: float, **fields: Any) -> Reaction:
    values: dict[str, Any] = {
        "id": n,
        "board_id": 1,
        "source": "form",
        "text": f"message {n}",
        "emoji": "👏",
        "score": 0.5,
        "label": "positive",
        "received_at": START + timedelta(seconds=seconds),
        **fields,
    }
    return Reaction(**values)


def _play(reactions: list[Reaction], speed: float = 10, tick: float = 0.1) -> list[Timed]:
    return list(Replayer(BOARD, Tally(), speed=speed, tick=tick).run(reactions))


def test_speed_defaults_to_10_and_must_be_1_to_100() -> None:
    assert parse_speed(None) == 10
    assert parse_speed("2.5") == 2.5
    for bad in ("0", "101", "fast", "nan", "inf"):
        with pytest.raises(ReplayError, match="1 to 100"):
            parse_speed(bad)


def test_an_empty_board_replays_as_a_snapshot_then_the_end() -> None:
    timed = _play([])
    assert [t.message["type"] for t in timed] == ["snapshot", "replay_end"]
    assert timed[0].message["tally"]["total"] == 0


def test_time_runs_at_the_chosen_speed() -> None:
    timed = _play([_reaction(1, 0), _reaction(2, 10), _reaction(3, 15)], speed=10)
    ticks = [t for t in timed if t.message["type"] == "tick"]
    assert [round(t.at, 2) for t in ticks] == [0.0, 1.0, 1.5]
    assert [t.message["tally"]["total"] for t in ticks] == [1, 2, 3]


def test_long_silences_are_capped() -> None:
    timed = _play([_reaction(1, 0), _reaction(2, 3600)], speed=1)
    ticks = [t for t in timed if t.message["type"] == "tick"]
    assert ticks[1].at - ticks[0].at == pytest.approx(MAX_GAP_SECONDS)


def test_reactions_within_one_tick_are_coalesced() -> None:
    burst = [_reaction(n, n * 0.05) for n in range(1, 21)]  # 20 in one second of talk
    timed = _play(burst, speed=10, tick=0.1)
    ticks = [t.message for t in timed if t.message["type"] == "tick"]
    assert len(ticks) <= 2
    assert sum(len(tick["added"]) for tick in ticks) == 20
    assert sum(tick["bursts"]["👏"] for tick in ticks) == 20


def test_messages_have_the_live_shapes_and_consecutive_seq() -> None:
    timed = _play([_reaction(1, 0), _reaction(2, 5), _reaction(3, 9)])
    messages = [t.message for t in timed]
    assert set(messages[0]) == {"type", "seq", "board", "tally", "recent"}
    for message in messages[1:-1]:
        assert set(message) == {"type", "seq", "tally", "added", "removed", "bursts"}
    assert [m["seq"] for m in messages[:-1]] == list(range(len(messages) - 1))
    assert messages[-1] == {"type": "replay_end", "total": 3}
    assert all(a.at <= b.at for a, b in itertools.pairwise(timed))


def test_a_new_segment_resyncs_the_screen_with_its_label() -> None:
    timed = _play([_reaction(1, 0, segment="Intro"), _reaction(2, 5, segment="Demo")])
    snapshots = [t.message for t in timed if t.message["type"] == "snapshot"]
    assert [s["board"]["segment"] for s in snapshots] == ["Intro", "Demo"]
    assert snapshots[1]["tally"]["total"] == 1


def test_held_and_hidden_reactions_never_replay() -> None:
    reactions = [
        _reaction(1, 0),
        _reaction(2, 1, status="held", text="HELD"),
        _reaction(3, 2, status="hidden", text="HIDDEN"),
    ]
    text = str([t.message for t in _play(reactions)])
    assert "HELD" not in text
    assert "HIDDEN" not in text


# -- over the websocket --


def _collect(client: TestClient, slug: str, speed: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    with client.websocket_connect(f"/ws/boards/{slug}/replay?speed={speed}") as ws:
        while True:
            message: dict[str, Any] = ws.receive_json()
            messages.append(message)
            if message["type"] == "replay_end":
                break
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1000
    return messages


def test_replay_socket_plays_the_visible_talk_and_ends(client: TestClient, board: NewBoard) -> None:
    seed_talk(client, board)
    messages = _collect(client, board.slug, "100")
    assert messages[0]["type"] == "snapshot"
    assert messages[0]["board"]["slug"] == board.slug
    assert messages[-1] == {"type": "replay_end", "total": 4}
    text = str(messages)
    assert "Great start" in text
    assert "HELD-SECRET" not in text
    assert "HIDDEN-SECRET" not in text


def test_replay_socket_follows_the_stored_timing(
    client: TestClient, board: NewBoard, db_url: str
) -> None:
    insert_reactions(db_url, board.slug, 11)  # 7 s apart: 70 s of talk
    started = time.monotonic()
    messages = _collect(client, board.slug, "100")  # 0.7 s at 100x
    elapsed = time.monotonic() - started
    assert 0.6 < elapsed < 5
    assert messages[-1]["total"] == 11


@pytest.mark.parametrize("speed", ["0", "500", "x"])
def test_replay_socket_refuses_a_bad_speed(client: TestClient, board: NewBoard, speed: str) -> None:
    url = f"/ws/boards/{board.slug}/replay?speed={speed}"
    with client.websocket_connect(url) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4422
    assert "1 to 100" in closed.value.reason


def test_replay_of_an_unknown_board_is_refused(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/ws/boards/nope/replay") as ws,
    ):
        ws.receive_json()
    assert closed.value.code == 4404
