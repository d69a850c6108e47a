"""A song result in one PostgreSQL statement: one round trip instead of eight.

The job's compare-and-set, the new songs (skipping musicIds the workspace has), their events
and the task that copies their files, as data-modifying CTEs of one statement. Rows travel
as JSON arrays (`rows.as_json`), so the statement's text is the same for every result and
PostgreSQL prepares it once per connection.
"""

from __future__ import annotations

from functools import cache
from uuid import UUID

from django.db import connection
from django.db.models import Q
from django.db.models.sql import UpdateQuery
from django_tasks_db.models import DBTaskResult

from studio.db import rows
from studio.db.song_write import SongWrite
from studio.db.vendor import RELAXED_COMMIT
from studio.models import ActivityEvent, Job, Song


def record_songs(write: SongWrite, *, relax: bool) -> set | None:
    """See `studio.db.record_songs`; one transaction unless the caller holds one."""
    won, won_params = _job_update(write.job, write.moved_if, write.changes)
    queue = write.queue
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(won, queue=queue is not None),
            [
                *won_params,
                relax,
                rows.as_json(write.songs),
                rows.as_json(write.events),
                *([rows.as_json([queue])] if queue is not None else []),
            ],
        )
        moved, _, inserted = cursor.fetchone()
    return set(inserted) if moved else None


def _job_update(job: Job, moved_if: Q, changes: dict) -> tuple[str, list]:
    """The job's compare-and-set UPDATE, returning its id when it moved: the ORM's own
    statement, compiled once per set of columns and condition (compiling it costs more than
    PostgreSQL takes to run it); each value prepared as the ORM prepares it."""
    try:
        sql, where_params = _update_template(tuple(changes), moved_if)
    except TypeError:  # a condition that cannot be a cache key: compiled each time
        return _compiled_update(job.pk, moved_if, changes)
    fields = Job._meta
    values = [fields.get_field(name).get_db_prep_save(v, connection) for name, v in changes.items()]
    pk = fields.pk.get_db_prep_value(job.pk, connection)
    return sql, [*values, *where_params, pk]


@cache
def _update_template(names: tuple[str, ...], moved_if: Q) -> tuple[str, list]:
    """The statement and its condition's own values, from one compile with stand-in values
    (every column here takes a plain `%s`; the job's key is the last value)."""
    fields = [Job._meta.get_field(name) for name in names]
    if any(hasattr(f, "get_placeholder_sql") for f in fields):
        raise TypeError("a column with its own placeholder")
    sql, params = _compiled_update(UUID(int=0), moved_if, {name: None for name in names})
    return sql, params[len(names) : -1]


def _compiled_update(pk: object, moved_if: Q, changes: dict) -> tuple[str, list]:
    query = Job.objects.filter(moved_if, pk=pk).query.chain(UpdateQuery)
    query.add_update_values(changes)
    sql, params = query.get_compiler(connection=connection).as_sql()
    return f"{sql} RETURNING {rows.table(Job)}.{connection.ops.quote_name('id')}", list(params)


@cache
def _statement(won: str, *, queue: bool) -> str:
    """The one statement; only the models' own names are formatted in, every value is bound."""

    def insert(model, name: str, condition: str) -> str:
        return (
            f"{name} AS (INSERT INTO {rows.table(model)} ({rows.columns(model)}) "  # noqa: S608
            f"SELECT {rows.columns(model)} "
            f"FROM jsonb_populate_recordset(NULL::{rows.table(model)}, %s::jsonb) AS v "
            f"WHERE {condition}"
        )

    song_id = connection.ops.quote_name(ActivityEvent._meta.get_field("song").column)
    unique = rows.columns(Song, ("workspace", "music_id"))
    parts = [
        f"won AS ({won})",
        f"relaxed AS (SELECT {RELAXED_COMMIT} FROM won WHERE %s)",  # noqa: S608
        insert(Song, "new", "EXISTS (SELECT FROM won)")
        + f" ON CONFLICT ({unique}) DO NOTHING RETURNING id)",
        insert(ActivityEvent, "logged", f"v.{song_id} IN (SELECT id FROM new))"),  # noqa: S608
    ]
    if queue:
        parts.append(insert(DBTaskResult, "queued", "EXISTS (SELECT FROM new))"))
    return (
        f"WITH {', '.join(parts)} SELECT EXISTS (SELECT FROM won), "  # noqa: S608
        "(SELECT count(*) FROM relaxed), ARRAY(SELECT id FROM new)"
    )
