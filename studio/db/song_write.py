"""What writing a song result takes, for either way of writing it (`studio.db.record_songs`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models import studio.db.dialect: this package imports no model
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    from studio.models import ActivityEvent, Job, Song


@dataclass
class SongWrite:
    """The job's compare-and-set (`changes`, if the row still matches `moved_if`), its songs
    (unsaved, one per musicId), an event per song, and the queue row that copies their files
    (None when the queue is not a table of this database)."""

    job: Job
    moved_if: Q
    changes: dict
    songs: list[Song]
    events: list[ActivityEvent]
    queue: DBTaskResult | None
