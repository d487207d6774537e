"""The JSON API over real HTTP (TestClient, app lifespan running, a real SQLite file)."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient

from scoreboard.settings import Settings
from tests.conftest import NewBoard, admin_headers, make_board, refuse_inserts

TALLY_FIELDS = {
    "total",
    "positive",
    "neutral",
    "negative",
    "mood",
    "emoji",
    "sources",
    "languages",
    "timeline",
    "segments",
    "words",
}


def reactions_url(board: NewBoard) -> str:
    return f"/api/boards/{board.slug}/reactions"


def tally(client: TestClient, board: NewBoard) -> dict[str, Any]:
    response = client.get(f"/api/boards/{board.slug}/tally")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()["tally"]
    return body


def stored_rows(settings: Settings) -> int:
    """Rows in the SQLite file, read directly: what an export would find."""
    assert settings.database_path is not None
    with contextlib.closing(sqlite3.connect(settings.database_path)) as conn:
        found: int = conn.execute("SELECT count(*) FROM reaction").fetchone()[0]
        return found


class JsonResponse(Protocol):
    def json(self, **kwargs: Any) -> Any: ...


def detail(response: JsonResponse) -> str:
    """The error's `detail`: a sentence for people, never empty."""
    text = response.json()["detail"]
    assert isinstance(text, str), text
    assert text.strip()
    return text


# -- creating and reading boards --


def test_create_board_answers_201_with_the_contract_fields_and_a_token(client: TestClient) -> None:
    response = client.post(
        "/api/boards",
        json={"title": "Keynote", "hashtags": ["#PyCon"], "reactions": ["👏", "🔥"]},
        headers=admin_headers(),
    )
    assert response.status_code == 201
    body = response.json()
    for name in ("slug", "title", "join_code", "hashtags", "moderation", "reactions", "languages"):
        assert name in body
    assert body["slug"] == "keynote"
    assert body["hashtags"] == ["pycon"]
    assert body["reactions"] == ["👏", "🔥"]
    assert body["moderation"] == "auto"
    assert body["languages"] == ["en", "nl"]
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{5}", body["join_code"])
    assert len(body["token"]) >= 32


def test_a_language_named_twice_counts_once(client: TestClient) -> None:
    body = {"title": "Meetup", "languages": ["nl", "nl"]}
    response = client.post("/api/boards", json=body, headers=admin_headers())
    assert response.status_code == 201
    assert response.json()["languages"] == ["nl"]


def test_create_board_without_a_token_is_401(client: TestClient) -> None:
    response = client.post("/api/boards", json={"title": "x"})
    assert response.status_code == 401
    assert "Bearer" in detail(response)


def test_create_board_with_a_wrong_token_is_403(client: TestClient) -> None:
    response = client.post(
        "/api/boards", json={"title": "x"}, headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 403
    detail(response)


def test_a_board_organiser_token_cannot_create_boards(client: TestClient, board: NewBoard) -> None:
    response = client.post("/api/boards", json={"title": "x"}, headers=board.auth)
    assert response.status_code == 403


def test_a_taken_slug_is_409(client: TestClient) -> None:
    make_board(client, slug="taken")
    response = client.post(
        "/api/boards", json={"title": "Other", "slug": "taken"}, headers=admin_headers()
    )
    assert response.status_code == 409
    assert "taken" in detail(response)


def test_same_title_gets_a_free_slug(client: TestClient) -> None:
    first, second = make_board(client, title="Same"), make_board(client, title="Same")
    assert first.slug == "same"
    assert second.slug != first.slug
    assert second.join_code != first.join_code


def send_json(
    client: TestClient, method: str, url: str, body: object, headers: dict[str, str]
) -> Any:
    """JSON as any client may send it: with \\u escapes, lone surrogates included (which
    the test client's own encoder refuses)."""
    headers = {**headers, "Content-Type": "application/json"}
    return client.request(method, url, content=json.dumps(body), headers=headers)


@pytest.mark.parametrize(
    ("fields", "mentions"),
    [
        ({"hashtags": ["not a tag!"]}, "hashtag"),
        ({"reactions": ["hello"]}, "emoji"),
        ({"reactions": ["<b>"]}, "emoji"),
        ({"reactions": []}, "reactions"),
        ({"languages": ["fr"]}, "languages"),
        ({"moderation": "never"}, "moderation"),
        ({"slug": "Bad Slug"}, "slug"),
        ({"title": ""}, "title"),
        ({"title": "\u0000\u0001 "}, "title"),
        ({"reactions": ["\ud83d"]}, "emoji"),  # half an emoji: once stored, every page 500'd
        ({"reactions": ["👏\u0000"]}, "emoji"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_board_settings_are_422_with_a_readable_detail(
    client: TestClient, fields: dict[str, Any], mentions: str
) -> None:
    body = {"title": "Talk", **fields}
    response = send_json(client, "POST", "/api/boards", body, admin_headers())
    assert response.status_code == 422
    assert mentions in detail(response)


def test_titles_labels_and_blocklist_words_are_stored_as_pages_can_show_them(
    client: TestClient,
) -> None:
    """Control characters and lone surrogates never reach SQLite: a lone surrogate in a
    stored board broke every page, socket and export that showed it."""
    created = send_json(
        client, "POST", "/api/boards", {"title": "Keynote\u0000 \u0007day"}, admin_headers()
    )
    assert created.status_code == 201
    assert created.json()["title"] == "Keynote day"
    auth = {"Authorization": f"Bearer {created.json()['token']}"}
    url = f"/api/boards/{created.json()['slug']}"
    renamed = client.patch(url, json={"title": "\u0007Demo\u202e"}, headers=auth)
    assert renamed.json()["title"] == "Demo"
    segment = client.post(f"{url}/segments", json={"label": "Q&A\u0001"}, headers=auth)
    assert segment.json()["label"] == "Q&A"
    assert client.post(f"{url}/segments", json={"label": "\u0001"}, headers=auth).status_code == 422
    broken = send_json(client, "PATCH", url, {"blocklist": ["spam\ud800"]}, auth)
    assert broken.status_code == 422
    for path in (url, f"{url}/tally", f"/b/{created.json()['slug']}"):
        assert client.get(path).status_code == 200


def test_get_board_is_public_and_has_no_secrets(client: TestClient, board: NewBoard) -> None:
    response = client.get(f"/api/boards/{board.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == board.slug
    assert body["join_code"] == board.join_code
    assert "token" not in body
    assert "token_hash" not in body
    assert board.token not in response.text


def test_unknown_board_is_404(client: TestClient) -> None:
    response = client.get("/api/boards/nope")
    assert response.status_code == 404
    assert "nope" in detail(response)


# -- changing boards --


def test_patch_needs_the_organiser_token(client: TestClient, board: NewBoard) -> None:
    url = f"/api/boards/{board.slug}"
    assert client.patch(url, json={"title": "x"}).status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert client.patch(url, json={"title": "x"}, headers=wrong).status_code == 403
    other = make_board(client, title="Other")
    assert client.patch(url, json={"title": "x"}, headers=other.auth).status_code == 403
    assert client.get(url).json()["title"] == "Test talk"


def test_patch_changes_title_open_and_moderation(client: TestClient, board: NewBoard) -> None:
    url = f"/api/boards/{board.slug}"
    changes = {"title": "  Renamed  ", "open": False, "moderation": "pre"}
    response = client.patch(url, json=changes, headers=board.auth)
    assert response.status_code == 200
    body = client.get(url).json()
    assert (body["title"], body["open"], body["moderation"]) == ("Renamed", False, "pre")


def test_the_admin_token_may_patch_any_board(client: TestClient, board: NewBoard) -> None:
    response = client.patch(
        f"/api/boards/{board.slug}", json={"title": "By admin"}, headers=admin_headers()
    )
    assert response.status_code == 200
    assert response.json()["title"] == "By admin"


def test_the_word_cloud_follows_a_change_of_hashtags(client: TestClient, board: NewBoard) -> None:
    for text in ("pycon keynote rocks", "pycon keynote"):
        assert client.post(reactions_url(board), json={"text": text}).status_code == 201
    words = {w["word"] for w in tally(client, board)["words"]}
    assert {"pycon", "keynote"} <= words
    changed = client.patch(
        f"/api/boards/{board.slug}", json={"hashtags": ["PyCon"]}, headers=board.auth
    )
    assert changed.status_code == 200
    words = {w["word"] for w in tally(client, board)["words"]}
    assert "pycon" not in words
    assert "keynote" in words


def test_patch_with_null_or_bad_values_is_422(client: TestClient, board: NewBoard) -> None:
    url = f"/api/boards/{board.slug}"
    assert client.patch(url, json={"title": None}, headers=board.auth).status_code == 422
    assert client.patch(url, json={"languages": ["de"]}, headers=board.auth).status_code == 422
    assert client.get(url).json()["title"] == "Test talk"


# -- reactions --


def test_post_reaction_is_201_with_the_stored_reaction(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    response = client.post(reactions_url(board), json={"text": "What a great demo!", "emoji": "👏"})
    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["label"] == "positive"
    assert 0 < body["score"] <= 1
    assert body["lang"] == "en"
    assert body["status"] == "visible"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", body["received_at"])
    assert stored_rows(settings) == 1
    assert tally(client, board)["total"] == 1


def test_duplicate_client_id_is_200_with_the_same_id_and_counted_once(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    body = {"text": "nice", "client_id": "phone-1:abc"}
    first = client.post(reactions_url(board), json=body)
    retry = client.post(reactions_url(board), json={**body, "text": "changed"})
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert tally(client, board)["total"] == 1
    assert stored_rows(settings) == 1


def test_emoji_is_accepted_without_its_variation_selector(
    client: TestClient, board: NewBoard
) -> None:
    response = client.post(reactions_url(board), json={"emoji": "❤"})
    assert response.status_code == 201
    assert tally(client, board)["emoji"] == {"❤️": 1}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"text": "   ", "emoji": ""}, 422),
        ({"emoji": "🍕"}, 422),
        ({"text": "a" * 501}, 413),
        ({"text": "hi", "extra": 1}, 422),
        ({"text": "hi", "client_id": "has spaces!"}, 422),
        ({"text": 5}, 422),
        ({"text": "x" * 5001}, 422),
    ],
)
def test_bad_reactions_are_refused_and_nothing_is_stored(
    client: TestClient,
    board: NewBoard,
    settings: Settings,
    body: dict[str, Any],
    status: int,
) -> None:
    response = client.post(reactions_url(board), json=body)
    assert response.status_code == status
    detail(response)
    assert tally(client, board)["total"] == 0
    assert stored_rows(settings) == 0


def test_unknown_emoji_detail_lists_the_offered_emoji(client: TestClient, board: NewBoard) -> None:
    response = client.post(reactions_url(board), json={"emoji": "🍕"})
    assert "👏" in detail(response)


def test_malformed_json_is_400_and_nothing_is_stored(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    response = client.post(
        reactions_url(board), content=b'{"text": "hi"', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in detail(response)
    assert stored_rows(settings) == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"text": "hi", "client_id": NaN}', "application/json"),
        (b'{"text": "\xff\xfe"}', "application/json"),
        (b"null", "application/json"),
        (b'{"text": "hi"}', "text/plain"),
        (b"text=hi", "application/x-www-form-urlencoded"),
    ],
    ids=["NaN", "not UTF-8", "null", "text/plain", "form"],
)
def test_bodies_that_are_not_a_reaction_object_are_4xx_and_nothing_is_stored(
    client: TestClient, board: NewBoard, settings: Settings, body: bytes, content_type: str
) -> None:
    response = client.post(
        reactions_url(board), content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code in (400, 422)
    detail(response)
    assert stored_rows(settings) == 0


def test_reaction_to_an_unknown_board_is_404(client: TestClient, settings: Settings) -> None:
    response = client.post("/api/boards/nope/reactions", json={"text": "hi"})
    assert response.status_code == 404
    detail(response)
    assert stored_rows(settings) == 0


def test_body_over_the_limit_with_content_length_is_413(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    big = b'{"text": "' + b"a" * settings.max_body_bytes + b'"}'
    response = client.post(
        reactions_url(board), content=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert str(settings.max_body_bytes) in detail(response)
    assert tally(client, board)["total"] == 0
    assert stored_rows(settings) == 0


def test_chunked_body_over_the_limit_is_413(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(settings.max_body_bytes // 1024 + 2):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        reactions_url(board), content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    detail(response)
    assert tally(client, board)["total"] == 0
    assert stored_rows(settings) == 0


def test_a_closed_board_refuses_reactions_with_403(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    client.patch(f"/api/boards/{board.slug}", json={"open": False}, headers=board.auth)
    response = client.post(reactions_url(board), json={"emoji": "👏"})
    assert response.status_code == 403
    assert "closed" in detail(response)
    assert stored_rows(settings) == 0


def test_pre_moderated_text_is_held_and_not_counted(client: TestClient, board: NewBoard) -> None:
    client.patch(f"/api/boards/{board.slug}", json={"moderation": "pre"}, headers=board.auth)
    response = client.post(reactions_url(board), json={"text": "a secret question"})
    assert response.status_code == 201
    assert response.json()["status"] == "held"
    snapshot = client.get(f"/api/boards/{board.slug}/tally").json()
    assert snapshot["tally"]["total"] == 0
    assert "secret" not in str(snapshot)


# -- tally and segments --


def test_tally_has_the_contract_fields(client: TestClient, board: NewBoard) -> None:
    client.post(reactions_url(board), json={"text": "Brilliant demo", "emoji": "👏"})
    client.post(reactions_url(board), json={"text": "Saai verhaal, jammer"})
    response = client.get(f"/api/boards/{board.slug}/tally")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "snapshot"
    assert isinstance(body["seq"], int)
    assert body["board"]["slug"] == board.slug
    tally_body = body["tally"]
    assert set(tally_body) >= TALLY_FIELDS
    assert tally_body["total"] == 2
    assert tally_body["positive"] + tally_body["neutral"] + tally_body["negative"] == 2
    assert -1 <= tally_body["mood"] <= 1
    assert tally_body["emoji"] == {"👏": 1}
    assert tally_body["sources"] == {"api": 2}
    assert tally_body["languages"] == {"en": 1, "nl": 1}
    assert sum(point["count"] for point in tally_body["timeline"]) == 2
    assert {"brilliant", "demo"} <= {item["word"] for item in tally_body["words"]}
    assert [item["text"] for item in body["recent"]] == ["Saai verhaal, jammer", "Brilliant demo"]


def test_segments_set_the_segment_of_later_reactions(client: TestClient, board: NewBoard) -> None:
    before = client.post(reactions_url(board), json={"text": "early"}).json()
    started = client.post(
        f"/api/boards/{board.slug}/segments", json={"label": "Demo"}, headers=board.auth
    )
    assert started.status_code == 201
    assert started.json()["label"] == "Demo"
    after = client.post(reactions_url(board), json={"text": "during the demo"}).json()
    assert before["segment"] is None
    assert after["segment"] == "Demo"
    assert tally(client, board)["segments"] == [
        {"label": "Demo", "count": 1, "mood": after["score"]}
    ]
    assert client.get(f"/api/boards/{board.slug}").json()["segment"] == "Demo"


def test_starting_a_segment_needs_the_organiser_token(client: TestClient, board: NewBoard) -> None:
    response = client.post(f"/api/boards/{board.slug}/segments", json={"label": "Demo"})
    assert response.status_code == 401
    assert client.get(f"/api/boards/{board.slug}").json()["segment"] is None


def test_two_boards_keep_separate_tallies(client: TestClient, board: NewBoard) -> None:
    other = make_board(client, title="Other talk")
    for _ in range(3):
        client.post(reactions_url(board), json={"emoji": "👏"})
    client.post(reactions_url(other), json={"emoji": "👎"})
    assert tally(client, board)["total"] == 3
    assert tally(client, board)["emoji"] == {"👏": 3}
    assert tally(client, other)["total"] == 1
    assert tally(client, other)["emoji"] == {"👎": 1}


def test_the_same_client_id_on_two_boards_is_two_reactions(
    client: TestClient, board: NewBoard
) -> None:
    other = make_board(client, title="Other talk")
    body = {"emoji": "👏", "client_id": "same"}
    assert client.post(reactions_url(board), json=body).status_code == 201
    assert client.post(reactions_url(other), json=body).status_code == 201


# -- docs, health, headers --


def test_openapi_lists_the_contract_paths(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "/api/boards": {"post"},
        "/api/boards/{slug}": {"get", "patch"},
        "/api/boards/{slug}/reactions": {"get", "post"},
        "/api/boards/{slug}/reactions/{reaction_id}": {"patch"},
        "/api/boards/{slug}/segments": {"post"},
        "/api/boards/{slug}/tally": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths
        assert methods <= set(paths[path])


def test_docs_page_loads_only_local_assets(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    page = response.text
    assert "swagger-ui" in page
    assert "http" not in page.replace('href="/', "").replace('src="/', "")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith("/")
        assert not asset.startswith("//")
        assert client.get(asset).status_code == 200, asset


def test_healthz_is_200(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_counts_the_writers_commits(client: TestClient, board: NewBoard) -> None:
    before = client.get("/healthz").json()["writer"]
    for n in range(3):
        assert client.post(reactions_url(board), json={"text": f"nice {n}"}).status_code == 201
    after = client.get("/healthz").json()["writer"]
    assert after["committed"] - before["committed"] == 3
    assert 1 <= after["batches"] - before["batches"] <= 3
    assert after["queued"] == 0


@pytest.mark.parametrize("path", ["/healthz", "/docs", "/api/boards/{slug}"])
def test_security_headers_are_on_every_response(
    client: TestClient, board: NewBoard, path: str
) -> None:
    response = client.get(path.format(slug=board.slug))
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_responses_carry_the_security_headers(client: TestClient) -> None:
    response = client.get("/api/boards/nope")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


def test_the_projector_page_may_be_framed(client: TestClient, board: NewBoard) -> None:
    response = client.get(f"/b/{board.slug}/screen")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors" in csp
    assert "frame-ancestors 'none'" not in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_other_board_pages_may_not_be_framed(client: TestClient, board: NewBoard) -> None:
    response = client.get(f"/b/{board.slug}")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_database_that_refuses_the_write_is_503_and_keeps_what_was_stored(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    assert client.post(reactions_url(board), json={"text": "before"}).status_code == 201
    refuse_inserts(settings)
    response = client.post(reactions_url(board), json={"text": "during", "client_id": "c1"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "try again" in response.json()["detail"]
    assert "disk trouble" not in response.text  # no database internals for the sender
    assert stored_rows(settings) == 1
    assert tally(client, board)["total"] == 1


def test_a_retry_after_a_503_is_stored_once(
    client: TestClient, board: NewBoard, settings: Settings
) -> None:
    refuse_inserts(settings)
    body = {"text": "again", "client_id": "c2"}
    assert client.post(reactions_url(board), json=body).status_code == 503
    refuse_inserts(settings, refuse=False)
    assert client.post(reactions_url(board), json=body).status_code == 201
    assert client.post(reactions_url(board), json=body).status_code == 200
    assert stored_rows(settings) == 1
