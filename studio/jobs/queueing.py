"""Putting tasks on the queue (django.tasks) without losing work when it is unavailable.

Job and archive state lives in the rows (`next_poll_at`, `archive_next_at`), not in the queue:
a task that could not be enqueued is done by the worker's sweep (`studio.sweep`) instead.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, router
from django.tasks import Task
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
