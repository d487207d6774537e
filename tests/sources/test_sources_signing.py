"""Signature helpers: constant-time comparison, timestamp window, base64 secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from scoreboard.sources.base import ConfigError, Inbound, SignatureError, StaleError
from scoreboard.sources.signing import (
    b64,
    check_timestamp,
    decode_b64_secret,
    hmac_sha256,
    require_header,
    require_secret,
    same,
)

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_hmac_sha256_matches_the_standard_library() -> None:
    expected = hmac.new(b"key", b"message", hashlib.sha256).digest()
    assert hmac_sha256(b"key", b"message") == expected
    assert b64(expected) == base64.b64encode(expected).decode()


def test_same_compares_text_and_bytes() -> None:
    assert same("sha256=abc", b"sha256=abc")
    assert not same("sha256=abc", "sha256=abd")
    assert not same("sha256=abc", "sha256=ab")


def test_check_timestamp_accepts_five_minutes_either_way() -> None:
    edge = int(NOW.timestamp())
    assert check_timestamp(str(edge - 300), NOW) == edge - 300
    assert check_timestamp(str(edge + 300), NOW) == edge + 300


@pytest.mark.parametrize("offset", [-301, 301, -86_400])
def test_check_timestamp_rejects_anything_further_as_stale(offset: int) -> None:
    with pytest.raises(StaleError):
        check_timestamp(str(int(NOW.timestamp()) + offset), NOW)


@pytest.mark.parametrize("raw", ["", "12.5", "abc", "1e9"])
def test_check_timestamp_rejects_non_integers(raw: str) -> None:
    with pytest.raises(SignatureError) as caught:
        check_timestamp(raw, NOW)
    assert not isinstance(caught.value, StaleError)


def test_check_timestamp_window_is_configurable() -> None:
    old = str(int((NOW - timedelta(seconds=30)).timestamp()))
    with pytest.raises(StaleError):
        check_timestamp(old, NOW, timedelta(seconds=10))


def test_decode_b64_secret_accepts_unpadded_base64() -> None:
    assert decode_b64_secret("c2VjcmV0", "s") == b"secret"
    assert decode_b64_secret("c2VjcmV0MQ", "s") == b"secret1"


@pytest.mark.parametrize("secret", ["", "not base64!", "===="])
def test_decode_b64_secret_reports_bad_secrets_as_configuration(secret: str) -> None:
    with pytest.raises(ConfigError):
        decode_b64_secret(secret, "secret")


def test_require_header_and_secret_refuse_empty_values() -> None:
    inbound = Inbound(method="POST", headers={"X-Sig": " "}, body=b"")
    with pytest.raises(SignatureError):
        require_header(inbound, "x-sig")
    with pytest.raises(ConfigError):
        require_secret("")


def test_error_messages_never_contain_the_secret() -> None:
    secret = "super-secret-value"
    with pytest.raises(ConfigError) as caught:
        decode_b64_secret(secret + "!", "Teams security token")
    assert secret not in str(caught.value)
