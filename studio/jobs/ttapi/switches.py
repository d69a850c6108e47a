"""Turning actions off by configuration (TTAPI_DISABLED_ACTIONS).

Upstream actions can disappear (resellers answer 410 for some after a model change), so each
one can be switched off. The setting is a list of action values ("variation",
"vocals-swap"), a comma-separated string, or a mapping of action value to the reason shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from contract.producer import Action


def _normalise(name: object) -> str:
    text = str(getattr(name, "value", name)).strip().lower().replace("_", "-")
    return "generate-video" if text == "video" else text


def disabled_actions() -> dict[str, str]:
    """Action value -> reason, for every action switched off."""
    value = settings.TTAPI_DISABLED_ACTIONS
    if isinstance(value, str):
        value = value.split(",")
    reasons: dict[str, str] = {}
    items = value.items() if isinstance(value, Mapping) else ((v, "") for v in value or ())
    for name, reason in items:
        key = _normalise(name)
        if key in Action.values:
            reasons[key] = str(reason or "").strip()
    return reasons


def disabled_reason(action: Action | str) -> str | None:
    """Why an action is off (a sentence for the UI), or None when it is available."""
    key = _normalise(action)
    reasons = disabled_actions()
    if key not in reasons:
        return None
    if reasons[key]:
        return reasons[key]
    label = Action(key).label if key in Action.values else key
    return f"{label} is switched off on this studio."


def is_enabled(action: Action | str) -> bool:
    return disabled_reason(action) is None
