"""Organiser sessions for the HTML pages: a signed cookie in, a CSRF token out.

The organiser types the token once; the browser then holds an HttpOnly,
SameSite=Strict cookie that carries no token, only an expiry, a random nonce and
a signature. The nonce doubles as the CSRF token: the page sends it back in a
header, which another site can neither read nor forge. The key mixes the server's
secret with the board's token hash, so resetting the token ends every session.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping

from scoreboard.models import Board

SESSION_SECONDS = 12 * 3600


def cookie_name(slug: str) -> str:
    return f"sb_org_{slug}"


def _signature(board: Board, server_key: str, purpose: str, expires: int, nonce: str) -> str:
    key = f"{server_key}:{board.token_hash}".encode()
    message = f"{purpose}:{board.slug}:{expires}:{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue(
    board: Board,
    server_key: str,
    *,
    purpose: str = "organiser",
    seconds: int = SESSION_SECONDS,
    now: float | None = None,
) -> tuple[str, str]:
    """A new session: the cookie's value and the CSRF token the page must send.

    `purpose` keeps sessions apart: a report-only cookie never opens the organiser page.
    """
    expires = int((now if now is not None else time.time()) + seconds)
    nonce = secrets.token_urlsafe(18)
    signature = _signature(board, server_key, purpose, expires, nonce)
    return f"{expires}.{nonce}.{signature}", nonce


_EXPIRES = re.compile(r"[0-9]{1,12}")
"""A session's expiry: Unix seconds, in ASCII digits."""


def verify(
    board: Board,
    server_key: str,
    value: str | None,
    *,
    purpose: str = "organiser",
    now: float | None = None,
) -> str | None:
    """The session's CSRF token when the cookie is genuine and current, else None."""
    expires, _, rest = (value or "").partition(".")
    nonce, _, signature = rest.partition(".")
    # A cookie is whatever the browser sends: '²' passes isdigit() but not int(), int()
    # refuses more than 4,300 digits, and compare_digest refuses non-ASCII str (all 500s).
    if not _EXPIRES.fullmatch(expires) or not nonce or not signature:
        return None
    if int(expires) < (now if now is not None else time.time()):
        return None
    expected = _signature(board, server_key, purpose, int(expires), nonce)
    return nonce if hmac.compare_digest(signature.encode(), expected.encode()) else None


def organiser_csrf(board: Board, server_key: str, cookies: Mapping[str, str]) -> str | None:
    """The CSRF token of the board's organiser session among these cookies, or None."""
    return verify(board, server_key, cookies.get(cookie_name(board.slug)))


def csrf_matches(sent: str | None, expected: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), expected.encode())
