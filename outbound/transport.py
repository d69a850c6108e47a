"""An httpx transport that checks each request's host before connecting, then connects to
the address it checked, keeping the original Host header and TLS server name.

httpx sends every redirect through the transport again, so each hop is checked the same way.
"""

from __future__ import annotations

import httpx

from outbound.addresses import checked_address
from outbound.errors import Refused

SCHEMES = {"http": 80, "https": 443}


class GuardedTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        extra_allowed: frozenset[tuple[str, int]] = frozenset(),
    ) -> None:
        # `inner` stands in for the network in tests (the check still runs first).
        self._inner = inner
        self._network = None if inner is not None else httpx.HTTPTransport(retries=0)
        self._extra = extra_allowed

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in SCHEMES or not url.host:
            raise Refused("Only http and https addresses can be fetched.")
        port = url.port or SCHEMES[url.scheme]
        address = checked_address(url.host, port, self._extra, connect=self._inner is None)
        if self._inner is not None:
            return self._inner.handle_request(request)
        assert self._network is not None and address is not None
        extensions = dict(request.extensions)
        if url.scheme == "https":
            # Certificate checked against the name, not the address.
            extensions["sni_hostname"] = url.host
        pinned = httpx.Request(
            request.method,
            url.copy_with(host=address),
            headers=request.headers,  # Host still names the original host
            stream=request.stream,
            extensions=extensions,
        )
        return self._network.handle_request(pinned)

    def close(self) -> None:
        # An injected transport belongs to whoever made it.
        if self._network is not None:
            self._network.close()
