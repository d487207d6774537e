"""The running server's parts, wired together once: writer -> tallies -> hub."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from scoreboard import sentiment
from scoreboard.auth import ensure_admin_token, ensure_server_secret
from scoreboard.boards import BoardDirectory, load_boards
from scoreboard.codes import keyed_hash
from scoreboard.db import create_schema, make_engine
from scoreboard.feeds import FeedManager
from scoreboard.hub import Hub
from scoreboard.ingest import IngestError, draft_from_post
from scoreboard.models import Board, Reaction, ReactionFacts, board_facts, reaction_public
from scoreboard.moderation import Change, load_bans
from scoreboard.ratelimit import RateLimiter
from scoreboard.reaction_table import Stored
from scoreboard.settings import Settings
from scoreboard.sources.base import Post
from scoreboard.tally import Tallies
from scoreboard.urls import base_url
from scoreboard.writer import Scored, Writer

log = logging.getLogger(__name__)


def _score(text: str, emoji: str | None, languages: Sequence[str], tags: Sequence[str]) -> Scored:
    return sentiment.score(text, emoji, languages, ignore_tags=tags)


@functools.lru_cache(maxsize=4096)
def _pseudonym(secret: str, raw: str) -> str:
    """Each phone asks again with every tap: the last few thousand pseudonyms (an HMAC,
    3% of a stored reaction's CPU) are remembered."""
    return keyed_hash(secret, raw)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    boards: BoardDirectory
    tallies: Tallies
    hub: Hub
    writer: Writer
    admin_hash: str
    base_url: str
    generated_admin_token: str | None = None
    device_secret: str = ""
    bans: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    device_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    address_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0))
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    feeds: FeedManager = field(init=False)

    @classmethod
    def open(cls, settings: Settings) -> Services:
        """Open the database and rebuild the in-memory state from it."""
        engine = make_engine(settings.database_url)
        create_schema(engine)
        # The boards outlive this session (they are the in-memory directory): keep
        # their attributes loaded through the commits the first start makes.
        with Session(engine, expire_on_commit=False) as session:
            configured = settings.admin_token.get_secret_value() if settings.admin_token else None
            admin_hash, generated = ensure_admin_token(session, configured)
            device_secret = ensure_server_secret(session)
            boards = BoardDirectory(load_boards(session))
            bans = load_bans(session)
        tallies = Tallies(recent_size=settings.recent_size)
        services: Services
        hub = Hub(
            lambda board_id: services.snapshot(board_id),
            lambda board_id: services.tallies.for_board(board_id).as_dict(),
            tick_hz=settings.tick_hz,
        )
        writer = Writer(engine, _score, lambda reactions: services.committed(reactions))
        services = cls(
            settings=settings,
            engine=engine,
            boards=boards,
            tallies=tallies,
            hub=hub,
            writer=writer,
            admin_hash=admin_hash,
            base_url=base_url(settings.host, settings.port, settings.public_url),
            generated_admin_token=generated,
            device_secret=device_secret,
            bans=bans,
            device_limiter=RateLimiter(settings.rate_limit, burst=10),
            address_limiter=RateLimiter(settings.rate_limit * 4, burst=40),
        )
        services.feeds = FeedManager(services)
        services.rebuild_tallies()
        return services

    def rebuild_tallies(self) -> None:
        for board in self.boards:
            assert board.id is not None
            self.tallies.for_board(board.id, board.hashtags)
        with Session(self.engine) as session:
            query = (
                select(Reaction)
                .where(Reaction.status == "visible")  # the only ones a tally counts
                .order_by(col(Reaction.id))
                .execution_options(yield_per=5000)
            )
            stored = session.exec(query)
            self.tallies.apply(stored)

    async def start(self) -> None:
        await asyncio.to_thread(sentiment.warm_up)
        self._tasks = [
            asyncio.create_task(self.writer.run(), name="writer"),
            asyncio.create_task(self.hub.run(), name="hub"),
        ]
        self.feeds.start()

    async def stop(self) -> None:
        await self.feeds.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.engine.dispose()

    # -- the commit hook: tallies first, then the live view --

    def committed(self, reactions: Sequence[ReactionFacts]) -> None:
        for reaction in reactions:
            self.hub.organiser_changed(reaction.board_id)
            if reaction.status != "visible":
                continue
            public = reaction_public(reaction)  # one dict for the tally's list and the tick
            self.tallies.for_board(reaction.board_id).apply(reaction, public=public)
            self.hub.added(reaction.board_id, public, shown=bool(reaction.text))

    def moderated(self, change: Change) -> None:
        """Keep tallies and screens in step with an organiser's decision."""
        before, after = change.before, change.after
        board_id, tally = after.board_id, self.tallies.for_board(after.board_id)
        was, now = before.status == "visible", after.status == "visible"
        if was and not now:
            tally.apply(before, -1)
            assert before.id is not None
            self.hub.removed(board_id, before.id)
        elif now and not was:
            public = reaction_public(after)
            tally.apply(after, public=public)
            self.hub.restored(board_id, public, shown=bool(after.text))
        elif now and before.pinned != after.pinned:
            tally.pin(after)
        tally.unpin(change.unpinned)
        self.hub.changed(board_id)
        self.hub.organiser_changed(board_id)

    async def store_post(self, board: Board, post: Post) -> Stored | None:
        """A network's post as a reaction on `board`, under the board's bans and filters
        like any other; None (logged) when it cannot be a reaction at all."""
        assert board.id is not None
        limit, bans = self.settings.max_text_length, self.bans.get(board.id, set())
        try:
            draft = draft_from_post(board, post, limit, bans)
        except IngestError as error:
            log.debug("skipped %s post %s: %s", post.source, post.external_id, error)
            return None
        return await self.writer.submit(draft)

    def device_for(self, cookie: str | None, address: str | None) -> str:
        """A pseudonym for the sender: the phone's cookie, else its network address."""
        raw = f"cookie:{cookie}" if cookie else f"address:{address or 'unknown'}"
        return _pseudonym(self.device_secret, raw)

    # -- what pages and sockets show --

    def board_public(self, board: Board) -> dict[str, Any]:
        return {
            **board_facts(board),
            "join_url": f"{self.base_url}/j/{board.join_code}",
            "screen_url": f"{self.base_url}/b/{board.slug}/screen",
        }

    def board_settings(self, board: Board) -> dict[str, Any]:
        return {
            **self.board_public(board),
            "blocklist": board.blocklist,
            "hold_links": board.hold_links,
            "hold_mentions": board.hold_mentions,
        }

    def snapshot(self, board_id: int) -> dict[str, Any]:
        board = self.boards.by_id(board_id)
        tally = self.tallies.for_board(board_id)
        return {
            "board": self.board_public(board) if board else None,
            "tally": tally.as_dict(),
            "recent": list(tally.recent),
        }
