"""Where reactions are scored: in the writer's thread, or in a worker process of their own.

Scoring a comment (VADER, language identification, phrases) costs more of the server's
CPU than everything else a reaction needs together: measured in the server, removing it
took the cost of a stored reaction from 312 to 176 us. In the server's process it runs
under the same interpreter lock as HTTP and websockets, so the server could never use
more than one core. The worker process scores each of the writer's batches with one
round trip, on another core.

A worker that dies or hangs is replaced; meanwhile its batch is scored in-process, so
scoring never loses or delays a reaction for long.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any, Protocol

from scoreboard import sentiment

log = logging.getLogger(__name__)

Job = tuple[str, str | None, tuple[str, ...], tuple[str, ...]]
"""One message to score: text, one-tap emoji, the board's languages, tags to ignore."""

Answer = tuple[sentiment.Label, float, str | None]
"""A scored message as the worker sends it back: label, score, language."""

STARTUP_SECONDS = 60.0
"""Loading the lexicons and the language model takes about a second; allow for a slow disk."""
BATCH_SECONDS = 10.0
"""A batch of up to 1,000 messages scores in well under a second: longer means stuck."""

_SPAWN = multiprocessing.get_context("spawn")  # no fork of a process with threads


class Scored(Protocol):
    """What the sentiment seam answers (see `scoreboard.sentiment.score`)."""

    @property
    def label(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def lang(self) -> str | None: ...


NEUTRAL: Scored = sentiment.Sentiment(label="neutral", score=0.0, lang=None)
"""What a message counts as when it cannot be scored."""


class Scoring(Protocol):
    """Scores the writer's batches; `start` and `stop` bracket the writer's run."""

    def start(self) -> None: ...
    def score(self, jobs: Sequence[Job]) -> list[Scored]: ...
    def stop(self) -> None: ...


class InProcess:
    """Scores on the calling thread (tests, and `SCOREBOARD_SCORING_PROCESS=false`)."""

    def start(self) -> None:
        sentiment.warm_up()

    def score(self, jobs: Sequence[Job]) -> list[Scored]:
        return [_score(job) for job in jobs]

    def stop(self) -> None:
        pass


class WorkerProcess:
    """Scores batches in a child process; falls back to in-process while it is replaced.

    Not thread-safe: the server calls `start`, `score` and `stop` on the writer's thread.
    """

    def __init__(
        self, startup_seconds: float = STARTUP_SECONDS, batch_seconds: float = BATCH_SECONDS
    ) -> None:
        self._startup_seconds = startup_seconds
        self._batch_seconds = batch_seconds
        self._conn: Connection | None = None
        self._process: Any = None  # a multiprocessing Process of the spawn context
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        self._spawn()

    def score(self, jobs: Sequence[Job]) -> list[Scored]:
        if not jobs:
            return []
        if self._conn is not None:
            try:
                self._conn.send(list(jobs))
                if self._conn.poll(self._batch_seconds):
                    answers: list[Answer] = self._conn.recv()
                    return [sentiment.Sentiment(*answer) for answer in answers]
                log.error("the scoring process did not answer in %.1f s", self._batch_seconds)
            except (EOFError, OSError) as error:
                log.error("the scoring process failed (%s)", error)
            self._replace()
        return InProcess().score(jobs)

    def stop(self) -> None:
        self._end()

    def _spawn(self) -> None:
        parent, child = _SPAWN.Pipe()
        process = _SPAWN.Process(
            target=serve, args=(child,), name="scoreboard-scoring", daemon=True
        )
        try:
            process.start()
        except OSError as error:
            log.error(
                "cannot start the scoring process (%s); scoring in the server's process", error
            )
            return
        finally:
            child.close()
        self._conn, self._process = parent, process
        if not parent.poll(self._startup_seconds):
            log.error("the scoring process did not start; scoring in the server's process")
            self._end()
            return
        try:
            parent.recv()  # "ready": lexicons and model loaded
        except EOFError:
            log.error("the scoring process exited at start; scoring in the server's process")
            self._end()

    def _replace(self) -> None:
        self._end(kill=True)  # it failed or hangs: no point asking it to stop
        self.restarts += 1
        self._spawn()

    def _end(self, kill: bool = False) -> None:
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            if not kill:
                with contextlib.suppress(OSError):
                    conn.send(None)
            conn.close()
        if process is not None:
            process.join(0 if kill else 5)
            if process.is_alive():
                process.kill()
                process.join(5)


def serve(conn: Connection) -> None:
    """The worker process: score each batch it is sent until told to stop (None) or the
    server goes away (the pipe closes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    sentiment.warm_up()
    conn.send("ready")
    while True:
        try:
            jobs: list[Job] | None = conn.recv()
        except EOFError:
            return
        if jobs is None:
            return
        conn.send([(s.label, s.score, s.lang) for s in map(_score, jobs)])


def _score(job: Job) -> sentiment.Sentiment:
    text, emoji, languages, tags = job
    return sentiment.score(text, emoji, languages, ignore_tags=tags)
