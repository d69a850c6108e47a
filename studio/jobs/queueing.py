"""Putting tasks on the queue (django.tasks) without losing work when it is unavailable.

Job and archive state lives in the rows (`next_poll_at`, `archive_next_at`), not in the queue:
a task that could not be enqueued is done by the worker's sweep (`studio.sweep`) instead.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, router
from django.tasks import Task
from django.utils import timezone
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)


def enqueue_quietly(task_: Task, *args: str) -> None:
    """Enqueue, or leave the row for the sweep if the queue is unavailable."""
    try:
        task_.enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r; the sweep will pick it up", task_.name, args)


def in_this_database(task_: Task) -> bool:
    """Whether the task's queue is a table of the default database (django-tasks-db): then
    enqueueing writes a row in the caller's transaction, and makes no other call."""
    from django_tasks_db.models import DBTaskResult  # a model: not at import time

    return isinstance(task_.get_backend(), DatabaseBackend) and (
        router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
    )


# The queue's own rows (django-tasks-db's table).

KEEP_FINISHED = timedelta(days=7)  # finished rows are kept this long, for the admin
# A row RUNNING this long was left by a worker that was killed mid-task: the longest task
# copies a few files, each cut off after ARCHIVE_DEADLINE_SECONDS (15 minutes by default).
# Its work is not lost (job and copy state live in their rows and the sweep takes them
# again); only the queue row is, and without this it would stay RUNNING for ever.
ABANDONED_AFTER = timedelta(hours=6)


class WorkerLost(Exception):
    """Recorded on a task row whose worker stopped before the task finished."""


def prune(now: datetime | None = None) -> dict[str, int]:
    """Mark rows abandoned by killed workers failed, and delete finished rows of every
    queue once old enough. Returns how many rows each step touched."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    abandoned = DBTaskResult.objects.running().filter(started_at__lt=now - ABANDONED_AFTER)
    lost = abandoned.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="The worker stopped before the task finished: it was still marked "
        f"running after {ABANDONED_AFTER.total_seconds() / 3600:g} hours.",
    )
    deleted, _ = (
        DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_FINISHED).delete()
    )
    return {"abandoned": lost, "deleted": deleted}
