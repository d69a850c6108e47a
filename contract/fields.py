"""Checks of single request fields, shared by every engine's rules.

Each check returns the value as it goes on the wire or raises `Invalid` with a sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

URL_MAX_LENGTH = 2000
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


class Invalid(ValueError):
    pass


def unset(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def text(value: Any, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise Invalid("Must be text.")
    value = value.strip()
    if limit and len(value) > limit:
        raise Invalid(f"Must be at most {limit} characters (it has {len(value)}).")
    return value


def number(value: Any) -> float:
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]  # one provider example sends ["30.01"]
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise Invalid("Must be a number.")
    try:
        result = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):  # also signalling NaN and ints too big for a float
        raise Invalid("Must be a number.") from None
    if not math.isfinite(result):
        raise Invalid("Must be a finite number.")
    return result


def seconds(value: Any) -> float:
    result = number(value)
    if result < 0:
        raise Invalid("Must be 0 seconds or more.")
    return result


def between(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        result = number(value)
        if not low <= result <= high:
            raise Invalid(f"Must be between {low:g} and {high:g}.")
        return result

    return check


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise Invalid("Must be true or false.")


def url(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("Must be a URL.")
    value = value.strip()
    if len(value) > URL_MAX_LENGTH:
        raise Invalid(f"Must be at most {URL_MAX_LENGTH} characters.")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise Invalid("Must be an http or https URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", value):
        raise Invalid("Must be an http or https URL.")
    return value


def seed(value: Any, limit: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value) if value.bit_length() <= 128 else "too long"
    if not isinstance(value, str) or not value.strip().isascii() or not value.strip().isdigit():
        raise Invalid("Must be a whole number (digits only).")
    return text(value, limit)


def choice(choices: Sequence[str], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value.strip() in choices:
            return value.strip()
        raise Invalid(f"Must be one of {what}: {', '.join(choices)}.")

    return check


def check_all(
    params: Mapping[Any, Any],
    allowed: Collection[str],
    checks: Mapping[str, Callable[[Any], Any]],
    max_length: Mapping[str, int],
    action: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field given, checked by its check (else as text of at most its length): the
    clean values and the errors, by field. Unset fields are left out; a field the action
    does not take is an error."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in params.items():
        if name not in allowed:
            errors[str(name)] = f"Not a field of {action}."
            continue
        if unset(value):
            continue
        check = checks.get(name) or (lambda v, n=name: text(v, max_length.get(n)))
        try:
            cleaned[name] = check(value)
        except Invalid as exc:
            errors[name] = str(exc)
    return cleaned, errors


def require(cleaned: Mapping[str, Any], errors: dict[str, str], names: Collection[str]) -> None:
    """An error for each required field that is neither given nor already in error."""
    for name in names:
        if name not in cleaned and name not in errors:
            errors[name] = "This field is required."
