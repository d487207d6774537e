"""Routes that resolve their arguments by hand when they can: for the taps of a full hall.

FastAPI's generic request handling (solving dependencies, reading and parsing the body,
validating what it parsed) costs more than the work of a reaction's route itself: the
JSON API spent 312 us of CPU per stored reaction in-process and 245 us with a direct
route; the phone form 455 us and 297 us under wrk. A direct route still declares its
endpoint the usual way, so OpenAPI shows the same operation, but a `resolve` function
builds the endpoint's arguments. Whenever `resolve` cannot (a body that is not plain
JSON or a plain form, does not validate, ...) it answers None and the request goes
through FastAPI's own handling, so every refusal is FastAPI's, word for word. In the
app, scoreboard.routes.lane serves these routes before FastAPI's routing is reached.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

Resolve = Callable[[Request], Awaitable[dict[str, Any] | None]]
M = TypeVar("M", bound=BaseModel)


class DirectRoute(APIRoute):
    """An APIRoute whose endpoint gets its arguments from `resolve` when it can.

    The endpoint must be a coroutine function that returns a Response: the direct path
    neither runs it in a thread nor serialises for it.
    """

    resolve: Resolve

    async def answer(self, request: Request) -> Response | None:
        """The endpoint's response when `resolve` can build its arguments, else None."""
        arguments = await self.resolve(request)
        if arguments is None:
            return None
        response = await self.endpoint(**arguments)
        if not isinstance(response, Response):
            raise TypeError(f"{self.name} must return a Response to be routed directly")
        return response

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        generic = super().get_route_handler()

        async def handler(request: Request) -> Response:
            response = await self.answer(request)
            return response if response is not None else await generic(request)

        return handler


def direct_route(resolve: Resolve) -> type[DirectRoute]:
    """A DirectRoute class for `route_class_override`, resolving with `resolve`."""
    return type("DirectRoute", (DirectRoute,), {"resolve": staticmethod(resolve)})


def _media_type(request: Request) -> str:
    """The body's media type, as FastAPI reads Content-Type: no parameters, lower case."""
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


async def json_body(request: Request, model: type[M]) -> M | None:
    """The request's JSON body as `model`, or None where FastAPI would decide otherwise:
    another content type, a body that is not UTF-8 JSON, or one that does not validate."""
    kind = _media_type(request)
    if kind != "application/json" and not (
        kind.startswith("application/") and kind.endswith("+json")
    ):
        return None
    body = await request.body()  # kept on the request: FastAPI reads it again if need be
    if not body:
        return None
    try:
        return model.model_validate_json(body)
    except ValidationError:
        return None


_FORM = "application/x-www-form-urlencoded"
_PLAIN_FORM = re.compile(
    rb"(?:[^&=;%\x80-\xff]|%[0-9A-Fa-f]{2})+=(?:[^&=;%\x80-\xff]|%[0-9A-Fa-f]{2})*"
)
"""One `name=value` pair in ASCII with well-formed %-escapes: what browsers send."""


async def form_fields(request: Request, limits: Mapping[str, int]) -> dict[str, str] | None:
    """The named fields of a URL-encoded form body (others ignored, missing ones ""), or
    None where FastAPI's form parser would decide otherwise: another content type,
    anything but plain `name=value` pairs, text that is not UTF-8, or a value over its
    limit in characters."""
    if _media_type(request) != _FORM:
        return None
    body = await request.body()  # kept on the request: FastAPI reads it again if need be
    pairs = [pair for pair in body.split(b"&") if pair]
    if not all(_PLAIN_FORM.fullmatch(pair) for pair in pairs):
        return None
    try:
        parsed = parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None
    fields = dict.fromkeys(limits, "")
    for name, value in parsed:  # a repeated name: the last one counts, as in FastAPI
        if name in fields:
            if len(value) > limits[name]:
                return None
            fields[name] = value
    return fields
