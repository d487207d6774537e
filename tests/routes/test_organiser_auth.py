"""Every organiser endpoint, found from the app's own routes, refuses missing and wrong tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from scoreboard.app import create_app
from scoreboard.deps import require_admin, require_organiser
from scoreboard.settings import Settings
from tests.conftest import make_board


def _guarded_by(dependant: Dependant) -> set[object]:
    found: set[object] = {dependant.call}
    for sub in dependant.dependencies:
        found |= _guarded_by(sub)
    return found


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """FastAPI keeps included routers as wrappers holding `original_router`; walk them."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (inner := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(inner.routes)


def _organiser_routes(settings: Settings) -> list[tuple[str, str]]:
    routes = []
    for route in _api_routes(create_app(settings).routes):
        calls = _guarded_by(route.dependant)
        if require_organiser in calls or require_admin in calls:
            routes += [(method, route.path) for method in sorted(route.methods or ())]
    return routes


@pytest.fixture
def organiser_routes(settings: Settings) -> list[tuple[str, str]]:
    return _organiser_routes(settings)


def _fill(path: str, slug: str) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda m: slug if m.group() == "{slug}" else "1", path)


def _calls(
    client: TestClient, routes: list[tuple[str, str]], slug: str, headers: dict[str, str]
) -> Iterator[tuple[str, str, int]]:
    for method, path in routes:
        response = client.request(method, _fill(path, slug), headers=headers, json={})
        yield method, path, response.status_code


def test_the_organiser_routes_are_found(organiser_routes: list[tuple[str, str]]) -> None:
    paths = {path for _, path in organiser_routes}
    assert "/api/boards/{slug}/reactions/{reaction_id}" in paths
    assert "/api/boards/{slug}/export.csv" in paths
    assert "/api/boards" in paths
    assert len(organiser_routes) >= 12


def test_every_organiser_endpoint_refuses_a_missing_token(
    client: TestClient, organiser_routes: list[tuple[str, str]]
) -> None:
    board = make_board(client)
    answers = list(_calls(client, organiser_routes, board.slug, {}))
    assert [a for a in answers if a[2] != 401] == []


def test_every_organiser_endpoint_refuses_a_wrong_token(
    client: TestClient, organiser_routes: list[tuple[str, str]]
) -> None:
    board = make_board(client)
    other = make_board(client, title="Someone else's talk")
    answers = list(_calls(client, organiser_routes, board.slug, other.auth))
    assert [a for a in answers if a[2] != 403] == []
    garbage = list(_calls(client, organiser_routes, board.slug, {"Authorization": "Bearer x"}))
    assert [a for a in garbage if a[2] != 403] == []
