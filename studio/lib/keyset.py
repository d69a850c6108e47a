"""Pages by cursor (keyset pagination): a page starts after the last row of the page before,
found through the sort order's index, so page 1,000 costs what page 1 costs and rows added
meanwhile never shift a page (OFFSET reads and throws away every row before the page, and
slides when rows are added).

A cursor names a row by its sort key. The key's columns all run one way and end with the
primary key, so the order is total and "after this row" is a single row comparison,
`(created_at, id) < (%s, %s)`, that both PostgreSQL and SQLite answer from an index whose
columns are the key's.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)
from django.http import QueryDict

AFTER, BEFORE = "after", "before"  # the query parameters: the next page, the previous one
MAX_CURSOR = 400  # characters; a key is a few short values
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class BadCursor(ValueError):
    """A cursor that was not made by this module for this order (cut, edited, stale)."""


@dataclass(frozen=True)
class Order:
    fields: tuple[str, ...]  # field or annotation names; the last one is the primary key
    descending: bool
    # Keys computed from fields, each matching an index expression: {name: expression}.
    annotations: dict = field(default_factory=dict)

    def apply(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(**self.annotations) if self.annotations else queryset

    def order_by(self, reverse: bool = False) -> list:
        down = self.descending != reverse
        return [F(name).desc() if down else F(name).asc() for name in self.fields]


@dataclass
class CursorPage:
    object_list: list
    previous_cursor: str  # "" on the first page
    next_cursor: str  # "" on the last page

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def is_first(self) -> bool:
        return not self.has_previous


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def encode(obj: object, order: Order) -> str:
    key = [_plain(getattr(obj, name)) for name in order.fields]
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str, queryset: QuerySet, order: Order) -> list:
    """The key a cursor names, each value checked by its field; BadCursor otherwise."""
    if len(text) > MAX_CURSOR:
        raise BadCursor("too long")
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise BadCursor("not a cursor") from exc
    if not isinstance(key, list) or len(key) != len(order.fields):
        raise BadCursor("not a key of this order")
    opts = queryset.model._meta
    values = []
    for name, value in zip(order.fields, key, strict=True):
        if value is None or isinstance(value, (dict, list, bool)):
            raise BadCursor(f"bad {name}")
        if isinstance(value, str) and "\x00" in value:
            raise BadCursor(f"bad {name}")  # PostgreSQL refuses NUL in text
        computed = order.annotations.get(name)
        checker = computed.output_field if computed is not None else opts.get_field(name)
        try:
            values.append(checker.to_python(value))
        except (ValidationError, TypeError, ValueError, OverflowError) as exc:
            raise BadCursor(f"bad {name}") from exc
        if isinstance(values[-1], datetime):
            try:  # stored in UTC: 9999-12-31 at -14:00 is past the calendar's end
                values[-1].astimezone(UTC)
            except (OverflowError, ValueError) as exc:
                raise BadCursor(f"bad {name}") from exc
            if values[-1].tzinfo is None:
                raise BadCursor(f"bad {name}")
        if isinstance(values[-1], int) and not INT64_MIN <= values[-1] <= INT64_MAX:
            raise BadCursor(f"bad {name}")  # wider than any integer column
    return values


def _beyond(queryset: QuerySet, order: Order, key: list, forward: bool) -> QuerySet:
    columns = Tuple(*(F(name) for name in order.fields))
    later = TupleLessThan if order.descending == forward else TupleGreaterThan
    return queryset.filter(later(columns, tuple(key)))


def paginate(queryset: QuerySet, order: Order, params: QueryDict, size: int) -> CursorPage:
    """The page the request's `after` or `before` cursor names (the first page without one).

    One query either way: a page reads one row more than it shows, to know whether there is
    another page beyond it. Raises BadCursor for a cursor it cannot read.
    """
    after, before = params.get(AFTER, ""), params.get(BEFORE, "")
    queryset = order.apply(queryset)
    if after and before:
        raise BadCursor("both directions")
    if before:
        key = decode(before, queryset, order)
        earlier = _beyond(queryset, order, key, forward=False).order_by(*order.order_by(True))
        rows = list(earlier[: size + 1])
        more = len(rows) > size
        if not more and len(rows) < size:
            # Back at the start, short of a page (rows were added or removed meanwhile).
            return _first(queryset, order, size)
        rows = rows[:size][::-1]
        return CursorPage(
            rows,
            previous_cursor=encode(rows[0], order) if more else "",
            next_cursor=encode(rows[-1], order),
        )
    if not after:
        return _first(queryset, order, size)
    query = queryset.order_by(*order.order_by())
    query = _beyond(query, order, decode(after, queryset, order), forward=True)
    rows = list(query[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return CursorPage(
        rows,
        previous_cursor=encode(rows[0], order) if rows else after,
        next_cursor=encode(rows[-1], order) if more else "",
    )


def _first(queryset: QuerySet, order: Order, size: int) -> CursorPage:
    rows = list(queryset.order_by(*order.order_by())[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return CursorPage(rows, previous_cursor="", next_cursor=encode(rows[-1], order) if more else "")
