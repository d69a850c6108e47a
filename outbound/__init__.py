"""The one way the studio and the emulator fetch or post anything over HTTP.

Only http(s); each host's resolved addresses are checked (internal ones refused unless the
host is allow-listed, see `addresses`) and the connection goes to the checked address; every
redirect is checked again, and there are at most MAX_REDIRECTS of them. `download` adds an
overall deadline and a size cap that refuses a declared Content-Length before reading.
"""

from __future__ import annotations

import time
from typing import BinaryIO
from urllib.parse import urlsplit

import httpx

from outbound.addresses import checked_address
from outbound.errors import BadStatus, FetchError, Refused, TooLarge
from outbound.transport import SCHEMES, GuardedTransport

__all__ = ["BadStatus", "FetchError", "Refused", "TooLarge", "check_url", "client", "download"]

MAX_REDIRECTS = 3
USER_AGENT = "producer-studio"


def client(
    *,
    timeout: float | httpx.Timeout = 30.0,
    transport: httpx.BaseTransport | None = None,
    follow_redirects: bool = True,
    extra_allowed: frozenset[tuple[str, int]] = frozenset(),
    **kwargs,
) -> httpx.Client:
    """An httpx client whose every request (and redirect) goes through the guard.

    Proxies from the environment are ignored: they would connect somewhere unchecked.
    """
    kwargs.setdefault("headers", {"User-Agent": USER_AGENT})
    return httpx.Client(
        transport=GuardedTransport(transport, extra_allowed=extra_allowed),
        timeout=timeout,
        follow_redirects=follow_redirects,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
        **kwargs,
    )


def check_url(url: str) -> None:
    """Raise Refused when `url` could not be fetched: for a form, before anything is sent."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise Refused("The address has an invalid port.") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise Refused("Only http and https addresses can be fetched.")
    checked_address(parts.hostname, port or SCHEMES[parts.scheme], connect=False)


def size_text(limit: int) -> str:
    """A byte limit the way users see it everywhere: whole MB (1 MB = 1024 * 1024 bytes)."""
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def download(
    url: str,
    into: BinaryIO,
    *,
    limit: int,
    deadline: float,
    read_timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> str:
    """Copy `url`'s body into `into`; returns the declared content type (lowercase, bare).

    Refused (policy), TooLarge (over `limit`) or FetchError (HTTP status, network, over
    `deadline` seconds in all) otherwise; `into` may then hold part of the body.
    """
    ends = time.monotonic() + deadline
    timeout = httpx.Timeout(min(read_timeout, deadline), connect=min(10.0, deadline))
    try:
        with (
            client(timeout=timeout, transport=transport) as http,
            http.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise BadStatus(
                    f"The file server answered HTTP {response.status_code}.", response.status_code
                )
            declared = response.headers.get("content-length", "")
            if declared.isascii() and declared.isdigit() and int(declared[:20]) > limit:
                raise TooLarge(f"The file is larger than {size_text(limit)}.")
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"The file is larger than {size_text(limit)}.")
                if time.monotonic() > ends:
                    raise FetchError(f"The download took longer than {deadline:g} seconds.")
                into.write(chunk)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    except httpx.TooManyRedirects:
        raise Refused(f"The address redirected more than {MAX_REDIRECTS} times.") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Could not download the file ({type(exc).__name__}).") from exc
    if size == 0:
        raise FetchError("The file server sent an empty file.")
    return kind
