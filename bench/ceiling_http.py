"""The HTTP ceiling for bench/load.py: the same stack as Scoreboard with nothing behind it.

A FastAPI app whose reaction endpoint parses the JSON body and answers 201 with an id,
served by uvicorn with the options `scoreboard serve` uses. What the real server reaches
as a share of this is what the product's own work costs.

    python bench/ceiling_http.py --port 8123
"""

from __future__ import annotations

import argparse
import itertools
from typing import Any

import uvicorn
from fastapi import FastAPI

from scoreboard.app import TELEMETRY_OFF


def create_app() -> FastAPI:
    app = FastAPI(telemetry=TELEMETRY_OFF)  # as scoreboard's own app
    ids = itertools.count(1)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/boards/{slug}/reactions", status_code=201)
    async def react(slug: str, body: dict[str, Any]) -> dict[str, Any]:
        return {"id": next(ids), "board": slug, "text": body.get("text")}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        log_level="warning",
        ws_per_message_deflate=False,
        ws_max_size=4096,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
