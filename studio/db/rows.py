"""Model rows as plain SQL, without the ORM's per-call query compilation.

A webhook delivery writes a handful of rows; building those statements through the ORM
costs more Python than the database spends running them. Only a model's own table
and column names are formatted into the SQL here; every value is a bound parameter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache

from django.db import connection, models
from django.db.models.fields import Field


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def insert_fields(model: type[models.Model]) -> tuple[Field, ...]:
    """The columns an INSERT names: all but a primary key the database numbers itself."""
    return tuple(f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning))


def columns(model: type[models.Model], names: Iterable[str] = ()) -> str:
    """The quoted columns of the named fields (of every insert field without names)."""
    fields = [model._meta.get_field(n) for n in names] or insert_fields(model)
    return ", ".join(connection.ops.quote_name(f.column) for f in fields)


def insert(
    model: type[models.Model], rows: list[models.Model], skip_conflicts_on: tuple[str, ...] = ()
) -> set:
    """One INSERT of `rows` (primary keys set in Python, or automatic); the new rows' keys.

    The statement `bulk_create` sends. With `skip_conflicts_on`, rows that break that unique
    constraint are left out (ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike) and
    RETURNING tells which went in.
    """
    fields = insert_fields(model)
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {table(model)} ({columns(model)}) VALUES {', '.join([one] * len(rows))}"  # noqa: S608
    if skip_conflicts_on:
        pk = connection.ops.quote_name(model._meta.pk.column)
        sql += f" ON CONFLICT ({columns(model, skip_conflicts_on)}) DO NOTHING RETURNING {pk}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not skip_conflicts_on:
            return set()
        return {model._meta.pk.to_python(pk) for (pk,) in cursor.fetchall()}


def as_json(rows: list[models.Model]) -> str:
    """The rows as a JSON array of {column: value}, for PostgreSQL's jsonb_populate_recordset.

    Values as an INSERT would save them (defaults and `auto_now_add` filled in); dates,
    UUIDs, decimals and file names as their text, which the columns' types read back.
    """
    if not rows:
        return "[]"
    plan = _json_plan(type(rows[0]))
    return json.dumps(
        [
            {
                column: field.pre_save(row, True) if own_save else getattr(row, attname)
                for column, attname, field, own_save in plan
            }
            for row in rows
        ],
        default=str,
        allow_nan=False,
    )


@cache
def _json_plan(model: type[models.Model]) -> list[tuple[str, str, Field, bool]]:
    """Each insert column with how to read its value: the attribute, or the field's own
    `pre_save` where it has one (dates set on save, files stored on save)."""
    return [
        (f.column, f.attname, f, type(f).pre_save is not Field.pre_save)
        for f in insert_fields(model)
    ]
