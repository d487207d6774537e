"""Request size limits and security headers for every response."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
# The projector page may be framed (an OBS browser source, a slide deck); nothing else.
_FRAMEABLE_SUFFIX = "/screen"


class Guard:
    """Refuses bodies over `max_body_bytes` with 413 and adds security headers."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await _too_large(send, self.max_body_bytes)
            return
        frameable = scope["path"].endswith(_FRAMEABLE_SUFFIX)
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise HTTPException(413, _too_large_text(self.max_body_bytes))
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_security_headers(message.get("headers", ()), frameable)
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except ClientDisconnect:
            # A phone on weak Wi-Fi left mid-upload: nobody is there to answer, nothing was
            # stored (the body never arrived whole), and it is no error of ours to log.
            return


def _csp(frameable: bool) -> str:
    return CSP + ("; frame-ancestors *" if frameable else "; frame-ancestors 'none'")


def _security_headers(frameable: bool) -> tuple[tuple[bytes, bytes], ...]:
    headers = [
        (b"content-security-policy", _csp(frameable).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]
    if not frameable:
        headers.append((b"x-frame-options", b"DENY"))
    return tuple(headers)


_SECURITY_HEADERS = {frameable: _security_headers(frameable) for frameable in (False, True)}


def _with_security_headers(
    headers: Iterable[tuple[bytes, bytes]], frameable: bool
) -> list[tuple[bytes, bytes]]:
    """The response's headers plus ours, unless the response set its own (built once:
    this runs for every response)."""
    result = list(headers)
    present = {name.lower() for name, _ in result}
    result += [h for h in _SECURITY_HEADERS[frameable] if h[0] not in present]
    return result


async def _too_large(send: Send, limit: int) -> None:
    body = orjson.dumps({"detail": _too_large_text(limit)})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large_text(limit: int) -> str:
    return f"request body too large; the limit is {limit} bytes"
