"""Scoring in a worker process: same answers as in-process, replaced when it fails, and
never outliving the server."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from scoreboard.scoring import InProcess, Job, Scored, WorkerProcess
from tests.conftest import LiveServer, new_board

JOBS: list[Job] = [
    ("what a great talk, loved the demo", None, ("en", "nl"), ()),
    ("echt een vette presentatie", None, ("en", "nl"), ()),
    ("can't hear anything at the back", None, ("en", "nl"), ()),
    ("", "👏", ("en", "nl"), ()),
    ("#DevConf boring", "🔥", ("en",), ("DevConf",)),
]


def answers(scored: Sequence[Scored]) -> list[tuple[str, float, str | None]]:
    return [(s.label, s.score, s.lang) for s in scored]


def expected(jobs: list[Job]) -> list[tuple[str, float, str | None]]:
    return answers(InProcess().score(jobs))


@pytest.fixture
def worker() -> Iterator[WorkerProcess]:
    scoring = WorkerProcess(batch_seconds=2.0)
    scoring.start()
    try:
        yield scoring
    finally:
        scoring.stop()


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def alive(pid: int) -> bool:
    """True while the process runs (a zombie has finished: it only waits to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_the_worker_scores_as_the_server_process_would(worker: WorkerProcess) -> None:
    assert worker.pid is not None
    assert worker.pid != os.getpid()
    assert answers(worker.score(JOBS)) == expected(JOBS)
    assert worker.score([]) == []


def test_a_killed_worker_is_replaced_and_its_batch_still_scored(worker: WorkerProcess) -> None:
    first = worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: not alive(first))
    assert answers(worker.score(JOBS)) == expected(JOBS)
    assert worker.restarts == 1
    assert worker.pid not in (None, first)
    assert answers(worker.score(JOBS[:2])) == expected(JOBS[:2])  # the new one answers


def test_a_stuck_worker_is_replaced_after_its_timeout(worker: WorkerProcess) -> None:
    stuck = worker.pid
    assert stuck is not None
    os.kill(stuck, signal.SIGSTOP)
    started = time.monotonic()
    assert answers(worker.score(JOBS)) == expected(JOBS)
    assert time.monotonic() - started < 15  # 2 s timeout, then a kill and a new worker
    assert worker.restarts == 1
    assert worker.pid not in (None, stuck)
    assert wait_until(lambda: not alive(stuck))


def test_a_worker_that_does_not_start_in_time_leaves_scoring_in_process() -> None:
    scoring = WorkerProcess(startup_seconds=0.0)
    scoring.start()
    try:
        assert scoring.pid is None
        assert answers(scoring.score(JOBS)) == expected(JOBS)
    finally:
        scoring.stop()


def test_stop_ends_the_worker() -> None:
    scoring = WorkerProcess()
    scoring.start()
    pid = scoring.pid
    assert pid is not None
    assert alive(pid)
    scoring.stop()
    assert not alive(pid)
    assert scoring.pid is None


def children(pid: int) -> set[int]:
    """The process's children: the scoring worker and multiprocessing's resource tracker."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def workers(pid: int) -> set[int]:
    def command(child: int) -> str:
        return Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()

    return {child for child in children(pid) if "resource_tracker" not in command(child)}


def test_the_server_scores_in_its_own_worker_which_ends_with_a_crash(
    live_server: LiveServer,
) -> None:
    board = new_board(live_server, title="Scored elsewhere")
    response = httpx.post(
        f"{live_server.url}/api/boards/{board.slug}/reactions",
        json={"text": "what a great talk, loved the demo"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["label"] == expected(JOBS[:1])[0][0] == "positive"
    assert live_server.process is not None
    assert len(workers(live_server.process.pid)) == 1
    helpers = children(live_server.process.pid)
    live_server.kill()  # SIGKILL: the server cannot tell its worker to stop
    assert wait_until(lambda: not any(alive(pid) for pid in helpers)), "outlived the server"


def test_the_servers_worker_ends_when_the_server_stops(live_server: LiveServer) -> None:
    assert live_server.process is not None
    helpers = children(live_server.process.pid)
    assert len(workers(live_server.process.pid)) == 1
    live_server.stop()
    assert wait_until(lambda: not any(alive(pid) for pid in helpers)), "outlived the server"
