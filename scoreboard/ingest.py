"""From untrusted submission to draft reaction: clean it, check it, decide its status."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from scoreboard.filters import blocked, fold, hold_reason
from scoreboard.models import Board
from scoreboard.sources.base import Post
from scoreboard.text import clean_name, clean_text
from scoreboard.writer import Draft

_VARIATION = "\ufe0f"


class IngestError(ValueError):
    """A submission we refuse, with the HTTP status, a message for people and a `reason`
    by which a page can say it in the reader's language."""

    def __init__(self, message: str, status: int = 422, reason: str = "invalid") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def match_emoji(raw: str | None, offered: list[str]) -> str | None:
    """The board's own spelling of an emoji, accepting it with or without U+FE0F."""
    if raw is None or not raw.strip():
        return None
    wanted = raw.strip().replace(_VARIATION, "")
    for emoji in offered:
        if emoji.replace(_VARIATION, "") == wanted:
            return emoji
    raise IngestError(
        f"emoji {raw!r} is not offered on this board; use one of {' '.join(offered)}",
        reason="emoji",
    )


def draft_reaction(
    board: Board,
    *,
    source: str,
    text: str | None = None,
    emoji: str | None = None,
    author: str | None = None,
    external_id: str | None = None,
    posted_at: datetime | None = None,
    max_text_length: int = 500,
    device: str | None = None,
    bans: Collection[tuple[str, str]] = (),
) -> Draft:
    """Validate one reaction for `board` and decide its status.

    Banned devices and authors are stored hidden (they are not told); a filter hit
    or pre-moderation holds a comment for review; everything else is visible.
    Raises IngestError with a clear message for what cannot be stored at all.
    """
    if not board.open:
        raise IngestError("this board is closed for new reactions", status=403, reason="closed")
    cleaned = clean_text(text) if text else ""
    if len(cleaned) > max_text_length:
        raise IngestError(
            f"text is {len(cleaned)} characters; the limit is {max_text_length}",
            status=413,
            reason="too_long",
        )
    chosen = match_emoji(emoji, board.reactions)
    if not cleaned and chosen is None:
        raise IngestError(
            "send a comment, an emoji, or both; this reaction was empty", reason="empty"
        )
    assert board.id is not None
    name = clean_name(author) if author else None
    status, flag = _decide(board, cleaned, name, device, bans)
    return Draft(
        board_id=board.id,
        source=source,
        external_id=external_id,
        author=name,
        text=cleaned or None,
        emoji=chosen,
        status=status,
        flag=flag,
        device=device,
        segment=board.current_segment,
        posted_at=posted_at,
        languages=tuple(board.languages),
        ignore_tags=tuple(board.hashtags),
    )


def _decide(
    board: Board,
    text: str,
    author: str | None,
    device: str | None,
    bans: Collection[tuple[str, str]],
) -> tuple[str, str | None]:
    if (device and ("device", device) in bans) or (author and ("author", fold(author)) in bans):
        return "hidden", "banned"
    if author and blocked(author, board.blocklist):
        return "held", "blocklist"
    if not text:  # a bare tap carries nothing to review
        return "visible", None
    reason = hold_reason(
        text,
        custom=board.blocklist,
        hold_links=board.hold_links,
        hold_mentions=board.hold_mentions,
    )
    if reason:
        return "held", reason
    return ("held", "pre") if board.moderation == "pre" else ("visible", None)


ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """Networks allow longer posts than the board: cut with an ellipsis instead of refusing."""
    cleaned = clean_text(text)
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: limit - 1].rstrip() + ELLIPSIS


def draft_from_post(
    board: Board, post: Post, max_text_length: int, bans: Collection[tuple[str, str]] = ()
) -> Draft:
    """A social post as a reaction draft, under the same bans and filters as any reaction;
    raises IngestError (closed board, empty text)."""
    return draft_reaction(
        board,
        source=post.source,
        text=shorten(post.text, max_text_length),
        author=post.author,
        external_id=post.external_id,
        posted_at=post.posted_at,
        max_text_length=max_text_length,
        bans=bans,
    )
