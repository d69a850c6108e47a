"""Settings of the API boundary: where the Producer API is, how long to wait, which models."""

from __future__ import annotations

from django.conf import settings

from contract.producer import DEFAULT_MODELS

CONNECT_TIMEOUT = 5.0  # seconds to connect; TTAPI_TIMEOUT is the wait for an answer


def base_url() -> str:
    return settings.TTAPI_BASE_URL.rstrip("/")


def read_timeout() -> float:
    return settings.TTAPI_TIMEOUT


def models() -> tuple[str, ...]:
    """The models offered and accepted: TTAPI_MODELS, else those the provider documents."""
    names = tuple(name.strip() for name in settings.TTAPI_MODELS if name.strip())
    return names or DEFAULT_MODELS
