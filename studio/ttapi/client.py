"""The HTTP client of the Producer API.

A POST can spend the user's money, so it is sent at most once: only failures that happen
before the request leaves (cannot connect) are retried. Anything after that raises with
`ambiguous=True` and the caller reconciles. GET fetch is idempotent and retried freely.
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
    ActionDisabled,
    ActionRetired,
    BadKey,
    BadRequest,
    BalanceExhausted,
    Blocked,
    ConnectionFailed,
    MalformedResult,
    NotFound,
    NotJSON,
    PayloadInvalid,
    QueueFull,
    RateLimited,
    Rejected,
    ServerError,
    Timeout,
    TTAPIError,
)
from contract.parsing import JobResult, SubmitResult, parse_job_result, parse_submit
from contract.producer import API_PATH, Action, action_of

from . import config
from .switches import disabled_reason
from .validation import validate

logger = logging.getLogger(__name__)

PROVIDER_MESSAGE_LIMIT = 300

# Failures where the request never left this machine: safe to retry, even a POST.
SCHEME_PORTS = {"http": 80, "https": 443}
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


def _refused(body: dict) -> bool:
    return str(body.get("status") or "").strip().upper() == "FAILED"


def _sentence(text: str) -> str:
    text = text.strip()[:PROVIDER_MESSAGE_LIMIT]
    return text if not text or text[-1] in ".!?" else text + "."


def _maybe_created(status: int) -> bool:
    """Statuses after which a POST may have created a job."""
    return status == 408 or status >= 500 or 200 <= status < 300


class Client:
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
        self._api_key = (api_key or "").strip()
        # A key that cannot travel in a header is refused per call, like a wrong one.
        self._key_unusable = not _header_safe(self._api_key)
        read = timeout if timeout and timeout > 0 else config.read_timeout()
        # The guarded path (outbound): this client's own base is trusted, as configured.
        origin = (parts.hostname.lower(), parts.port or SCHEME_PORTS[parts.scheme])
        self._http = outbound.client(
            base_url=base + API_PATH,
            headers={
                "TT-API-KEY": "" if self._key_unusable else self._api_key,
                "Accept": "application/json",
                "User-Agent": "producer-studio",
            },
            timeout=httpx.Timeout(read, connect=config.CONNECT_TIMEOUT),
            transport=transport,
            follow_redirects=False,
            extra_allowed=frozenset({origin}),
        )

    def __repr__(self) -> str:
        return f"<Client {self.base_url}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # The two calls everything else goes through.

    def submit(self, action: Action | str, params: dict) -> SubmitResult:
        """Validate and POST one job. Raises a TTAPIError; check `.ambiguous` on failure."""
        action = action_of(action)
        reason = disabled_reason(action)
        if reason:
            raise ActionDisabled(reason)
        payload = validate(action, params)
        try:
            status, body = self._request("POST", action.value, action=action, json=payload)
            try:
                return parse_submit(body)
            except (MalformedResult, Rejected) as exc:
                exc.status = status
                # The provider answered 2xx without a job id: a job may exist we cannot name.
                exc.ambiguous = isinstance(exc, MalformedResult)
                raise
        except TTAPIError as exc:
            self._log(exc, action.value)
            raise

    def fetch(self, job_id: str) -> JobResult:
        """The job's current state (free of charge)."""
        job_id = str(job_id or "").strip()
        if not job_id:
            raise PayloadInvalid({"jobId": "This field is required."})
        try:
            status, body = self._request("GET", "fetch", params={"jobId": job_id})
            try:
                return parse_job_result(body)
            except MalformedResult:
                # {"status": "FAILED", "message": "...", "data": null}: the fetch was refused.
                if isinstance(body, dict) and _refused(body):
                    said = _sentence(str(body.get("message") or "").strip())
                    raise Rejected(
                        f"The music service refused to look up the job: {said}"
                        if said
                        else "The music service refused to look up the job.",
                        status=status,
                        raw=body,
                    ) from None
                raise
        except TTAPIError as exc:
            self._log(exc, "fetch")
            raise

    # One method per endpoint.

    def music(self, **params: Any) -> SubmitResult:
        return self.submit(Action.MUSIC, params)

    def lyrics(self, **params: Any) -> SubmitResult:
        return self.submit(Action.LYRICS, params)

    def extend(self, **params: Any) -> SubmitResult:
        return self.submit(Action.EXTEND, params)

    def cover(self, **params: Any) -> SubmitResult:
        return self.submit(Action.COVER, params)

    def variation(self, **params: Any) -> SubmitResult:
        return self.submit(Action.VARIATION, params)

    def replace(self, **params: Any) -> SubmitResult:
        return self.submit(Action.REPLACE, params)

    def vocals_swap(self, **params: Any) -> SubmitResult:
        return self.submit(Action.VOCALS_SWAP, params)

    def instrumentals_swap(self, **params: Any) -> SubmitResult:
        return self.submit(Action.INSTRUMENTALS_SWAP, params)

    def stems(self, **params: Any) -> SubmitResult:
        return self.submit(Action.STEMS, params)

    def download(self, **params: Any) -> SubmitResult:
        return self.submit(Action.DOWNLOAD, params)

    def upload(self, **params: Any) -> SubmitResult:
        return self.submit(Action.UPLOAD, params)

    def generate_video(self, **params: Any) -> SubmitResult:
        return self.submit(Action.VIDEO, params)

    # Transport.

    def _request(
        self, method: str, path: str, *, action: Action | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        """Send with the retry policy; the status and decoded JSON body of a 2xx answer."""
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
                    return response.status_code, self._read(response, idempotent, action)
                except (ServerError, NotJSON) as exc:
                    if not idempotent:
                        raise
                    error = exc
            retryable = idempotent or isinstance(error.__cause__, NOT_SENT)
            if not retryable or attempt >= len(self.retry_delays):
                raise error from error.__cause__
            time.sleep(self.retry_delays[attempt])
            attempt += 1

    def _read(self, response: httpx.Response, idempotent: bool, action: Action | None) -> Any:
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
        raise self._status_error(status, body if body is not None else text, idempotent, action)

    def _status_error(
        self, status: int, body: Any, idempotent: bool, action: Action | None
    ) -> TTAPIError:
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
            what = action.label if action else "this action"
            message = f"The provider has retired this action ({what}){suffix}."
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

    def _log(self, exc: TTAPIError, what: str) -> None:
        exc.redact(self._api_key)
        level = logging.WARNING if exc.ambiguous else logging.INFO
        logger.log(level, "TTAPI %s failed: %r", what, exc)
