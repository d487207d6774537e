"""Organiser moderation through the API: every reaction listed, decisions reach the tally."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import NewBoard, make_board


def _post(client: TestClient, board: NewBoard, **body: object) -> dict[str, object]:
    response = client.post(f"/api/boards/{board.slug}/reactions", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()
    return data


def _tally(client: TestClient, board: NewBoard) -> dict[str, object]:
    data: dict[str, object] = client.get(f"/api/boards/{board.slug}/tally").json()
    return data


def test_listing_reactions_needs_the_organiser_token(client: TestClient, board: NewBoard) -> None:
    other = make_board(client, title="Other")
    url = f"/api/boards/{board.slug}/reactions"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=other.auth).status_code == 403
    assert client.get(url, headers=board.auth).status_code == 200


def test_hiding_a_reaction_takes_it_out_of_the_public_tally(
    client: TestClient, board: NewBoard
) -> None:
    kept = _post(client, board, text="Brilliant talk")
    hidden = _post(client, board, text="buy cheap stuff at spam.example")
    response = client.patch(
        f"/api/boards/{board.slug}/reactions/{hidden['id']}",
        json={"status": "hidden"},
        headers=board.auth,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "hidden"
    snapshot = _tally(client, board)
    assert snapshot["tally"]["total"] == 1  # type: ignore[index]
    assert [item["id"] for item in snapshot["recent"]] == [kept["id"]]  # type: ignore[attr-defined]
    assert "spam" not in str(snapshot)


def test_pre_moderation_holds_comments_until_approved(client: TestClient) -> None:
    board = make_board(client, title="Careful", moderation="pre")
    held = _post(client, board, text="A question for later")
    assert held["status"] == "held"
    tap = _post(client, board, emoji="👏")
    assert tap["status"] == "visible"
    assert "question" not in str(_tally(client, board))
    listing = client.get(
        f"/api/boards/{board.slug}/reactions", params={"status": "held"}, headers=board.auth
    ).json()
    assert [item["id"] for item in listing["items"]] == [held["id"]]
    assert listing["counts"] == {"visible": 1, "held": 1, "hidden": 0}
    client.patch(
        f"/api/boards/{board.slug}/reactions/{held['id']}",
        json={"status": "visible"},
        headers=board.auth,
    )
    snapshot = _tally(client, board)
    assert [item["text"] for item in snapshot["recent"]] == ["A question for later"]  # type: ignore[attr-defined]


def test_pinning_shows_one_pinned_message(client: TestClient, board: NewBoard) -> None:
    first = _post(client, board, text="First question")
    second = _post(client, board, text="Second question")
    url = f"/api/boards/{board.slug}/reactions"
    client.patch(f"{url}/{first['id']}", json={"pinned": True}, headers=board.auth)
    client.patch(f"{url}/{second['id']}", json={"pinned": True}, headers=board.auth)
    pinned = _tally(client, board)["tally"]["pinned"]  # type: ignore[index]
    assert pinned["id"] == second["id"]
    listing = client.get(url, headers=board.auth).json()["items"]
    assert {item["id"]: item["pinned"] for item in listing} == {
        first["id"]: False,
        second["id"]: True,
    }


def test_moderating_an_unknown_or_foreign_reaction_is_404(
    client: TestClient, board: NewBoard
) -> None:
    other = make_board(client, title="Other")
    foreign = _post(client, other, text="not yours")
    url = f"/api/boards/{board.slug}/reactions"
    assert (
        client.patch(f"{url}/999999", json={"status": "hidden"}, headers=board.auth).status_code
        == 404
    )
    response = client.patch(f"{url}/{foreign['id']}", json={"status": "hidden"}, headers=board.auth)
    assert response.status_code == 404
    assert _tally(client, other)["tally"]["total"] == 1  # type: ignore[index]


def test_ids_beyond_what_sqlite_stores_are_422_not_500(client: TestClient, board: NewBoard) -> None:
    """SQLite ids are signed 64-bit: a bigger one used to fail inside the driver."""
    url, huge = f"/api/boards/{board.slug}", 2**63
    answers = [
        client.patch(f"{url}/reactions/{huge}", json={"status": "hidden"}, headers=board.auth),
        client.get(f"{url}/reactions", params={"before": 2**64}, headers=board.auth),
        client.post(f"{url}/bans", json={"reaction_id": huge}, headers=board.auth),
        client.delete(f"{url}/bans/{10**20}", headers=board.auth),
    ]
    assert [answer.status_code for answer in answers] == [422] * 4
    assert all(answer.json()["detail"] for answer in answers)
    largest = client.patch(f"{url}/reactions/{huge - 1}", json={"hidden": 1}, headers=board.auth)
    assert largest.status_code == 422  # the id is fine; the body is not
    last = client.patch(
        f"{url}/reactions/{huge - 1}", json={"status": "hidden"}, headers=board.auth
    )
    assert last.status_code == 404


def test_a_bad_decision_is_422(client: TestClient, board: NewBoard) -> None:
    reaction = _post(client, board, text="hello")
    url = f"/api/boards/{board.slug}/reactions/{reaction['id']}"
    assert client.patch(url, json={"status": "deleted"}, headers=board.auth).status_code == 422
    assert client.patch(url, json={}, headers=board.auth).status_code == 422


def test_reactions_page_through_with_next_before(client: TestClient, board: NewBoard) -> None:
    ids = [_post(client, board, text=f"message {n}")["id"] for n in range(5)]
    url = f"/api/boards/{board.slug}/reactions"
    first = client.get(url, params={"limit": 3}, headers=board.auth).json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:3]
    rest = client.get(
        url, params={"limit": 3, "before": first["next_before"]}, headers=board.auth
    ).json()
    assert [item["id"] for item in rest["items"]] == ids[::-1][3:]
    assert rest["next_before"] is None


def test_organiser_page_asks_for_the_token_first(client: TestClient, board: NewBoard) -> None:
    page = client.get(f"/b/{board.slug}/admin")
    assert page.status_code == 401
    assert 'id="token"' in page.text
    assert f'action="/b/{board.slug}/admin/session"' in page.text
    assert "data-csrf" not in page.text


def test_a_curse_is_held_for_review_and_never_shown(client: TestClient, board: NewBoard) -> None:
    held = _post(client, board, text="what a k@nkerzooi")
    assert held["status"] == "held"
    assert "zooi" not in str(_tally(client, board))
    listing = client.get(f"/api/boards/{board.slug}/reactions", headers=board.auth).json()
    assert listing["items"][0]["flag"] == "blocklist"


def test_board_settings_change_the_filters(client: TestClient, board: NewBoard) -> None:
    url = f"/api/boards/{board.slug}"
    assert client.get(f"{url}/settings").status_code == 401
    changed = client.patch(
        url,
        json={"blocklist": ["Competitor*"], "hold_links": False, "hold_mentions": True},
        headers=board.auth,
    )
    assert changed.status_code == 200
    assert changed.json()["blocklist"] == ["competitor*"]
    assert "blocklist" not in client.get(url).json()
    assert _post(client, board, text="CompetitorCorp is better")["status"] == "held"
    assert _post(client, board, text="slides at example.org")["status"] == "visible"
    assert _post(client, board, text="@anna great question")["status"] == "held"
    bad = client.patch(url, json={"blocklist": ["two words"]}, headers=board.auth)
    assert bad.status_code == 422


def test_banning_a_device_hides_its_reactions_now_and_later(
    client: TestClient, board: NewBoard
) -> None:
    client.get(f"/b/{board.slug}")  # the phone page gives this client a device cookie
    troll = _post(client, board, text="first troll message")
    client.cookies.clear()
    client.get(f"/b/{board.slug}")
    other = _post(client, board, text="a fair question")
    response = client.post(
        f"/api/boards/{board.slug}/bans",
        json={"reaction_id": troll["id"], "kind": "device"},
        headers=board.auth,
    )
    assert response.status_code == 201
    assert response.json()["hidden"] == [troll["id"]]
    snapshot = _tally(client, board)
    assert [item["id"] for item in snapshot["recent"]] == [other["id"]]  # type: ignore[attr-defined]
    bans = client.get(f"/api/boards/{board.slug}/bans", headers=board.auth).json()
    assert [(b["kind"], b["value"]) for b in bans] == [("device", None)]


def test_a_banned_phone_is_not_told_through_the_phone_pages_script(
    client: TestClient, board: NewBoard
) -> None:
    client.get(f"/b/{board.slug}")  # this phone's cookie
    script = {"Accept": "application/json"}
    first = client.post(
        f"/b/{board.slug}", data={"text": "troll", "client_id": "t1"}, headers=script
    )
    client.post(
        f"/api/boards/{board.slug}/bans",
        json={"reaction_id": first.json()["id"], "kind": "device"},
        headers=board.auth,
    )
    later = client.post(
        f"/b/{board.slug}", data={"text": "again", "client_id": "t2"}, headers=script
    )
    assert later.status_code == 201
    assert later.json()["status"] == "visible"  # what the phone hears
    retry = client.post(
        f"/b/{board.slug}", data={"text": "troll", "client_id": "t1"}, headers=script
    )
    assert retry.json()["status"] == "visible"  # its first message, hidden by the ban
    assert _tally(client, board)["tally"]["total"] == 0  # type: ignore[index]


def test_a_banned_author_is_stored_hidden_without_being_told(
    client: TestClient, board: NewBoard
) -> None:
    first = _post(client, board, text="spam spam", author="Spammer")
    client.post(
        f"/api/boards/{board.slug}/bans",
        json={"reaction_id": first["id"], "kind": "author"},
        headers=board.auth,
    )
    later = client.post(
        f"/api/boards/{board.slug}/reactions", json={"text": "more spam", "author": "SPAMMER"}
    )
    assert later.status_code == 201
    assert later.json()["status"] == "visible"  # what the sender hears: nothing changed
    listed = client.get(f"/api/boards/{board.slug}/reactions", headers=board.auth).json()
    stored = {item["id"]: item["status"] for item in listed["items"]}
    assert stored[later.json()["id"]] == "hidden"
    assert _tally(client, board)["tally"]["total"] == 0  # type: ignore[index]
    ban_id = client.get(f"/api/boards/{board.slug}/bans", headers=board.auth).json()[0]["id"]
    lifted = client.delete(f"/api/boards/{board.slug}/bans/{ban_id}", headers=board.auth)
    assert lifted.status_code == 204
    again = _post(client, board, text="sorry, a real question", author="Spammer")
    assert again["status"] == "visible"


def test_a_retry_is_answered_only_to_its_own_sender(client: TestClient, board: NewBoard) -> None:
    """A client_id is the sender's: another phone that sends the same one must not read
    the stored reaction back (its text, or that a moderator holds or hid it)."""
    url = f"/api/boards/{board.slug}/reactions"
    client.get(f"/b/{board.slug}")  # this phone's cookie
    first = client.post(url, json={"text": "wait for review http://x.example", "client_id": "a1"})
    assert first.status_code == 201
    assert first.json()["status"] == "held"
    retry = client.post(url, json={"text": "wait for review http://x.example", "client_id": "a1"})
    assert retry.status_code == 200  # the same phone: its reaction, as stored
    assert retry.json()["id"] == first.json()["id"]
    client.cookies.clear()
    client.get(f"/b/{board.slug}")  # another phone on the same network
    other = client.post(url, json={"emoji": "👏", "client_id": "a1"})
    assert other.status_code == 409
    assert "wait for review" not in other.text
    assert "client_id" in other.json()["detail"]
    form = {"text": "see http://x.example", "client_id": "f1"}
    script = {"Accept": "application/json"}
    assert client.post(f"/b/{board.slug}", data=form, headers=script).status_code == 201
    client.cookies.clear()
    client.get(f"/b/{board.slug}")  # a third phone, on the phone page's form
    again = client.post(f"/b/{board.slug}", data={**form, "text": "hi"}, headers=script)
    assert again.status_code == 409
    assert "x.example" not in again.text
    assert _tally(client, board)["tally"]["total"] == 0  # type: ignore[index]


def test_banning_needs_the_organiser_token(client: TestClient, board: NewBoard) -> None:
    reaction = _post(client, board, text="hi")
    url = f"/api/boards/{board.slug}/bans"
    assert client.post(url, json={"reaction_id": reaction["id"]}).status_code == 401
    assert client.get(url).status_code == 401


def test_organiser_statistics_count_held_and_hidden_sentiment(
    client: TestClient, board: NewBoard
) -> None:
    _post(client, board, text="Brilliant, loved it")
    hidden = _post(client, board, text="This is terrible and boring")
    _post(client, board, text="see my-shop.com, great deals")  # held: a link
    client.patch(
        f"/api/boards/{board.slug}/reactions/{hidden['id']}",
        json={"status": "hidden"},
        headers=board.auth,
    )
    stats = client.get(f"/api/boards/{board.slug}/stats", headers=board.auth).json()["by_status"]
    assert stats["visible"]["count"] == 1
    assert stats["visible"]["positive"] == 1
    assert stats["hidden"]["negative"] == 1
    assert stats["hidden"]["mood"] < 0
    assert stats["held"]["count"] == 1
    assert stats["all"]["count"] == 3
    public = _tally(client, board)["tally"]
    assert public["total"] == 1  # type: ignore[index]
