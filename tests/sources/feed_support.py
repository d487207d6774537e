"""Shared by the feed followers' tests: networks' events and a bounded wait."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


async def eventually(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait (bounded) until `predicate()` holds, checking every few milliseconds."""
    async with asyncio.timeout(seconds):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.005)


def post_event(
    rkey: str, text: str, *, time_us: int, tags: list[str] | None = None
) -> dict[str, Any]:
    """A Jetstream commit event for a new post; hashtags as rich-text tag facets."""
    facets = []
    for tag in tags or []:
        start = text.lower().encode().index(f"#{tag.lower()}".encode())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(tag.encode()) + 1},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
            }
        )
    return {
        "did": DID,
        "time_us": time_us,
        "kind": "commit",
        "commit": {
            "rev": "3l3qo2vutsw2b",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": rkey,
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2026-05-04T09:59:00.000Z",
                "langs": ["en"],
                "text": text,
                "facets": facets,
            },
            "cid": "bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4",
        },
    }


def status(status_id: int, text: str = "Great #DevConf talk", **extra: Any) -> dict[str, Any]:
    """A Mastodon Status as the API returns it; tagged #devconf when the text says so."""
    base: dict[str, Any] = {
        "id": str(status_id),
        "created_at": "2026-05-04T09:58:12.000Z",
        "visibility": "public",
        "language": "en",
        "content": f"<p>{text}</p>",
        "reblog": None,
        "account": {"acct": "ana@example.social", "display_name": "Ana"},
        "tags": [{"name": "devconf"}] if "#devconf" in text.lower() else [],
    }
    return base | extra


def update_event(item: dict[str, Any]) -> dict[str, Any]:
    """A streaming `update` event: the Status is a JSON string inside the JSON frame."""
    return {"stream": ["hashtag", "devconf"], "event": "update", "payload": json.dumps(item)}


def update_frame(item: dict[str, Any]) -> str:
    return json.dumps(update_event(item))
