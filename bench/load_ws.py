"""Fan-out load for bench/load.py: many websocket subscribers, a steady poster, slow readers.

Each posted text carries a marker `bench:<n>:<send time>` (CLOCK_MONOTONIC, shared by
all processes on the machine), so a subscriber computes submit-to-screen latency from
the first tick whose `added` holds the marker without any bookkeeping across processes.
Subscribers are spread over client processes and only scan the raw bytes of each tick.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.load_http import SPAWN, run_async

MARKER = re.compile(rb"bench:(\d+):(\d+\.\d+)")
TICK = b'{"type":"tick"'


@dataclass
class Fanout:
    """What the subscribers of one level saw; merged over client processes."""

    connected: int = 0
    latencies: list[float] = field(default_factory=list)
    projector: list[float] = field(default_factory=list)
    ticks: int = 0
    tick_bytes: int = 0
    closed: int = 0
    client_cpu: float = 0.0

    def merge(self, other: Fanout) -> None:
        self.connected += other.connected
        self.latencies += other.latencies
        self.projector += other.projector
        self.ticks += other.ticks
        self.tick_bytes += other.tick_bytes
        self.closed += other.closed
        self.client_cpu += other.client_cpu


@dataclass
class _Window:
    start: float = float("inf")
    end: float = float("inf")


async def _watch(ws: ClientConnection, into: Fanout, window: _Window, mine: list[float]) -> None:
    seen: set[bytes] = set()
    try:
        while True:
            raw = await ws.recv(decode=False)
            now = time.monotonic()
            if not raw.startswith(TICK):
                continue
            if window.start <= now <= window.end:
                into.ticks += 1
                into.tick_bytes += len(raw)
            for found in MARKER.finditer(raw):
                if found[1] not in seen:
                    seen.add(found[1])
                    mine.append(now - float(found[2]))
    except ConnectionClosed:
        into.closed += 1


async def _connect(url: str, gate: asyncio.Semaphore) -> ClientConnection:
    async with gate:
        return await connect(url, compression=None, max_size=None, open_timeout=60)


async def _blocking(call: Callable[[], Any]) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, call)


async def _subscribers(url: str, count: int, projector: bool, ctl: dict[str, Any]) -> Fanout:
    into = Fanout()
    gate = asyncio.Semaphore(32)
    opened = await asyncio.gather(
        *(_connect(url, gate) for _ in range(count)), return_exceptions=True
    )
    sockets = [ws for ws in opened if isinstance(ws, ClientConnection)]
    into.connected = len(sockets)
    window = _Window()
    watchers = [
        asyncio.create_task(
            _watch(ws, into, window, into.projector if projector and i == 0 else into.latencies)
        )
        for i, ws in enumerate(sockets)
    ]
    await _blocking(lambda: ctl["ready"].put(into.connected))
    await _blocking(ctl["go"].wait)
    window.start, window.end = ctl["window"][0], ctl["window"][1]
    cpu = time.process_time()
    await _blocking(ctl["stop"].wait)
    into.client_cpu = time.process_time() - cpu
    for task in watchers:
        task.cancel()
    for ws in sockets:
        ws.transport.abort()
    return into


def _worker(url: str, count: int, projector: bool, ctl: dict[str, Any]) -> None:
    ctl["results"].put(run_async(_subscribers(url, count, projector, ctl)))


class Subscribers:
    """`count` subscribers of `url` in `processes` client processes; the first is the projector."""

    def __init__(self, url: str, count: int, processes: int) -> None:
        window = SPAWN.Array("d", 2)
        self.ctl: dict[str, Any] = {
            "ready": SPAWN.Queue(),
            "results": SPAWN.Queue(),
            "go": SPAWN.Event(),
            "stop": SPAWN.Event(),
            "window": window,
        }
        shares = [count // processes + (k < count % processes) for k in range(processes)]
        self.workers = [
            SPAWN.Process(target=_worker, args=(url, n, k == 0, self.ctl), daemon=True)
            for k, n in enumerate(shares)
            if n
        ]

    def connect(self, timeout: float = 120) -> int:
        for worker in self.workers:
            worker.start()
        return sum(int(self.ctl["ready"].get(timeout=timeout)) for _ in self.workers)

    def go(self, start: float, end: float) -> None:
        self.ctl["window"][0], self.ctl["window"][1] = start, end
        self.ctl["go"].set()

    def finish(self) -> Fanout:
        self.ctl["stop"].set()
        total = Fanout()
        try:
            for _ in self.workers:
                total.merge(self.ctl["results"].get(timeout=60))
        finally:
            for worker in self.workers:
                worker.join(10)
                if worker.is_alive():
                    worker.kill()
        return total


Posted = tuple[int, list[float]]  # failures, acknowledgement latencies in seconds


async def post_steadily(
    send: Callable[[str], Awaitable[bool]], rate: float, seconds: float
) -> Posted:
    """Send `rate` marked texts a second for `seconds`; returns failures and ack latencies."""
    failures, latencies = 0, []
    started = time.monotonic()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        sent = time.monotonic()
        if not await send(f"bench:{n}:{sent:.6f} what a great demo"):
            failures += 1
        latencies.append(time.monotonic() - sent)
    return failures, latencies


async def post_http(base: str, slug: str, rate: float, seconds: float) -> Posted:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:

        async def send(text: str) -> bool:
            response = await http.post(f"/api/boards/{slug}/reactions", json={"text": text})
            return response.status_code == 201

        return await post_steadily(send, rate, seconds)


async def post_ws(url: str, rate: float, seconds: float) -> Posted:
    async with connect(url, compression=None) as ws:

        async def send(text: str) -> bool:
            await ws.send(text)
            return True

        return await post_steadily(send, rate, seconds)


@contextlib.contextmanager
def slow_readers(port: int, path: str, count: int) -> Iterator[int]:
    """`count` raw sockets that complete the websocket handshake and never read again."""
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.settimeout(10)
            sock.connect(("127.0.0.1", port))
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n".encode()
            )
            if b" 101 " in sock.recv(512):
                opened.append(sock)
            else:
                sock.close()
        yield len(opened)
    finally:
        for sock in opened:
            sock.close()
