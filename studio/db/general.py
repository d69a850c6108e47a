"""A song result written through the ORM, on any database: the reference the PostgreSQL
statement (`postgresql`) is tested against, and the path of every database but PostgreSQL."""

from __future__ import annotations

from django.db import transaction

from studio.db import rows
from studio.db.song_write import SongWrite
from studio.db.vendor import relax_commit
from studio.models import ActivityEvent, Job, Song


def record_songs(write: SongWrite, *, relax: bool) -> set | None:
    """See `studio.db.record_songs`."""
    with transaction.atomic():
        if not Job.objects.filter(write.moved_if, pk=write.job.pk).update(**write.changes):
            return None
        if relax:  # before commit is enough; a delivery that lost the race never needs it
            relax_commit()
        # The ORM's ignore_conflicts cannot say which rows went in: the one plain statement.
        inserted = rows.insert(Song, write.songs, skip_conflicts_on=("workspace", "music_id"))
        if inserted:
            ActivityEvent.objects.bulk_create([e for e in write.events if e.song_id in inserted])
            if write.queue is not None:
                write.queue.save(force_insert=True)
    return inserted
