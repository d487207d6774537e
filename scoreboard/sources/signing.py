"""HMAC, constant-time comparison and timestamp-window checks shared by the webhook sources."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime, timedelta

from scoreboard.sources.base import ConfigError, Inbound, SignatureError, StaleError

FIVE_MINUTES = timedelta(minutes=5)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def same(expected: str | bytes, given: str | bytes) -> bool:
    """Constant-time equality of two signatures (str is compared as UTF-8 bytes)."""
    left = expected.encode() if isinstance(expected, str) else expected
    right = given.encode() if isinstance(given, str) else given
    return hmac.compare_digest(left, right)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def decode_b64_secret(secret: str, what: str) -> bytes:
    """A base64 secret as key bytes; a broken secret is configuration, not input."""
    raw = secret.strip()
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError(f"{what} is not valid base64") from exc
    if not key:
        raise ConfigError(f"{what} is empty")
    return key


def require_header(inbound: Inbound, name: str) -> str:
    value = (inbound.header(name) or "").strip()
    if not value:
        raise SignatureError(f"missing {name} header")
    return value


def check_timestamp(raw: str, now: datetime, tolerance: timedelta = FIVE_MINUTES) -> int:
    """Unix seconds from a signature header, rejected when outside `now ± tolerance`."""
    try:
        seconds = int(raw)
    except ValueError as exc:
        raise SignatureError("signature timestamp is not an integer") from exc
    if abs(now.timestamp() - seconds) > tolerance.total_seconds():
        raise StaleError("signature timestamp outside the accepted window")
    return seconds


def require_secret(secret: str) -> str:
    if not secret:
        raise ConfigError("no secret configured for this source")
    return secret
