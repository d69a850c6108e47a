"""Expressions and query plans each database gets its own way, for the dashboards' figures.

Django's own versions of these call back into Python for every row on SQLite (Trunc(),
datetime subtraction), or keep PostgreSQL on a generic plan: these write each database's
native SQL instead (see bench/dashboard_bench.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import pairwise

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
)

from studio.db.vendor import on_postgresql


@contextmanager
def custom_plans() -> Iterator[None]:
    """Queries planned for the values they are run with, in this block (or, as a
    decorator, in each call of the function).

    On PostgreSQL a query repeated on a connection is prepared (DATABASE_PREPARE_THRESHOLD),
    and the server may then keep one generic plan, made without knowing the values: for a
    period's dates it reads far more of the table than a short period needs, for a search's
    words far more than a rare word matches (bench/scale.py: best match for a common word
    at 100,000 songs, 121 ms with the generic plan, 26 ms without). SET LOCAL lasts for this
    transaction only. Elsewhere: nothing.
    """
    if not on_postgresql():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


class Slot(Func):
    """floor((column - start) / step) with native date arithmetic: the bucket of a datetime
    when every bucket lasts the same time (always in UTC; elsewhere unless DST shifts)."""

    output_field = IntegerField()

    def __init__(self, column: str, start: datetime, step: timedelta) -> None:
        super().__init__(F(column), Value(start))
        self.seconds = step.total_seconds()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"CAST((julianday(%(expressions)s)) * {86400 / self.seconds!r} AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date_part() works in double precision; EXTRACT() returns numeric, twice as slow here.
        return self.as_sql(
            compiler,
            connection,
            template=f"FLOOR(date_part('epoch', %(expressions)s) / {self.seconds!r})::int",
            arg_joiner=" - ",
            **extra,
        )


def bucket_of(field: str, buckets: list[datetime]) -> Func | Case | Value:
    """The index of the bucket a datetime falls in (buckets: their local starts, in order).

    Native arithmetic when the buckets are all the same length; a CASE over the edges when a
    daylight-saving change makes one shorter. Either way no Python call per row, which is
    what Trunc() costs on SQLite (about ten times slower at 100,000 jobs).
    """
    steps = {b - a for a, b in pairwise(buckets)}
    if not steps:
        return Value(0, output_field=IntegerField())
    if len(steps) == 1:
        return Slot(field, buckets[0], steps.pop())
    whens = [When(**{f"{field}__lt": edge}, then=Value(i)) for i, edge in enumerate(buckets[1:])]
    return Case(*whens, default=Value(len(buckets) - 1), output_field=IntegerField())


class Unindexed(Func):
    """A column, written `+column` on SQLite: SQLite's way to keep the planner off the
    indexes on that column. Without ANALYZE statistics it reads a whole period through
    job_status_poll or job_action_created (one table lookup per job, to save a sort of a few
    hundred groups) rather than range-scan the covering index job_created_cover: 3 to 10 times
    slower. PostgreSQL gets the plain column."""

    template = "%(expressions)s"

    def __init__(self, column: str) -> None:
        super().__init__(F(column))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


class PercentilesDisc(Aggregate):
    """PostgreSQL's percentile_disc(ARRAY[f, ...]) WITHIN GROUP (ORDER BY expression): the
    nearest-rank percentiles, the values at ranks ceil(f n), as a list of integers (of an
    integer expression). One aggregate for all the fractions sorts each group once (two
    aggregates cost about half as much again)."""

    function = "percentile_disc"
    template = (
        "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    )

    def __init__(self, expression, fractions: tuple[float, ...], **extra) -> None:
        from django.contrib.postgres.fields import ArrayField  # needs psycopg: PostgreSQL only

        super().__init__(
            expression,
            fractions=", ".join(repr(float(f)) for f in fractions),
            output_field=ArrayField(BigIntegerField()),
            **extra,
        )


class Microseconds(Func):
    """Whole microseconds from one datetime column to another, exactly (the expression of
    Job.duration_us, a column the database keeps). On SQLite: the whole seconds of each
    text value (its first 19 characters, so a fraction never rounds into them) plus the
    difference of the fractions; julianday() keeps milliseconds only."""

    output_field = IntegerField()
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    arg_joiner = " - "

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        seconds = "unixepoch" if connection.Database.sqlite_version_info >= (3, 38) else "strftime"
        fmt = "'%%s', " if seconds == "strftime" else ""
        sql = (
            f"((CAST({seconds}({fmt}substr({end}, 1, 19)) AS INTEGER)"
            f" - CAST({seconds}({fmt}substr({start}, 1, 19)) AS INTEGER)) * 1000000"
            f" + CAST(substr({end}, 21, 6) AS INTEGER) - CAST(substr({start}, 21, 6) AS INTEGER))"
        )
        return sql, (*end_params, *end_params, *start_params, *start_params)


def plain_rows(query: QuerySet) -> list[tuple]:
    """The rows of a `values_list` query straight from the cursor: plain columns need no
    conversion, and Django's row by row iteration costs a third of the time at 100,000 jobs."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
