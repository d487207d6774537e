"""The guard around every request, on a real server: a sender who leaves mid-upload."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from tests.conftest import LiveServer, NewBoard, make_board

PARTIAL = b'{"text": "hal'  # 13 of the 100 bytes announced


def hang_up_mid_body(server: LiveServer, path: str, content_type: str) -> None:
    """Announce 100 bytes, send 13, close: what a phone does when the Wi-Fi drops."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(head + PARTIAL)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/boards/{slug}/reactions", "application/json"),
        ("/b/{slug}", "application/x-www-form-urlencoded"),
        ("/b/{slug}", "multipart/form-data; boundary=x"),
        ("/b/{slug}/report/session", "application/json"),
        ("/hooks/{slug}/webhook", "application/json"),
    ],
)
def test_a_sender_who_leaves_mid_upload_is_no_error(
    live_server: LiveServer, path: str, content_type: str
) -> None:
    with httpx.Client(base_url=live_server.url, timeout=5) as http:
        board: NewBoard = make_board(http)
        hang_up_mid_body(live_server, path.format(slug=board.slug), content_type)
        time.sleep(0.3)  # a traceback would be logged as soon as the server reads the EOF
        # the server answers the next request, stored nothing, and logged no traceback
        tally = http.get(f"/api/boards/{board.slug}/tally").json()["tally"]
    assert tally["total"] == 0
    assert "Traceback" not in live_server.output
    assert "ClientDisconnect" not in live_server.output
