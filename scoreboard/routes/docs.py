"""OpenAPI docs served from packaged assets: no CDN, no inline script."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scoreboard API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
<body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/js/docs.js"></script></body></html>"""


def assets_dir() -> Path:
    """Swagger UI's files as shipped by the fastapi-offline package (MIT; Swagger UI Apache-2.0)."""
    return Path(fastapi_offline.__file__).parent / "static"


@router.get("/docs")
def swagger() -> HTMLResponse:
    return HTMLResponse(_PAGE)
