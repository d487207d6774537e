"""From untrusted submission to draft reaction: clean it, check it, decide its status."""

from __future__ import annotations

from datetime import datetime

from scoreboard.models import Board
from scoreboard.text import clean_name, clean_text
from scoreboard.writer import Draft

_VARIATION = "\ufe0f"


class IngestError(ValueError):
    """A submission we refuse, with the HTTP status and a message for people."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def match_emoji(raw: str | None, offered: list[str]) -> str | None:
    """The board's own spelling of an emoji, accepting it with or without U+FE0F."""
    if raw is None or not raw.strip():
        return None
    wanted = raw.strip().replace(_VARIATION, "")
    for emoji in offered:
        if emoji.replace(_VARIATION, "") == wanted:
            return emoji
    raise IngestError(f"emoji {raw!r} is not offered on this board; use one of {' '.join(offered)}")


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
) -> Draft:
    """Validate one reaction for `board`; raises IngestError with a clear message."""
    if not board.open:
        raise IngestError("this board is closed for new reactions", status=403)
    cleaned = clean_text(text) if text else ""
    if len(cleaned) > max_text_length:
        raise IngestError(
            f"text is {len(cleaned)} characters; the limit is {max_text_length}", status=413
        )
    chosen = match_emoji(emoji, board.reactions)
    if not cleaned and chosen is None:
        raise IngestError("send a comment, an emoji, or both; this reaction was empty")
    assert board.id is not None
    return Draft(
        board_id=board.id,
        source=source,
        external_id=external_id,
        author=clean_name(author) if author else None,
        text=cleaned or None,
        emoji=chosen,
        # Pre-moderation holds words; a bare tap carries nothing to review.
        status="held" if board.moderation == "pre" and cleaned else "visible",
        segment=board.current_segment,
        posted_at=posted_at,
        languages=tuple(board.languages),
        ignore_tags=tuple(board.hashtags),
    )
