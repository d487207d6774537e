"""The app factory's process-wide choices: OpenTelemetry only when asked for."""

from __future__ import annotations

import functools

from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from scoreboard.app import create_app
from scoreboard.settings import Settings
from tests.conftest import make_board


@functools.cache
def spans() -> InMemorySpanExporter:
    """A global tracer provider, as an operator's OpenTelemetry setup installs (once)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


def traced_paths(settings: Settings) -> list[str]:
    exporter = spans()
    exporter.clear()
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
    return [str((span.attributes or {}).get("url.path")) for span in exporter.get_finished_spans()]


def test_requests_are_not_traced_by_default(settings: Settings) -> None:
    assert traced_paths(settings) == []


def test_requests_are_traced_when_telemetry_is_on(settings: Settings) -> None:
    paths = traced_paths(settings.model_copy(update={"telemetry": True}))
    assert "/healthz" in paths


def test_with_telemetry_on_a_reactions_span_names_its_route(settings: Settings) -> None:
    """The direct lane would skip the routing that records it: with telemetry it is off."""
    exporter = spans()
    with TestClient(create_app(settings.model_copy(update={"telemetry": True}))) as client:
        board = make_board(client)
        exporter.clear()
        response = client.post(f"/api/boards/{board.slug}/reactions", json={"text": "great"})
        assert response.status_code == 201
    routes = [(span.attributes or {}).get("http.route") for span in exporter.get_finished_spans()]
    assert routes == ["/api/boards/{slug}/reactions"]
