"""Join codes, slugs and organiser tokens: short for people, long for secrets."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata

# No I, L, O, 0 or 1: a code read off a projector is typed without guessing.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 5
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def new_join_code(length: int = JOIN_LENGTH) -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))


def normalise_join_code(raw: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes."""
    return re.sub(r"[\s\-]+", "", raw).upper()


def slugify(title: str, max_length: int = 48) -> str:
    """A URL-safe slug from any title, falling back to 'board' when nothing is left."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_title.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "board"


def clock_ms() -> int:
    """The server's clock in milliseconds: what client ids start with, and what the
    phone page hands its script to make its own."""
    return time.time_ns() // 1_000_000


def new_client_id(now_ms: int | None = None) -> str:
    """A new reaction's id in UUIDv7's layout (RFC 9562) as 32 hex digits: time first.

    The id is the reaction's key in the dedupe index: random ids (v4) put each new row
    on another page of it, so a commit of N reactions writes about N of its pages to the
    journal, while ids that start with the time all land at its end.
    """
    ms = clock_ms() if now_ms is None else now_ms
    rand_a, rand_b = secrets.randbits(12), secrets.randbits(62)
    # 48 bits of time, version 7, 12 random bits, the RFC's variant (0b10), 62 random bits
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return f"{value:032x}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """Tokens are random and long, so one SHA-256 is enough (no password stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(secret: str, value: str) -> str:
    """A short stable pseudonym for a device or address; not reversible without the key."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:24]


def token_matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)
