"""Liveness for container orchestration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from scoreboard.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(services: ServicesDep) -> dict[str, Any]:
    """200 when the database answers; used by the Docker HEALTHCHECK."""
    with services.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "boards": len(services.boards),
        "subscribers": services.hub.total_subscribers(),
        "writer": {
            "batches": services.writer.batches,
            "committed": services.writer.committed,
            "queued": services.writer.queued,
        },
    }
