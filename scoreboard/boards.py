"""Boards: creating, changing and finding them (kept in memory for the hot path)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sqlmodel import Session, col, select

from scoreboard.codes import hash_token, new_join_code, new_token, normalise_join_code, slugify
from scoreboard.models import Board, Segment, utcnow
from scoreboard.schemas import DEFAULT_REACTIONS, SUPPORTED_LANGUAGES, BoardCreate, BoardUpdate


class BoardError(ValueError):
    """A board request that cannot be honoured, with a message for people."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def create_board(
    session: Session, spec: BoardCreate, default_languages: Sequence[str] = SUPPORTED_LANGUAGES
) -> tuple[Board, str]:
    """Store a new board; returns it with its organiser token (only ever shown here)."""
    if spec.slug and _slug_taken(session, spec.slug):
        raise BoardError(f"slug {spec.slug!r} is taken; choose another or leave it out")
    slug = spec.slug or _free_slug(session, slugify(spec.title))
    token = new_token()
    board = Board(
        slug=slug,
        title=spec.title.strip(),
        join_code=_free_join_code(session),
        hashtags=spec.hashtags or [],
        moderation=spec.moderation or "auto",
        reactions=spec.reactions or list(DEFAULT_REACTIONS),
        languages=list(spec.languages or default_languages),
        ui_language=spec.ui_language or "auto",
        token_hash=hash_token(token),
    )
    session.add(board)
    session.commit()
    session.refresh(board)
    return board, token


def update_board(session: Session, board: Board, changes: BoardUpdate) -> Board:
    for name, value in changes.model_dump(exclude_unset=True).items():
        if value is None:
            raise BoardError(f"{name} cannot be null", status=422)
        setattr(board, name, value.strip() if isinstance(value, str) else value)
    board.updated_at = utcnow()
    session.add(board)
    session.commit()
    session.refresh(board)
    return board


def start_segment(session: Session, board: Board, label: str) -> Segment:
    segment = Segment(board_id=_id(board), label=label)
    board.current_segment = label
    board.updated_at = utcnow()
    session.add(segment)
    session.add(board)
    session.commit()
    session.refresh(board)
    session.refresh(segment)
    return segment


def reset_token(session: Session, board: Board) -> str:
    token = new_token()
    board.token_hash = hash_token(token)
    session.add(board)
    session.commit()
    return token


def _slug_taken(session: Session, slug: str) -> bool:
    return session.exec(select(Board.id).where(Board.slug == slug)).first() is not None


def _free_slug(session: Session, base: str) -> str:
    slug, n = base, 1
    while _slug_taken(session, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _free_join_code(session: Session) -> str:
    while True:
        code = new_join_code()
        if session.exec(select(Board.id).where(Board.join_code == code)).first() is None:
            return code


def _id(board: Board) -> int:
    assert board.id is not None, "board is not stored yet"
    return board.id


class BoardDirectory:
    """Boards by slug, join code and id, so ingest never waits on a query.

    Every change to a board goes through this process, so the copy stays true.
    """

    def __init__(self, boards: Iterable[Board] = ()) -> None:
        self._by_slug: dict[str, Board] = {}
        self._by_code: dict[str, Board] = {}
        self._by_id: dict[int, Board] = {}
        for board in boards:
            self.put(board)

    def put(self, board: Board) -> None:
        old = self._by_id.get(_id(board))
        if old is not None:
            self._by_slug.pop(old.slug, None)
            self._by_code.pop(old.join_code, None)
        self._by_slug[board.slug] = board
        self._by_code[board.join_code] = board
        self._by_id[_id(board)] = board

    def by_slug(self, slug: str) -> Board | None:
        return self._by_slug.get(slug)

    def by_join_code(self, code: str) -> Board | None:
        return self._by_code.get(normalise_join_code(code))

    def by_id(self, board_id: int) -> Board | None:
        return self._by_id.get(board_id)

    def __iter__(self) -> Iterator[Board]:
        return iter(list(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)


def load_boards(session: Session) -> list[Board]:
    return list(session.exec(select(Board).order_by(col(Board.id))))
