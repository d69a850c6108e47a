"""Typed failures of the Producer API, each with a sentence a studio user understands.

Callers branch on two flags rather than on classes alone:
- `ambiguous`: the request may have reached the provider and created a job (and spent
  money). Reconcile later; never send it again.
- `retry_later`: nothing was created and the same request can be submitted again later.
"""

from __future__ import annotations

import json
from typing import Any

RAW_LIMIT = 4096  # characters of a body kept on an error


def truncate_raw(raw: Any) -> str | dict | None:
    """Keep a body small enough to store on a job row and show in the admin."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        try:
            dumped = json.dumps(raw, default=str)
        except (TypeError, ValueError):
            dumped = str(raw)
        return raw if len(dumped) <= RAW_LIMIT else dumped[:RAW_LIMIT]
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    return str(raw)[:RAW_LIMIT]


class TTAPIError(Exception):
    default_message = "The music service returned an error."
    ambiguous: bool = False
    retry_later: bool = False

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        raw: Any = None,
        ambiguous: bool | None = None,
        retry_later: bool | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.raw = truncate_raw(raw)
        if ambiguous is not None:
            self.ambiguous = ambiguous
        if retry_later is not None:
            self.retry_later = retry_later
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        flags = "".join(
            f", {name}=True" for name in ("ambiguous", "retry_later") if getattr(self, name)
        )
        return f"{type(self).__name__}({self.message!r}, status={self.status!r}{flags})"

    def redact(self, secret: str | None) -> TTAPIError:
        """Remove a secret (the API key) from the message and raw body, in place."""
        if secret and len(secret) >= 4:
            self.message = self.message.replace(secret, "***")
            self.args = (self.message,)
            self.raw = _redact(self.raw, secret)
        return self


def _redact(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, dict):
        return {_redact(k, secret): _redact(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, secret) for v in value]
    return value


class PayloadInvalid(TTAPIError):
    """Raised before sending: `errors` maps the API's field names to messages."""

    default_message = "Some fields need fixing."

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors = dict(errors)
        if message is None:
            unique = list(dict.fromkeys(f"{k}: {v}" for k, v in self.errors.items()))
            message = "Some fields need fixing: " + "; ".join(unique)
        super().__init__(message)


class ActionDisabled(TTAPIError):
    default_message = "This action is switched off on this studio."


class BadRequest(TTAPIError):
    default_message = "The music service rejected the request."


class BadKey(TTAPIError):
    default_message = (
        "The music service refused the API key: check the key and that its account's email "
        "is activated."
    )


class BalanceExhausted(TTAPIError):
    default_message = "The music service account has run out of credit: top it up to continue."


class Blocked(TTAPIError):
    default_message = "The music service has blocked this account."


class NotFound(TTAPIError):
    default_message = "The music service could not find that song or job."


class ActionRetired(TTAPIError):
    default_message = "The provider has retired this action."


class RateLimited(TTAPIError):
    default_message = "Too many requests to the music service: try again in a minute."
    retry_later = True


class QueueFull(TTAPIError):
    default_message = (
        "The account already runs as many jobs as it may: try again when one finishes."
    )
    retry_later = True


class ServerError(TTAPIError):
    default_message = "The music service had an internal error."


class Timeout(TTAPIError):
    default_message = "The music service did not answer in time."


class ConnectionFailed(TTAPIError):
    """Could not reach the service. Ambiguous only when the connection broke after sending."""

    default_message = "Could not reach the music service."


class NotJSON(TTAPIError):
    default_message = "The music service answered with a page instead of data."


class Rejected(TTAPIError):
    """A 200 answer with status FAILED and no job id: nothing was created."""

    default_message = "The music service refused the request."


class MalformedResult(TTAPIError):
    default_message = "The music service sent an answer that could not be read."
