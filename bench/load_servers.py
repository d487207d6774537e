"""Servers under test for bench/load.py: start them on loopback, watch RSS and CPU, profile.

Every server is a child process started with the command a user would run, so the
figures include the real startup options (uvloop, httptools, no per-message deflate).
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
ADMIN = "bench-admin-token"
BENCH = Path(__file__).resolve().parent
PY_SPY = Path(sys.executable).parent / "py-spy"
PROFILE_HZ = 250  # samples a second: enough for a 10 s level to rank functions
ENTRY_POINTS = ("cli.py)", "__main__.py)")  # on every stack: no information


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A running server process and how to reach it."""

    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found[1]) / 1024 if found else float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time so far (fields 14 and 15 of /proc/PID/stat)."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _start(name: str, command: list[str], env: dict[str, str], port: int) -> Server:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    server = Server(name, process, port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return server
        time.sleep(0.1)
    server.stop()
    raise SystemExit(f"{name} did not start on port {port}")


def start_scoreboard(db: Path, tick_hz: float) -> Server:
    """`python -m scoreboard serve` with a fresh database and rate limiting off."""
    port = free_port()
    env = {
        **os.environ,
        "SCOREBOARD_DATABASE_URL": f"sqlite:///{db}",
        "SCOREBOARD_ADMIN_TOKEN": ADMIN,
        "SCOREBOARD_RATE_LIMIT": "0",
        "SCOREBOARD_LOG_LEVEL": "warning",
        "SCOREBOARD_TICK_HZ": str(tick_hz),
    }
    command = [sys.executable, "-m", "scoreboard", "serve", "--host", HOST, "--port", str(port)]
    return _start("scoreboard", command, env, port)


def start_ceiling_http() -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH / "ceiling_http.py"), "--port", str(port)]
    return _start("ceiling_http", command, dict(os.environ), port)


def start_ceiling_ws(tick_hz: float, pad: int) -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH / "ceiling_ws.py"), "--port", str(port)]
    command += ["--tick-hz", str(tick_hz), "--pad", str(pad)]
    return _start("ceiling_ws", command, dict(os.environ), port)


@contextlib.contextmanager
def profiled(server: Server, seconds: float, output: Path | None) -> Iterator[None]:
    """Sample `server` with py-spy for `seconds` (raw collapsed stacks) when `output` is set."""
    if output is None or (not PY_SPY.exists() and shutil.which("py-spy") is None):
        yield
        return
    command = [str(PY_SPY if PY_SPY.exists() else "py-spy"), "record", "--pid"]
    command += [str(server.process.pid), "--duration", str(max(1, int(seconds)))]
    command += ["--rate", str(PROFILE_HZ), "--format", "raw", "--nonblocking", "-o", str(output)]
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        try:
            spy.wait(seconds + 15)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait(5)


def _frames(raw: Path) -> Iterator[tuple[list[str], int]]:
    """(stack frames without line numbers, samples) per line of a py-spy raw profile."""
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if stack and samples.isdigit():
            yield [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")], int(samples)


def top_costs(raw: Path, count: int = 5, within: str = "") -> list[tuple[float, str]]:
    """The costliest functions as % of all samples: own time (top of the stack), or with
    `within` set, total time of the functions whose file path contains it."""
    if not raw.exists():
        return []
    costs: collections.Counter[str] = collections.Counter()
    total = 0
    for frames, samples in _frames(raw):
        total += samples
        if within:
            for frame in {f for f in frames if within in f and not f.endswith(ENTRY_POINTS)}:
                costs[frame] += samples
        else:
            costs[frames[-1]] += samples
    return [(100 * n / max(total, 1), name) for name, n in costs.most_common(count)]
