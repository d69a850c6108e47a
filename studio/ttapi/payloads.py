"""Request validation: the contract's rules, checked before anything is sent.

`validate` returns the body exactly as it goes on the wire: the API's field names, typed
values, whitespace stripped, unset optional fields left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from . import config
from .actions import Action
from .config import DEFAULT_MODELS
from .errors import PayloadInvalid

__all__ = ["DEFAULT_MODELS", "FIELDS", "REQUIRED", "validate"]

PROMPT_FIELDS = ("sound_prompt", "lyrics_text", "instrumental")
GEN_FIELDS = (
    "mv",
    "title",
    "cover_art_url",
    "seed",
    "lyrics_strength",
    "sound_strength",
    "weirdness",
    "is_storage",
    "hook_url",
)

# The fields each action accepts. `hook_url` is accepted everywhere: the provider calls back
# for any job, and the studio attaches it uniformly.
FIELDS: dict[Action, tuple[str, ...]] = {
    Action.MUSIC: (*PROMPT_FIELDS, *GEN_FIELDS),
    Action.LYRICS: ("prompt", "hook_url"),
    Action.EXTEND: ("music_id", "starts", *PROMPT_FIELDS, *GEN_FIELDS),
    Action.COVER: ("music_id", *PROMPT_FIELDS, *GEN_FIELDS),
    Action.VARIATION: ("music_id", "is_storage", "hook_url"),
    Action.REPLACE: ("music_id", "starts", "ends", *PROMPT_FIELDS, *GEN_FIELDS),
    Action.VOCALS_SWAP: ("music_id", *PROMPT_FIELDS, *GEN_FIELDS, "cover_strength"),
    Action.INSTRUMENTALS_SWAP: ("music_id", *PROMPT_FIELDS, *GEN_FIELDS, "cover_strength"),
    Action.STEMS: ("music_id", "hook_url"),
    Action.DOWNLOAD: ("music_id", "format", "hook_url"),
    Action.UPLOAD: ("audio_url", "hook_url"),
    Action.VIDEO: ("music_id", "preset", "hook_url"),
}

REQUIRED: dict[Action, tuple[str, ...]] = {
    Action.LYRICS: ("prompt",),
    Action.DOWNLOAD: ("music_id", "format"),
    Action.UPLOAD: ("audio_url",),
    **{
        a: ("music_id",)
        for a in (
            Action.EXTEND,
            Action.COVER,
            Action.VARIATION,
            Action.REPLACE,
            Action.VOCALS_SWAP,
            Action.INSTRUMENTALS_SWAP,
            Action.STEMS,
            Action.VIDEO,
        )
    },
}

# Actions where at least one of sound_prompt / lyrics_text must be non-empty.
PROMPT_RULE = frozenset(
    {
        Action.MUSIC,
        Action.EXTEND,
        Action.COVER,
        Action.REPLACE,
        Action.VOCALS_SWAP,
        Action.INSTRUMENTALS_SWAP,
    }
)

EXTEND_DEFAULT_STARTS = 30.0
FORMATS = ("wav", "mp3")
PRESETS = ("modern", "player", "simple")
MAX_LENGTH = {
    "title": 200,
    "sound_prompt": 1000,
    "lyrics_text": 5000,
    "prompt": 1000,
    "music_id": 200,
    "seed": 32,
}
URL_FIELDS = ("cover_art_url", "hook_url", "audio_url")
URL_MAX_LENGTH = 2000
SLIDERS = {
    "lyrics_strength": (0.0, 1.0),
    "sound_strength": (0.2, 1.0),
    "weirdness": (0.0, 1.0),
    "cover_strength": (0.2, 1.0),
}
BOOLEANS = ("instrumental", "is_storage")
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


class _Invalid(ValueError):
    pass


def _unset(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _Invalid("Must be text.")
    value = value.strip()
    limit = MAX_LENGTH.get(name)
    if limit and len(value) > limit:
        raise _Invalid(f"Must be at most {limit} characters (it has {len(value)}).")
    return value


def _number(value: Any) -> float:
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]  # one provider example sends ["30.01"]
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise _Invalid("Must be a number.")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):  # also signalling NaN and ints too big for a float
        raise _Invalid("Must be a number.") from None
    if not math.isfinite(number):
        raise _Invalid("Must be a finite number.")
    return number


def _seconds(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise _Invalid("Must be 0 seconds or more.")
    return number


def _slider(name: str) -> Callable[[Any], float]:
    low, high = SLIDERS[name]

    def check(value: Any) -> float:
        number = _number(value)
        if not low <= number <= high:
            raise _Invalid(f"Must be between {low:g} and {high:g}.")
        return number

    return check


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise _Invalid("Must be true or false.")


def _url(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("Must be a URL.")
    value = value.strip()
    if len(value) > URL_MAX_LENGTH:
        raise _Invalid(f"Must be at most {URL_MAX_LENGTH} characters.")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise _Invalid("Must be an http or https URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", value):
        raise _Invalid("Must be an http or https URL.")
    return value


def _seed(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value) if value.bit_length() <= 128 else "too long"
    if not isinstance(value, str) or not value.strip().isascii() or not value.strip().isdigit():
        raise _Invalid("Must be a whole number (digits only).")
    return _text(value, "seed")


def _choice(choices: Sequence[str], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value.strip() in choices:
            return value.strip()
        raise _Invalid(f"Must be one of {what}: {', '.join(choices)}.")

    return check


def action_of(value: Action | str) -> Action:
    """The action a caller named (an Action or its value), or PayloadInvalid."""
    try:
        return Action(getattr(value, "value", value))
    except ValueError:
        raise PayloadInvalid({"action": f"Unknown action {value!r}."}) from None


def validate(action: Action | str, params: dict, *, models: Sequence[str] | None = None) -> dict:
    """Check `params` for `action` and return the body to send, or raise PayloadInvalid."""
    action = action_of(action)
    if not isinstance(params, dict):
        raise PayloadInvalid({"params": "Must be a mapping of field names to values."})
    allowed = FIELDS[action]
    model_names = tuple(models) if models is not None else config.models()
    checks: dict[str, Callable[[Any], Any]] = {
        "mv": _choice(model_names, "the available models"),
        "format": _choice(FORMATS, "the formats"),
        "preset": _choice(PRESETS, "the presets"),
        "seed": _seed,
        "starts": _seconds,
        "ends": _seconds,
        **{name: _boolean for name in BOOLEANS},
        **{name: _url for name in URL_FIELDS},
        **{name: _slider(name) for name in SLIDERS},
    }

    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in params.items():
        if name not in allowed:
            errors[str(name)] = f"Not a field of {action.value}."
            continue
        if _unset(value):
            continue
        try:
            cleaned[name] = checks.get(name, lambda v, n=name: _text(v, n))(value)
        except _Invalid as exc:
            errors[name] = str(exc)

    for name in REQUIRED.get(action, ()):
        if name not in cleaned and name not in errors:
            errors[name] = "This field is required."
    if action in PROMPT_RULE and not {"sound_prompt", "lyrics_text"} & (cleaned.keys() | errors):
        message = "Write a sound prompt or lyrics (at least one is needed)."
        errors["sound_prompt"] = errors["lyrics_text"] = message
    if action is Action.EXTEND and "starts" not in cleaned and "starts" not in errors:
        cleaned["starts"] = EXTEND_DEFAULT_STARTS
    if "ends" in cleaned and "starts" not in errors and cleaned["ends"] <= cleaned.get("starts", 0):
        errors["ends"] = "Must be after the start."

    if errors:
        raise PayloadInvalid(errors)
    # Keep the contract's field order, whatever order the caller used.
    return {name: cleaned[name] for name in allowed if name in cleaned}
