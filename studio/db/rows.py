"""Model rows as plain SQL, without the ORM's per-call query compilation.

A webhook delivery reads one row and writes a handful; building those statements through
the ORM costs more Python than the database spends running them. Only a model's own table
and column names are formatted into the SQL here; every value is a bound parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

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


def get[M: models.Model](
    model: type[M],
    pk: Any,
    *,
    skip: tuple[str, ...] = (),
    related: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> M | None:
    """The row with this primary key, fields in `skip` deferred, or None: what
    `model.objects.defer(*skip).filter(pk=pk).first()` returns, from one plain SELECT.

    `related` names foreign keys with the fields to read of the row each points to, in the
    same SELECT (a join): `select_related(fk).only(...)`, the rest of that row deferred."""
    sql, names, converters, joins = _select(model, skip, related, connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, convert, col in converters:
        values[index] = convert(values[index], col, connection)
    found = model.from_db(connection.alias, names, values[: len(names)])
    at = len(names)
    for fk_name, related_model, related_names in joins:
        part = values[at : at + len(related_names)]
        at += len(related_names)
        found._state.fields_cache[fk_name] = (
            related_model.from_db(connection.alias, related_names, part)
            if part[0] is not None
            else None
        )
    return found


@cache
def _select(
    model: type[models.Model],
    skip: tuple[str, ...],
    related: tuple[tuple[str, tuple[str, ...]], ...],
    alias: str,
) -> tuple[str, list[str], list[tuple[int, Callable, Any]], list[tuple[str, type, list[str]]]]:
    """The SELECT, the attribute names it fills, each column's converters (the ORM's own,
    which turn what the database driver returns into the field's Python value) and, per
    related row, its foreign key, model and attribute names (its columns follow the model's)."""
    quote = connection.ops.quote_name
    own = model._meta.db_table
    selected = [(own, f) for f in model._meta.concrete_fields if f.name not in skip]
    names = [f.attname for _, f in selected]
    joins, sources = [], [quote(own)]
    for n, (fk_name, wanted) in enumerate(related):
        fk = model._meta.get_field(fk_name)
        other = fk.related_model
        table_alias = f"r{n}"
        fields = [other._meta.pk, *(other._meta.get_field(name) for name in wanted)]
        selected += [(table_alias, f) for f in fields]
        joins.append((fk_name, other, [f.attname for f in fields]))
        sources.append(
            f"LEFT JOIN {table(other)} {table_alias} ON {table_alias}."
            f"{quote(other._meta.pk.column)} = {quote(own)}.{quote(fk.column)}"
        )
    sql = (
        f"SELECT {', '.join(f'{quote(t)}.{quote(f.column)}' for t, f in selected)} "  # noqa: S608
        f"FROM {' '.join(sources)} WHERE {quote(own)}.{quote(model._meta.pk.column)} = %s"
    )
    converters = []
    for index, (table_alias, field) in enumerate(selected):
        col = field.get_col(table_alias)
        for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            converters.append((index, convert, col))
    return sql, names, converters, joins
