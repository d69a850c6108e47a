"""Reversing a URL once per name: a page of cards asks for several URLs per song, and a
full `reverse()` for each costs more than the rest of the card."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from django.urls import get_script_prefix, reverse

_SAMPLE = UUID(int=0)


@lru_cache(maxsize=64)
def _around_id(name: str, prefix: str, extra: tuple) -> tuple[str, str]:
    url = reverse(name, args=[_SAMPLE, *extra])
    before, _, after = url.partition(str(_SAMPLE))
    return before, after


def url_of(name: str, pk: UUID | str, *extra: str) -> str:
    """`reverse(name, args=[pk, *extra])` for a URL whose first argument is an id, under
    the current script prefix."""
    before, after = _around_id(name, get_script_prefix(), extra)
    return f"{before}{pk}{after}"
