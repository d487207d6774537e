"""Direct routes answer exactly as FastAPI's own handling would, documented the same way,
whether a route or the direct lane serves them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

import pytest
from fastapi import Body, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from scoreboard.routes.direct import Resolve, direct_route, form_fields, json_body
from scoreboard.routes.lane import DirectLane
from scoreboard.schemas import ReactionIn
from scoreboard.security import Guard


class Calls:
    def __init__(self) -> None:
        self.dependency = 0
        self.direct = 0


class Refused(Exception):
    """A refusal an app may answer with a handler of its own, as it answers IngestError."""


async def room(slug: str, request: Request) -> str:
    """A dependency that counts its calls and refuses some slugs, as a board lookup would."""
    request.app.state.calls.dependency += 1
    if slug == "missing":
        raise HTTPException(404, f"no board with slug {slug!r}")
    if slug == "teapot":
        raise HTTPException(418, "short and stout")
    if slug == "refused":
        raise Refused("not on this board")
    if slug == "broken":
        raise RuntimeError("a bug")
    return slug


async def echo(
    target: Annotated[str, Depends(room)], body: Annotated[ReactionIn, Body()]
) -> JSONResponse:
    return JSONResponse({"room": target, **body.model_dump()})


async def resolve(request: Request) -> dict[str, Any] | None:
    body = await json_body(request, ReactionIn)
    if body is None:
        return None
    request.app.state.calls.direct += 1
    return {"target": await room(request.path_params["slug"], request), "body": body}


LIMITS = {"text": 20, "emoji": 8}


async def echo_form(
    target: Annotated[str, Depends(room)],
    text: Annotated[str, Form(max_length=LIMITS["text"])] = "",
    emoji: Annotated[str, Form(max_length=LIMITS["emoji"])] = "",
) -> JSONResponse:
    return JSONResponse({"room": target, "text": text, "emoji": emoji})


async def resolve_form(request: Request) -> dict[str, Any] | None:
    fields = await form_fields(request, LIMITS)
    if fields is None:
        return None
    request.app.state.calls.direct += 1
    return {"target": await room(request.path_params["slug"], request), **fields}


class Inner:
    """Counts the requests that reach the middleware inside the lane."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["app"].state.inner += 1
        await self.app(scope, receive, send)


def build(calls: Calls, *, lane: bool = False) -> FastAPI:
    """Each endpoint served twice, through FastAPI's handling and through a direct route,
    behind the app's Guard and with handlers for the refusals, as in the app; with `lane`,
    the direct routes are served by the direct lane (scoreboard.routes.lane)."""
    app = FastAPI()
    app.state.calls, app.state.inner = calls, 0
    served: list[tuple[str, Callable[..., Any], Resolve]] = [
        ("", echo, resolve),
        ("-form", echo_form, resolve_form),
    ]
    for kind, endpoint, resolver in served:
        app.router.add_api_route(f"/plain{kind}/{{slug}}", endpoint, methods=["POST"])
        app.router.add_api_route(
            f"/direct{kind}/{{slug}}",
            endpoint,
            methods=["POST"],
            route_class_override=direct_route(resolver),
        )

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused) -> JSONResponse:
        return JSONResponse({"refused": str(error)}, status_code=409)

    @app.exception_handler(418)
    def teapot(request: Request, error: HTTPException) -> PlainTextResponse:
        return PlainTextResponse(f"teapot: {error.detail}", status_code=418)

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> PlainTextResponse:
        return PlainTextResponse("our fault, sorry", status_code=500)

    if lane:
        app.add_middleware(Inner)
        app.add_middleware(DirectLane, router=app.router, exception_handlers=app.exception_handlers)
    app.add_middleware(Guard, max_body_bytes=4096)
    return app


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture(params=[False, True], ids=["route", "lane"])
def http(calls: Calls, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with TestClient(build(calls, lane=request.param), raise_server_exceptions=False) as client:
        yield client


def answer(response: Any) -> tuple[int, str, str | None]:
    """What a client sees: status, body and the security headers' policy."""
    return response.status_code, response.text, response.headers.get("content-security-policy")


JSON = {"content-type": "application/json"}
BODIES: list[tuple[str, bytes, dict[str, str]]] = [
    ("valid", b'{"text": "great talk", "client_id": "a-1"}', JSON),
    ("charset", b'{"text": "great talk"}', {"content-type": "application/json; charset=utf-8"}),
    ("vendor type", b'{"emoji": "x"}', {"content-type": "application/vnd.api+json"}),
    ("no content type", b'{"text": "hi"}', {}),
    ("text/plain", b'{"text": "hi"}', {"content-type": "text/plain"}),
    ("form", b"text=hi", {"content-type": "application/x-www-form-urlencoded"}),
    ("broken JSON", b'{"text":', JSON),
    ("empty", b"", JSON),
    ("array", b"[1, 2]", JSON),
    ("null", b"null", JSON),
    ("wrong types", b'{"text": 5, "emoji": [1]}', JSON),
    ("unknown field", b'{"text": "hi", "bogus": 1}', JSON),
    ("too long", b'{"text": "' + b"x" * 5001 + b'"}', JSON),
    ("bad client id", b'{"client_id": "' + b"x" * 65 + b'"}', JSON),
    ("not UTF-8", b'{"text": "\xff\xfe"}', JSON),
    ("latin-1", '{"text": "café"}'.encode("latin-1"), JSON),
    ("duplicate keys", b'{"text": "first", "text": "last"}', JSON),
    ("UTF-16", '{"text": "hi"}'.encode("utf-16"), JSON),
]


FORM = {"content-type": "application/x-www-form-urlencoded"}
FORMS: list[tuple[str, bytes, dict[str, str]]] = [
    ("plain", b"text=great+talk&emoji=%F0%9F%91%8F", FORM),
    ("charset", b"text=hi", {"content-type": f"{FORM['content-type']}; charset=utf-8"}),
    ("escaped name", b"te%78t=caf%C3%A9", FORM),
    ("empty", b"", FORM),
    ("blank values", b"text=&emoji=", FORM),
    ("unknown field", b"text=hi&other=1", FORM),
    ("repeated field", b"text=first&text=last", FORM),
    ("name without value", b"text&emoji=x", FORM),
    ("semicolon", b"text=a;b", FORM),
    ("broken escape", b"text=100%zz", FORM),
    ("not UTF-8", b"text=%FF%FE", FORM),
    ("raw UTF-8", "text=café".encode(), FORM),
    ("too long", b"text=" + b"x" * 21, FORM),
    ("JSON", b'{"text": "hi"}', {"content-type": "application/json"}),
    ("no content type", b"text=hi", {}),
    (
        "multipart",
        b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--x--\r\n',
        {"content-type": "multipart/form-data; boundary=x"},
    ),
]


CASES = [("", *body) for body in BODIES] + [("-form", *form) for form in FORMS]


@pytest.mark.parametrize(
    ("kind", "case", "body", "headers"),
    CASES,
    ids=[f"{kind.strip('-') or 'json'}: {case}" for kind, case, *_ in CASES],
)
def test_a_direct_route_answers_as_fastapi_would(
    http: TestClient, kind: str, case: str, body: bytes, headers: dict[str, str]
) -> None:
    plain = http.post(f"/plain{kind}/talk", content=body, headers=headers)
    direct = http.post(f"/direct{kind}/talk", content=body, headers=headers)
    assert answer(direct) == answer(plain), case


def test_a_plain_form_is_resolved_directly(http: TestClient, calls: Calls) -> None:
    response = http.post("/direct-form/talk", content=b"text=great+talk", headers=FORM)
    assert response.json() == {"room": "talk", "text": "great talk", "emoji": ""}
    assert (calls.direct, calls.dependency) == (1, 1)


@pytest.mark.parametrize("slug", ["talk", "missing"])
def test_a_valid_body_is_resolved_directly_with_the_dependency_run_once(
    http: TestClient, calls: Calls, slug: str
) -> None:
    response = http.post(f"/direct/{slug}", json={"text": "great talk"})
    assert response.status_code == (200 if slug == "talk" else 404)
    assert (calls.direct, calls.dependency) == (1, 1)


def test_a_body_it_cannot_resolve_goes_through_fastapi_with_the_dependency_run_once(
    http: TestClient, calls: Calls
) -> None:
    response = http.post("/direct/talk", json={"text": "hi", "bogus": 1})
    assert response.status_code == 422
    assert (calls.direct, calls.dependency) == (0, 1)


def test_a_direct_route_is_documented_like_the_plain_one(http: TestClient) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    plain, direct = paths["/plain/{slug}"]["post"], paths["/direct/{slug}"]["post"]
    for operation in (plain, direct):
        del operation["operationId"], operation["summary"]
    assert direct == plain
    assert "ReactionIn" in str(direct["requestBody"])


@pytest.mark.parametrize(
    ("slug", "status"),
    [("talk", 200), ("missing", 404), ("teapot", 418), ("refused", 409), ("broken", 500)],
)
def test_refusals_and_errors_get_the_apps_own_answers(
    http: TestClient, slug: str, status: int
) -> None:
    plain = http.post(f"/plain/{slug}", json={"text": "hi"})
    direct = http.post(f"/direct/{slug}", json={"text": "hi"})
    assert answer(direct) == answer(plain)
    assert plain.status_code == status


@pytest.mark.parametrize("lane", [False, True], ids=["route", "lane"])
@pytest.mark.parametrize("kind", ["plain", "direct"])
def test_an_unexpected_error_goes_on_to_the_server(calls: Calls, lane: bool, kind: str) -> None:
    """Past its 500 page the error reaches the server, which logs it: never swallowed."""
    app = build(calls, lane=lane)
    with TestClient(app) as client, pytest.raises(RuntimeError, match="a bug"):
        client.post(f"/{kind}/broken", json={"text": "hi"})
