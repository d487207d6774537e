"""The fan-out ceiling for bench/load.py: a minimal tick server on `websockets.broadcast()`.

Subscribers connect to any path; a publisher connects to /publish and sends texts. At
most `--tick-hz` times a second, when texts arrived, every subscriber gets one tick
shaped like Scoreboard's (`{"type":"tick","seq",...,"added":[{"id","text"}]}`) padded
to `--pad` bytes, serialised once and sent with `broadcast()` (slow clients skip).

    python bench/ceiling_ws.py --port 8124 --pad 3000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import time
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve


class Ticker:
    """Collects published texts and broadcasts them at the tick rate."""

    def __init__(self, tick_hz: float, pad: int) -> None:
        self.interval = 1.0 / tick_hz
        self.pad = "x" * pad
        self.subscribers: set[ServerConnection] = set()
        self.pending: list[dict[str, Any]] = []
        self.ids = itertools.count(1)
        self.seq = 0

    async def handle(self, connection: ServerConnection) -> None:
        if connection.request is not None and connection.request.path == "/publish":
            async for text in connection:
                self.pending.append({"id": next(self.ids), "text": str(text)})
            return
        self.subscribers.add(connection)
        try:
            await connection.send(orjson.dumps({"type": "snapshot", "seq": self.seq}).decode())
            await connection.wait_closed()
        finally:
            self.subscribers.discard(connection)

    async def run(self) -> None:
        while True:
            started = time.monotonic()
            if self.pending:
                self.seq += 1
                added, self.pending = self.pending, []
                body = {"type": "tick", "seq": self.seq, "added": added, "pad": self.pad}
                broadcast(self.subscribers, orjson.dumps(body).decode())
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - started)))


async def serve_forever(host: str, port: int, ticker: Ticker) -> None:
    async with serve(ticker.handle, host, port, compression=None, max_size=4096):
        await ticker.run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tick-hz", type=float, default=10.0)
    parser.add_argument("--pad", type=int, default=2000, help="filler bytes per tick")
    args = parser.parse_args()
    ticker = Ticker(args.tick_hz, args.pad)
    runner: Any = asyncio.run
    with contextlib.suppress(ImportError):
        import uvloop

        runner = uvloop.run
    runner(serve_forever(args.host, args.port, ticker))


if __name__ == "__main__":
    main()
