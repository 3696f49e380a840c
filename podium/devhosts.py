"""Which Host and Origin headers the dev server answers: its own names only.

A page of another site can make the browser send requests to a server on this machine through a
DNS name of its own that it points at 127.0.0.1 (DNS rebinding); those requests carry that name as
their Host, and the page's origin as their Origin. So the server answers only to `localhost`, the
loopback addresses (127.0.0.0/8 parsed as an address, never as a prefix of a name, and `[::1]`),
the address it was told to listen on, and, listening on every address, to this machine's
addresses and host name. Names are compared whole: `127.0.0.1.evil.example` is another site.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

WILDCARDS = ("", "0.0.0.0", "::")
"""Addresses that mean "every address of this machine"."""


def split_host(host: str) -> tuple[str, int | None] | None:
    """A Host header's name (lower case, without brackets) and port; None when it is not one."""
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket:
            return None
    else:
        name, _, rest = host.partition(":")
        rest = ":" + rest if _ else ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and rest[1:].isascii()):
        return None
    return (name, int(rest[1:]) if rest else None) if name else None


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def host_allowed(host: str, bound: str = "127.0.0.1") -> bool:
    """Whether a request's Host header names this server: `localhost`, a loopback address
    (127.0.0.0/8, `[::1]`), the address it was told to listen on (`bound`) or, listening on every
    address, any address of this machine (an IP, or its host name). A page of another site that
    reaches the server through a DNS name of its own pointing here carries that name: refused."""
    found = split_host(host)
    if found is None:
        return False
    name, _ = found
    address = _address(name)
    if name == "localhost" or (address is not None and address.is_loopback):
        return True
    bound = bound.strip("[]").lower()
    if bound in WILDCARDS:
        return address is not None or name in _machine_names()
    bound_address = _address(bound)
    return name == bound if bound_address is None else address == bound_address


def _machine_names() -> tuple[str, ...]:
    name = socket.gethostname().lower()
    return (name, name + ".local") if name else ()


def served_names(bound: str) -> str:
    """The host names a server listening on `bound` answers to, for a message."""
    names = "localhost and loopback addresses"
    if bound.strip("[]") in WILDCARDS:
        return names + ", this machine's addresses and its host name"
    address = _address(bound.strip("[]"))
    return names if bound == "localhost" or (address is not None and address.is_loopback) else f"{names} and {bound}"


def same_origin(origin: str, host: str) -> bool:
    """Whether a page's Origin (`http://name:port`) is this server's own under the Host it asked."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        return False
    found = split_host(host)
    if parts.scheme != "http" or not parts.hostname or found is None or parts.path or parts.query:
        return False
    return (parts.hostname, port or 80) == (found[0], found[1] or 80)
