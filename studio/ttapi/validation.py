"""The contract's request rules with this studio's configuration (the models it offers)."""

from __future__ import annotations

from collections.abc import Sequence

from contract import producer
from contract.producer import Action

from . import config


def validate(action: Action | str, params: dict, *, models: Sequence[str] | None = None) -> dict:
    """The body to send for `action`, or PayloadInvalid; `mv` is one of `models`, by default
    the models this studio offers (TTAPI_MODELS)."""
    return producer.validate(action, params, models=config.models() if models is None else models)
