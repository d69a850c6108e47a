"""Settings of the API boundary, read lazily so the client also works outside Django."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from contract.producer import DEFAULT_MODELS

DEFAULT_BASE_URL = "https://api.ttapi.io"
DEFAULT_TIMEOUT = 30.0  # seconds to wait for an answer once connected
CONNECT_TIMEOUT = 5.0


def setting(name: str, default: Any) -> Any:
    """A Django setting, or `default` when it is unset or Django is not configured at all."""
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return default
    value = getattr(settings, name, None)
    return default if value is None else value


def base_url() -> str:
    return str(setting("TTAPI_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def read_timeout() -> float:
    try:
        value = float(setting("TTAPI_TIMEOUT", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def models() -> tuple[str, ...]:
    value = setting("TTAPI_MODELS", None)
    if isinstance(value, str):
        value = value.split(",")
    names = tuple(str(name).strip() for name in value or () if str(name).strip())
    return names or DEFAULT_MODELS
