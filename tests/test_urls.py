"""The join URL points at an address phones can reach."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import pytest

from scoreboard.urls import base_url, lan_address


def test_public_url_wins_and_loses_its_trailing_slash() -> None:
    public = "https://talk.example.org/"
    assert base_url("0.0.0.0", 8000, public) == "https://talk.example.org"  # noqa: S104
    assert base_url("127.0.0.1", 9000, "https://x.test/sb") == "https://x.test/sb"


def test_a_specific_host_and_port_are_used_as_given() -> None:
    assert base_url("192.168.1.20", 8000, None) == "http://192.168.1.20:8000"
    assert base_url("scoreboard.local", 8080, None) == "http://scoreboard.local:8080"


def test_port_80_is_left_out() -> None:
    assert base_url("192.168.1.20", 80, None) == "http://192.168.1.20"


def test_ipv6_hosts_are_bracketed() -> None:
    assert base_url("fe80::1", 8000, None) == "http://[fe80::1]:8000"
    assert base_url("2001:db8::5", 80, None) == "http://[2001:db8::5]"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])  # noqa: S104
def test_all_interfaces_becomes_a_lan_address_or_loopback(host: str) -> None:
    url = base_url(host, 8000, None)
    parts = urlsplit(url)
    assert parts.scheme == "http"
    assert parts.port == 8000
    assert parts.hostname is not None
    address = ipaddress.ip_address(parts.hostname)
    assert not address.is_unspecified
    lan = lan_address()
    if lan is None:
        assert parts.hostname == "127.0.0.1"
    else:
        assert parts.hostname == lan
        assert not address.is_loopback


def test_lan_address_is_never_loopback_unspecified_or_link_local() -> None:
    found = lan_address()
    if found is not None:
        address = ipaddress.ip_address(found)
        assert address.version == 4
        assert not (address.is_loopback)
        assert not (address.is_unspecified)
        assert not (address.is_link_local)
