"""Fixtures that build real objects: a temporary SQLite file, the app, a live server."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from scoreboard.app import create_app
from scoreboard.settings import Settings

ADMIN_TOKEN = "test-admin-token-0123456789"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'scoreboard.db'}"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        database_url=db_url,
        host="127.0.0.1",
        port=8000,
        admin_token=SecretStr(ADMIN_TOKEN),
        rate_limit=0,
        tick_hz=20,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass
class NewBoard:
    slug: str
    token: str
    join_code: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_board(http: httpx.Client | TestClient, **fields: object) -> NewBoard:
    body = {"title": "Test talk", **fields}
    response = http.post("/api/boards", json=body, headers=admin_headers())
    assert response.status_code == 201, response.text
    data = response.json()
    return NewBoard(data["slug"], data["token"], data["join_code"])


@pytest.fixture
def board(client: TestClient) -> NewBoard:
    return make_board(client)


def new_board(server: LiveServer, **fields: object) -> NewBoard:
    """A board on a running server, made over HTTP."""
    with httpx.Client(base_url=server.url, timeout=5) as http:
        return make_board(http, **fields)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """`scoreboard serve` in a child process on a free loopback port: what users run."""

    def __init__(self, db_url: str, port: int | None = None, **env: str) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(db_url.removeprefix("sqlite:///")).with_suffix(f".{self.port}.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        env = {
            **os.environ,
            "SCOREBOARD_DATABASE_URL": self.db_url,
            "SCOREBOARD_ADMIN_TOKEN": ADMIN_TOKEN,
            "SCOREBOARD_RATE_LIMIT": "0",
            "SCOREBOARD_LOG_LEVEL": "warning",
            **self.env,
        }
        command = [sys.executable, "-m", "scoreboard", "serve"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start within 30 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a crash."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    @property
    def output(self) -> str:
        """Everything the server printed, across restarts."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def live_server(db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(db_url).start()
    try:
        yield server
    finally:
        server.stop()


def refuse_inserts(settings: Settings, *, refuse: bool = True) -> None:
    """A trigger makes SQLite refuse every new reaction, as a failing disk would."""
    assert settings.database_path is not None
    with contextlib.closing(sqlite3.connect(settings.database_path)) as conn:
        if refuse:
            conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON reaction "
                "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
            )
        else:
            conn.execute("DROP TRIGGER refuse")
        conn.commit()
