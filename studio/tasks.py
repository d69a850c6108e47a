"""Background work (django.tasks): send jobs, poll them, archive their files; and the sweep.

Job and archive state lives in the rows (`next_poll_at`, `archive_next_at`), not in the
queue: the worker's periodic `sweep` claims whatever is due with a compare-and-set, so a
killed worker loses nothing and several workers never handle the same row at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models import Q
from django.tasks import Task, task
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from studio import archive, jobs
from studio.models import ArchiveStatus, Asset, Heartbeat, Job, JobStatus, Song

logger = logging.getLogger(__name__)

BATCH = 50


def poll_lease() -> timedelta:
    """A claimed poll not finished by then is taken again (JOB_POLL_LEASE_SECONDS)."""
    return timedelta(seconds=float(getattr(settings, "JOB_POLL_LEASE_SECONDS", 120)))


@task()
def send_job(job_id: str) -> str:
    return jobs.send(job_id).status


@task()
def poll_job(job_id: str) -> str:
    job = jobs.poll(job_id)
    return job.status if job else "gone"


@task()
def archive_song(song_id: str) -> bool:
    return archive.archive_song(song_id)


@task()
def archive_asset(asset_id: str) -> bool:
    return archive.archive_asset(asset_id)


@task()
def archive_files(song_ids: list[str], asset_ids: list[str]) -> int:
    """A result's files, one task per job; each row is claimed on its own."""
    done = 0
    for copy, ids in ((archive.archive_song, song_ids), (archive.archive_asset, asset_ids)):
        for pk in ids:
            try:
                done += bool(copy(pk))
            except Exception:  # the sweep tries this one again; go on with the others
                logger.exception("Archiving %s failed", pk)
    return done


def _queue_in_database() -> bool:
    from django_tasks_db.models import DBTaskResult  # a model: not at import time

    backend = archive_files.get_backend()
    return isinstance(backend, DatabaseBackend) and (
        router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
    )


def archive_later(song_ids: Iterable[UUID | str], asset_ids: Iterable[UUID | str] = ()) -> None:
    """Queue the copy of a result's files.

    When the queue is a table of this database (django-tasks-db), the task is written in
    the caller's transaction: it exists exactly when the result does, for one INSERT. Any
    other backend (which may run the task at once, over HTTP) gets it after commit.
    """
    args = _archive_args(song_ids, asset_ids)
    if not (args[0] or args[1]):
        return
    if _queue_in_database():
        archive_files.enqueue(*args)
    else:
        transaction.on_commit(partial(enqueue_quietly, archive_files, *args))


def archive_row(song_ids: Iterable[UUID | str], asset_ids: Iterable[UUID | str] = ()):
    """The queue row `archive_files.enqueue` would write, unsaved, or None when the queue is
    not a table of this database: for a statement that records a result and queues its
    archiving at once (`results.record_songs_at_once`)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    if not _queue_in_database():
        return None
    task_ = archive_files
    return DBTaskResult(
        args_kwargs={"args": list(_archive_args(song_ids, asset_ids)), "kwargs": {}},
        priority=task_.priority,
        task_path=task_.module_path,
        queue_name=task_.queue_name,
        backend_name=task_.get_backend().alias,
        # django-tasks-db stores "no run_after" as its far date (set by a pre_save signal).
        run_after=task_.run_after or get_date_max(),
    )


def _archive_args(
    song_ids: Iterable[UUID | str], asset_ids: Iterable[UUID | str]
) -> tuple[list[str], list[str]]:
    """`archive_files`' arguments: the ids as text, as the task's JSON arguments hold them."""
    return [str(pk) for pk in song_ids], [str(pk) for pk in asset_ids]


def enqueue_quietly(task_: Task, *args: str) -> None:
    """Enqueue, or leave the row for the sweep if the queue is unavailable."""
    try:
        task_.enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r; the sweep will pick it up", task_.name, args)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """One round of periodic work; returns how many rows each step handled."""
    now = now or timezone.now()
    Heartbeat.beat("worker")
    done = {"sent": 0, "polled": 0, "archived": 0}
    due = Job.objects.filter(
        status__in=(JobStatus.SUBMITTING, JobStatus.ON_QUEUE, JobStatus.UNKNOWN),
        next_poll_at__lte=now,
    ).order_by("next_poll_at")[:BATCH]
    for job in due:
        if not jobs.claim(job, jobs.send_lease() if _unsent(job) else poll_lease(), now):
            continue  # another worker has it
        try:
            if _unsent(job):
                jobs.send(job)
                done["sent"] += 1
            else:
                # Also a send that died in flight: reconcile marks it UNKNOWN, never resends.
                jobs.poll(job.pk, now=now)
                done["polled"] += 1
        except Exception:
            logger.exception("Sweep could not handle job %s", job.pk)
    for model, copy in ((Song, archive.archive_song), (Asset, archive.archive_asset)):
        rows = model.objects.filter(
            Q(archive_next_at__lte=now) | Q(archive_next_at__isnull=True),
            archive_status=ArchiveStatus.PENDING,
        ).order_by("archive_next_at")[:BATCH]
        for row in rows:
            try:
                done["archived"] += bool(copy(row.pk))
            except Exception:
                logger.exception("Sweep could not archive %s %s", model.__name__, row.pk)
    return done


def _unsent(job: Job) -> bool:
    return job.status == JobStatus.SUBMITTING and job.submitted_at is None
