"""The direct lane skips only what it may, and refuses routes it could misroute.

That it answers as FastAPI would is tested with the direct routes (test_direct.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from scoreboard.app import create_app
from scoreboard.routes.direct import direct_route
from scoreboard.routes.lane import DirectLane, lane_routes
from scoreboard.security import Guard
from scoreboard.settings import Settings
from tests.routes.test_direct import Calls, answer, build, resolve


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def app(calls: Calls) -> FastAPI:
    return build(calls, lane=True)


@pytest.fixture
def http(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_a_request_it_resolves_skips_the_stack_inside(
    http: TestClient, app: FastAPI, calls: Calls
) -> None:
    response = http.post("/direct/talk", json={"text": "great talk"})
    assert response.json()["room"] == "talk"
    assert response.headers["x-content-type-options"] == "nosniff"  # Guard still applies
    assert (calls.direct, calls.dependency, app.state.inner) == (1, 1, 0)


def test_a_body_it_cannot_resolve_goes_on_through_the_stack_replayed(
    http: TestClient, app: FastAPI, calls: Calls
) -> None:
    response = http.post("/direct/talk", json={"text": "hi", "bogus": 1})
    assert response.status_code == 422
    assert "bogus" in response.text  # FastAPI read the body the lane had read
    assert (calls.direct, calls.dependency, app.state.inner) == (0, 1, 1)


def test_other_requests_go_through_the_stack(http: TestClient, app: FastAPI) -> None:
    assert http.post("/plain/talk", json={"text": "hi"}).status_code == 200
    assert http.get("/direct/talk").status_code == 405
    assert app.state.inner == 2


def test_a_chunked_body_over_the_limit_is_refused_by_guard(http: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        yield b"a" * 5000
        yield b'"}'

    json = {"content-type": "application/json"}
    plain = http.post("/plain/talk", content=chunks(), headers=json)
    direct = http.post("/direct/talk", content=chunks(), headers=json)
    assert answer(direct) == answer(plain)
    assert direct.status_code == 413


async def nothing() -> None:
    """An endpoint for routes that only need to exist."""


def post(path: str, route_class: type[APIRoute] = APIRoute, method: str = "POST") -> APIRoute:
    return route_class(path, nothing, methods=[method])


DIRECT = direct_route(resolve)


@pytest.mark.parametrize(
    "earlier",
    [
        post("/b/{slug}", method="GET"),
        post("/b/{slug}/screen"),
        post("/b"),
        post("/a/{slug}"),
        APIWebSocketRoute("/b/{slug}", nothing),
        Mount("/static", app=StaticFiles(directory=".")),
    ],
    ids=["GET of the path", "longer path", "shorter path", "other literal", "websocket", "mount"],
)
def test_a_route_before_that_cannot_take_its_requests_is_fine(earlier: BaseRoute) -> None:
    direct = post("/b/{slug}", DIRECT)
    assert lane_routes([earlier, direct]) == [direct]


@pytest.mark.parametrize(
    "earlier",
    [
        post("/b/{slug}"),
        post("/b/{code:int}"),
        post("/{kind}/{slug}"),
        post("/b/special"),
        post("/{rest:path}"),
        Mount("/b", app=StaticFiles(directory=".")),
        Mount("", app=StaticFiles(directory=".")),
    ],
    ids=["same path", "int param", "params only", "literal", "path param", "mount", "root mount"],
)
def test_a_route_before_that_could_take_its_requests_is_refused(earlier: BaseRoute) -> None:
    with pytest.raises(ValueError, match=r"before the direct route POST /b/\{slug\}"):
        lane_routes([earlier, post("/b/{slug}", DIRECT)])


def test_an_app_whose_direct_route_could_be_misrouted_does_not_start() -> None:
    app = FastAPI()
    app.router.routes.extend([post("/b/{code}"), post("/b/{slug}", DIRECT)])
    app.add_middleware(DirectLane, router=app.router, exception_handlers=app.exception_handlers)
    with pytest.raises(ValueError, match=r"POST /b/\{code\} comes before"), TestClient(app):
        pass


def test_the_apps_hot_routes_take_the_lane(settings: Settings) -> None:
    app = create_app(settings)
    assert [route.path for route in lane_routes(app.router.routes)] == [
        "/api/boards/{slug}/reactions",
        "/b/{slug}",
    ]
    middleware: list[object] = [m.cls for m in app.user_middleware]
    assert middleware == [Guard, DirectLane]  # the lane inside Guard
