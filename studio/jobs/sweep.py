"""The worker's periodic sweep: sends, polls and archives whatever is due, starts waiting
batch items and posts webhook events.

Job and archive state lives in the rows (`next_poll_at`, `archive_next_at`), not in the
queue: the sweep claims what is due with a compare-and-set, so a killed worker loses nothing
and several workers never handle the same row at once. The queued tasks (`jobs.send_job`,
`archive.archive_files`) are the fast path; this is the one that never loses work.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from studio.api import batches, events
from studio.jobs import archive, queueing
from studio.jobs import lifecycle as jobs
from studio.library import trash, uploads
from studio.models import ArchiveStatus, Asset, Heartbeat, Job, JobStatus, Song

logger = logging.getLogger(__name__)

BATCH = 50


def sweep(now: datetime | None = None) -> dict[str, int]:
    """One round of periodic work; returns how many rows each step handled."""
    now = now or timezone.now()
    Heartbeat.beat("worker")
    done = {"sent": 0, "polled": 0, "archived": 0, "batched": 0, "events": 0, "delivered": 0}
    done["emptied"] = 0
    done["uploads_deleted"] = 0
    due = Job.objects.filter(
        status__in=(JobStatus.SUBMITTING, JobStatus.ON_QUEUE, JobStatus.UNKNOWN),
        next_poll_at__lte=now,
    ).order_by("next_poll_at")[:BATCH]
    for job in due:
        if not jobs.claim(job, jobs.send_lease() if _unsent(job) else jobs.poll_lease(), now):
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
    # Files due for a copy are queued, never copied here: a slow file must not hold up polls.
    due_files: dict[type, list[str]] = {Song: [], Asset: []}
    for model in (Song, Asset):
        rows = model.objects.filter(
            Q(archive_next_at__lte=now) | Q(archive_next_at__isnull=True),
            archive_status=ArchiveStatus.PENDING,
        ).order_by("archive_next_at")[:BATCH]
        for row in rows:
            if archive.lease(model, row, now):
                due_files[model].append(str(row.pk))
    if due_files[Song] or due_files[Asset]:
        queueing.enqueue_quietly(archive.archive_files, due_files[Song], due_files[Asset])
        done["archived"] = len(due_files[Song]) + len(due_files[Asset])
    try:
        done["batched"] = batches.advance_waiting()
    except Exception:
        logger.exception("Sweep could not start waiting batch items")
    try:
        done["events"] = events.collect(now)
        # Posting waits on the receivers (10 s at most each): a handful per round.
        done["delivered"] = events.deliver_due(now)
    except Exception:
        logger.exception("Sweep could not send webhook events")
    try:
        done["emptied"] = trash.empty(now)
    except Exception:
        logger.exception("Sweep could not empty the trash")
    try:
        done["uploads_deleted"] = uploads.sweep_orphans(now)
    except Exception:
        logger.exception("Sweep could not delete uploads that belong to nothing")
    return done


def _unsent(job: Job) -> bool:
    return job.status == JobStatus.SUBMITTING and job.submitted_at is None
