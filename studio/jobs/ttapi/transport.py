"""HTTP to TTAPI, for every engine: the key header, the retry policy and typed errors.

A POST can spend the user's money, so it is sent at most once: only failures that happen
before the request leaves (cannot connect) are retried. Anything after that raises with
`ambiguous=True` and the caller reconciles. A GET (fetch) is idempotent and retried freely.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

import outbound
from contract.errors import (
    ActionRetired,
    BadKey,
    BadRequest,
    BalanceExhausted,
    Blocked,
    ConnectionFailed,
    NotFound,
    NotJSON,
    QueueFull,
    RateLimited,
    ServerError,
    Timeout,
    TTAPIError,
)

from . import config

logger = logging.getLogger(__name__)

PROVIDER_MESSAGE_LIMIT = 300

SCHEME_PORTS = {"http": 80, "https": 443}
# Failures where the request never left this machine: safe to retry, even a POST.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

STATUS_ERRORS: dict[int, type[TTAPIError]] = {
    400: BadRequest,
    401: BadKey,
    402: BalanceExhausted,
    403: Blocked,
    404: NotFound,
    410: ActionRetired,
    429: RateLimited,
    499: QueueFull,
}

MAYBE_CREATED = (
    " The job may still have been created, so it will be checked rather than sent again."
)


def _header_safe(value: str) -> bool:
    return all(0x21 <= ord(char) <= 0x7E for char in value)


def _maybe_created(status: int) -> bool:
    """Statuses after which a POST may have created a job."""
    return status == 408 or status >= 500 or 200 <= status < 300


def sentence(text: str) -> str:
    text = text.strip()[:PROVIDER_MESSAGE_LIMIT]
    return text if not text or text[-1] in ".!?" else text + "."


class Transport:
    # Pauses before each retry of a request that could not be sent; one retry per entry.
    retry_delays: tuple[float, ...] = (0.25, 0.75)

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        base = (base_url or config.base_url()).rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"TTAPI base URL must be an http(s) URL, not {base!r}.")
        self.base_url = base
        self.api_key = (api_key or "").strip()
        # A key that cannot travel in a header is refused per call, like a wrong one.
        self._key_unusable = not _header_safe(self.api_key)
        read = timeout if timeout and timeout > 0 else config.read_timeout()
        # The guarded path (outbound): this client's own base is trusted, as configured.
        origin = (parts.hostname.lower(), parts.port or SCHEME_PORTS[parts.scheme])
        self._http = outbound.client(
            base_url=base,
            headers={
                "TT-API-KEY": "" if self._key_unusable else self.api_key,
                "Accept": "application/json",
                "User-Agent": "producer-studio",
            },
            timeout=httpx.Timeout(read, connect=config.CONNECT_TIMEOUT),
            transport=transport,
            follow_redirects=False,
            extra_allowed=frozenset({origin}),
        )

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, what: str = "", **kwargs: Any) -> tuple[int, Any]:
        """Send with the retry policy; the status and decoded JSON body of a 2xx answer.

        `path` is the API path under the base URL (`/producer/v1/music`); `what` names the
        action in the message of a 410."""
        if self._key_unusable:
            raise BadKey("The API key contains characters an API key cannot have.")
        idempotent = method == "GET"
        attempt = 0
        while True:
            error: TTAPIError
            try:
                response = self._http.request(method, path, **kwargs)
            except NOT_SENT as exc:
                error = ConnectionFailed()
                error.__cause__ = exc
            except outbound.Refused as exc:
                raise ConnectionFailed(f"The music service's address was refused: {exc}") from exc
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
                # Refused locally before anything went out; retrying cannot help.
                raise ConnectionFailed("Could not send the request to the music service.") from exc
            except httpx.TimeoutException as exc:  # read or write: the request went out
                error = Timeout(
                    Timeout.default_message + ("" if idempotent else MAYBE_CREATED),
                    ambiguous=not idempotent,
                )
                error.__cause__ = exc
            except httpx.TransportError as exc:  # cut mid-exchange, bad protocol ...
                error = ConnectionFailed(
                    "The connection to the music service broke before it answered."
                    + ("" if idempotent else MAYBE_CREATED),
                    ambiguous=not idempotent,
                )
                error.__cause__ = exc
            else:
                try:
                    return response.status_code, self._read(response, idempotent, what)
                except (ServerError, NotJSON) as exc:
                    if not idempotent:
                        raise
                    error = exc
            retryable = idempotent or isinstance(error.__cause__, NOT_SENT)
            if not retryable or attempt >= len(self.retry_delays):
                raise error from error.__cause__
            time.sleep(self.retry_delays[attempt])
            attempt += 1

    def _read(self, response: httpx.Response, idempotent: bool, what: str) -> Any:
        status = response.status_code
        text = response.text
        try:
            body = json.loads(text) if text.strip() else None
        except ValueError:
            body = None
            if not (400 <= status < 500 and status != 408):
                maybe = _maybe_created(status) and not idempotent
                raise NotJSON(
                    f"The music service answered with a page instead of data (HTTP {status})."
                    + (MAYBE_CREATED if maybe else ""),
                    status=status,
                    raw=text,
                    ambiguous=maybe,
                ) from None
        if 200 <= status < 300:
            return body
        raise _status_error(status, body if body is not None else text, idempotent, what)

    def log(self, exc: TTAPIError, what: str) -> None:
        exc.redact(self.api_key)
        level = logging.WARNING if exc.ambiguous else logging.INFO
        logger.log(level, "TTAPI %s failed: %r", what, exc)


def _status_error(status: int, body: Any, idempotent: bool, what: str) -> TTAPIError:
    said = ""
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        said = body["message"].strip()[:PROVIDER_MESSAGE_LIMIT].rstrip(".")
    suffix = f" (the service said: {said})" if said else ""

    if status == 408 or status >= 500:
        maybe = not idempotent
        return ServerError(
            f"The music service had a problem (HTTP {status}){suffix}."
            + (MAYBE_CREATED if maybe else ""),
            status=status,
            raw=body,
            ambiguous=maybe,
        )
    cls = STATUS_ERRORS.get(status)
    if cls is ActionRetired:
        message = f"The provider has retired this action ({what or 'this action'}){suffix}."
    elif cls is BadRequest or (cls is None and 400 <= status < 500):
        cls = BadRequest
        message = (
            f"The music service rejected the request: {said}."
            if said
            else f"The music service rejected the request (HTTP {status})."
        )
    elif cls is None:
        cls = TTAPIError
        message = f"The music service gave an unexpected answer (HTTP {status})."
    else:
        message = cls.default_message + (f" The service said: {said}." if said else "")
    return cls(message, status=status, raw=body)
