"""Which addresses the studio and the emulator may connect to, and which hosts are exempt.

A name is resolved once; every address it resolves to must be public, and the connection
then goes to the first of those checked addresses (see `transport`), so a second DNS answer
cannot point it somewhere else.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

from outbound.errors import Refused

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Names that only ever mean this machine or a private network.
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


# Replaced in tests (a name that resolves to loopback without touching real DNS).
RESOLVER: Callable[[str, int], list[str]] = _resolve


def is_internal(address: Address) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified, shared (CGNAT),
    IPv6 unique- and site-local, and IPv4 addresses hidden in IPv6 ones that are any of these."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and is_internal(embedded):
            return True
        if address.teredo or address.is_site_local:
            return True
    return not address.is_global or address.is_multicast


def _host_port(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return ((parts.hostname or "").lower(), port) if parts.hostname else None


def internal_name(host: str) -> bool:
    """A name that is internal without asking DNS (an IP literal or a local-only name)."""
    try:
        return is_internal(ipaddress.ip_address(host))
    except ValueError:
        host = host.lower().rstrip(".")
        return host == "localhost" or "." not in host or host.endswith(INTERNAL_SUFFIXES)


def allowed_hosts() -> set[tuple[str, int | None]]:
    """(host, port) pairs exempt from the address check; port None means any port.

    OUTBOUND_ALLOWED_HOSTS, plus the emulator's own host and port when it is enabled, plus
    TTAPI_BASE_URL's when that is an internal address (a local double of the API, or an
    operator's internal proxy, whose result files are then trusted too).
    """
    allowed: set[tuple[str, int | None]] = set()
    for entry in settings.OUTBOUND_ALLOWED_HOSTS:
        pair = _host_port(f"http://{entry}")
        if pair:
            allowed.add((pair[0], pair[1] if ":" in entry.rsplit("]", 1)[-1] else None))
    if settings.EMULATOR_ENABLED and (pair := _host_port(settings.EMULATOR_BASE_URL)):
        allowed.add(pair)
    base = _host_port(settings.TTAPI_BASE_URL)
    if base and internal_name(base[0]):
        allowed.add(base)
    return allowed


def is_allowed(host: str, port: int, extra: frozenset[tuple[str, int]] = frozenset()) -> bool:
    host = host.lower().strip("[]")
    pairs = allowed_hosts() | set(extra)
    return (host, port) in pairs or (host, None) in pairs


def checked_address(
    host: str, port: int, extra: frozenset[tuple[str, int]] = frozenset(), *, connect: bool = True
) -> str | None:
    """The address to connect to for host:port; raises Refused when it is internal.

    With `connect` off (nothing will connect: a form's check, a test transport) an
    allow-listed host is not resolved and None is returned for it.
    """
    bare = host.strip("[]")
    allowed = is_allowed(bare, port, extra)
    if allowed and not connect:
        return None
    try:
        literal = ipaddress.ip_address(bare)
    except ValueError:
        literal = None
    if literal is not None:
        if not allowed and is_internal(literal):
            raise Refused(f"{host} is an internal address; only public addresses are fetched.")
        return str(literal)
    if not allowed and internal_name(bare):
        raise Refused(f"{host} is an internal host name; only public addresses are fetched.")
    try:
        answers = [ipaddress.ip_address(a.split("%")[0]) for a in RESOLVER(bare, port)]
    except (OSError, UnicodeError, ValueError):
        raise Refused(f"The host name {host} could not be resolved.") from None
    if not answers:
        raise Refused(f"The host name {host} could not be resolved.")
    if not allowed:
        for answer in answers:
            if is_internal(answer):
                raise Refused(
                    f"{host} resolves to an internal address ({answer}); "
                    "only public addresses are fetched."
                )
    return str(answers[0])
