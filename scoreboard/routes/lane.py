"""The direct lane: the taps of a full hall skip FastAPI's routing and request wrappers.

For each request FastAPI tries the routes in order, each through its own matching,
then wraps the chosen one in exception handlers and exit stacks. For a stored reaction
that was 23 us of the event loop's 127 (in-process, 148 -> 126 us of CPU in all with the
writer's thread), and under `wrk` 154 -> 135 us. The lane sits just inside the app's
own middleware (body limits, security headers and the 500 page still apply) and serves
requests for direct routes (scoreboard.routes.direct) itself:

- it takes only routes that no earlier route could take instead, so the route it
  picks is the one FastAPI's router would pick; it refuses to start otherwise;
- a refusal (HTTPException, IngestError, ...) is answered by the app's own handler
  for it, through Starlette's exception middleware as in FastAPI's stack; anything
  else goes to the 500 page;
- a body `resolve` cannot take goes on through the whole stack, replayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from fastapi.routing import APIRouter
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scoreboard.routes.direct import DirectRoute


class DirectLane:
    """ASGI middleware serving `router`'s direct routes without the stack inside it.

    `exception_handlers` are the app's: the lane answers refusals through Starlette's own
    exception middleware with them, as FastAPI's stack does (500 and Exception excepted:
    those belong to the server error middleware, outside the lane).
    """

    def __init__(
        self, app: ASGIApp, router: APIRouter, exception_handlers: Mapping[Any, Any]
    ) -> None:
        self.app = app
        self.router = router
        self.routes = lane_routes(router.routes)
        self.methods = frozenset(m for route in self.routes for m in route.methods or ())
        handlers = {k: v for k, v in exception_handlers.items() if k not in (500, Exception)}
        self._direct = ExceptionMiddleware(self._serve, handlers=handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in self.methods:
            for route in self.routes:
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)  # the route, its path parameters
                    scope.setdefault("router", self.router)
                    await self._direct(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: DirectRoute = scope["route"]
        request = Request(scope, receive)
        response = await route.answer(request)
        if response is None:  # FastAPI's own handling decides, on the body read so far
            await self.app(scope, _replay(await request.body(), receive), send)
        else:
            await response(scope, receive, send)


def lane_routes(routes: Iterable[BaseRoute]) -> list[DirectRoute]:
    """The direct routes among `routes`, each checked against every route before it."""
    earlier: list[BaseRoute] = []
    taken: list[DirectRoute] = []
    for route in routes:
        if isinstance(route, DirectRoute):
            for other in earlier:
                if _may_take(other, route):
                    raise ValueError(
                        f"{_name(other)} comes before the direct route {_name(route)} and "
                        "could take its requests: declare it after, or make it not direct"
                    )
            taken.append(route)
        earlier.append(route)
    return taken


def _may_take(other: BaseRoute, direct: DirectRoute) -> bool:
    """Whether `other` could match a request `direct` matches (when unsure: yes)."""
    if isinstance(other, WebSocketRoute):
        return False  # never an HTTP request
    if isinstance(other, Route):
        if other.methods is not None and not other.methods & (direct.methods or set()):
            return False
        return _may_overlap(_segments(other.path), _segments(direct.path), prefix=False)
    if isinstance(other, Mount):
        return _may_overlap(_segments(other.path), _segments(direct.path), prefix=True)
    return True


def _segments(path: str) -> list[str]:
    return path.rstrip("/").split("/")


def _may_overlap(other: list[str], direct: list[str], *, prefix: bool) -> bool:
    """Whether two path templates (or, with `prefix`, a mount's path and a template)
    could match one path: literal segments must agree, a parameter takes any segment."""
    if any(":path}" in segment for segment in (*other, *direct)):
        return True  # a parameter that spans segments
    if len(direct) < len(other) or (not prefix and len(direct) != len(other)):
        return False
    return all(a == b or "{" in a or "{" in b for a, b in zip(other, direct, strict=False))


def _name(route: BaseRoute) -> str:
    methods = sorted(getattr(route, "methods", None) or [])
    return " ".join([*methods, getattr(route, "path", repr(route))])


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` as if the body had not been read yet."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
