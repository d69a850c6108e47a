"""A song result in one PostgreSQL statement: one round trip instead of eight.

The job's compare-and-set, the new songs (skipping musicIds the workspace has), their events
and the task that copies their files, as data-modifying CTEs of one statement. Rows travel
as JSON arrays (`rows.as_json`), so the statement's text is the same for every result and
PostgreSQL prepares it once per connection.
"""

from __future__ import annotations

from functools import cache

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
    """The ORM's own UPDATE of the job's compare-and-set, returning its id when it moved."""
    query = Job.objects.filter(moved_if, pk=job.pk).query.chain(UpdateQuery)
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
