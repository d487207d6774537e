"""QR codes for the join URL, drawn server-side as SVG (no script, no CDN)."""

from __future__ import annotations

import functools

import segno


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """Dark modules on white with a quiet zone, scalable to any size on screen."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(scale=1, border=2, dark="#000", light="#fff", omitsize=True)
    return svg
