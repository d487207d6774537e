"""Who may change a board: the server's admin token or the board's organiser token."""

from __future__ import annotations

from sqlmodel import Session

from scoreboard.codes import hash_token, new_token, token_matches
from scoreboard.models import Board, Meta

ADMIN_KEY = "admin_token_sha256"
DEVICE_KEY_ROW = "device_hash_key"  # the Meta row that holds the key, not the key


def ensure_admin_token(session: Session, configured: str | None) -> tuple[str, str | None]:
    """The admin token's hash, and the token itself when it was generated just now.

    A configured token always wins; otherwise the first start makes one, stores only
    its hash, and hands it back once so the CLI can print it.
    """
    if configured:
        return hash_token(configured), None
    stored = session.get(Meta, ADMIN_KEY)
    if stored is not None:
        return stored.value, None
    token = new_token()
    session.add(Meta(key=ADMIN_KEY, value=hash_token(token)))
    session.commit()
    return hash_token(token), token


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def may_organise(token: str, board: Board | None, admin_hash: str) -> bool:
    """Both comparisons always run, so the answer takes the same time either way."""
    is_admin = token_matches(token, admin_hash)
    is_organiser = token_matches(token, board.token_hash) if board else False
    return is_admin | is_organiser


def ensure_server_secret(session: Session) -> str:
    """The key for device pseudonyms, made once per database."""
    stored = session.get(Meta, DEVICE_KEY_ROW)
    if stored is not None:
        return stored.value
    secret = new_token()
    session.add(Meta(key=DEVICE_KEY_ROW, value=secret))
    session.commit()
    return secret
