"""A song result written through the ORM, on any database: the reference the PostgreSQL
statement (`postgresql`) is tested against, and the path of every database but PostgreSQL."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from studio.db import rows
from studio.db.vendor import relax_commit
from studio.models import ActivityEvent, Job, Song


def record_songs(
    job: Job,
    moved_if: Q,
    changes: dict,
    songs: list[Song],
    events: list[ActivityEvent],
    queue: DBTaskResult | None,
    *,
    relax: bool,
) -> set | None:
    """See `studio.db.record_songs`."""
    with transaction.atomic():
        if not Job.objects.filter(moved_if, pk=job.pk).update(**changes):
            return None
        if relax:  # before commit is enough; a delivery that lost the race never needs it
            relax_commit()
        # The ORM's ignore_conflicts cannot say which rows went in: the one plain statement.
        inserted = rows.insert(Song, songs, skip_conflicts_on=("workspace", "music_id"))
        if inserted:
            ActivityEvent.objects.bulk_create([e for e in events if e.song_id in inserted])
            if queue is not None:
                queue.save(force_insert=True)
    return inserted
