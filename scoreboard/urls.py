"""The base URL phones reach: configured, or this machine's LAN address."""

from __future__ import annotations

import ipaddress
import socket

_ALL_INTERFACES = {"0.0.0.0", "::", ""}  # noqa: S104


def lan_address() -> str | None:
    """This machine's IPv4 address on the local network, if it has one.

    Connecting a UDP socket sends nothing; it only asks the kernel which interface
    would route to a private address.
    """
    candidates: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            candidates.append(str(info[4][0]))
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            candidates.insert(0, probe.getsockname()[0])
    except OSError:
        pass
    for address in candidates:
        ip = ipaddress.ip_address(address)
        if not ip.is_loopback and not ip.is_unspecified and not ip.is_link_local:
            return address
    return None


def base_url(host: str, port: int, public_url: str | None) -> str:
    """Where phones should go: the public URL, else the address we are bound to."""
    if public_url:
        return public_url.rstrip("/")
    if host in _ALL_INTERFACES:
        host = lan_address() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"
