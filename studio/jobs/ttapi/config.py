"""Settings of the API boundary: where TTAPI is, how long to wait, which models per engine."""

from __future__ import annotations

from django.conf import settings

from contract.flowmusic import DEFAULT_MODELS as FLOW_DEFAULT_MODELS
from contract.producer import DEFAULT_MODELS

CONNECT_TIMEOUT = 5.0  # seconds to connect; TTAPI_TIMEOUT is the wait for an answer


def base_url() -> str:
    return settings.TTAPI_BASE_URL.rstrip("/")


def read_timeout() -> float:
    return settings.TTAPI_TIMEOUT


def _names(values: list[str]) -> tuple[str, ...]:
    return tuple(name.strip() for name in values if name.strip())


def models() -> tuple[str, ...]:
    """The Producer API models offered and accepted: TTAPI_MODELS, else the contract's."""
    return _names(settings.TTAPI_MODELS) or DEFAULT_MODELS


def flow_models() -> tuple[str, ...]:
    """The Flow Music models offered and accepted: FLOWMUSIC_MODELS, else Lyria 3 Pro."""
    return _names(settings.FLOWMUSIC_MODELS) or FLOW_DEFAULT_MODELS


def disabled_engines() -> frozenset[str]:
    """Engines switched off (TTAPI_DISABLED_ENGINES): `producer`, `flowmusic`."""
    return frozenset(name.strip().lower() for name in settings.TTAPI_DISABLED_ENGINES)
