"""A job's state read from the clock: nothing runs in the background to advance it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from emulator import faults
from emulator.models import Job, key_digest

ON_QUEUE = "ON_QUEUE"
PENDING_QUEUE = "PENDING_QUEUE"
RUNNING = frozenset({PENDING_QUEUE, ON_QUEUE})
PENDING_SHARE = 1 / 3  # of the run a `pending` job waits in PENDING_QUEUE


@dataclass(frozen=True)
class State:
    status: str  # PENDING_QUEUE, ON_QUEUE, SUCCESS or FAILED
    progress: int  # 0..100

    @property
    def finished(self) -> bool:
        return self.status not in RUNNING


def job_seconds() -> float:
    return max(0.0, float(settings.EMULATOR_JOB_SECONDS))


def finishes_at(start: datetime) -> datetime:
    return start + timedelta(seconds=job_seconds())


def state_of(job: Job, now: datetime | None = None) -> State:
    """Where the job is now: progress rises by the percent (never 100 before the end); a
    `pending` job waits in PENDING_QUEUE at 0% for the first third of its run."""
    now = now or timezone.now()
    if job.finishes_at <= now:
        return State(job.outcome, 100)
    total = (job.finishes_at - job.created_at).total_seconds()
    share = (now - job.created_at).total_seconds() / total if total > 0 else 0.0
    if job.fault == faults.PENDING:
        if share < PENDING_SHARE:
            return State(PENDING_QUEUE, 0)
        share = (share - PENDING_SHARE) / (1 - PENDING_SHARE)
    return State(ON_QUEUE, max(0, min(int(100 * share), 99)))


def running(api_key: str, now: datetime | None = None):
    """The key's jobs still running: they count against EMULATOR_RUNNING_CAP."""
    return Job.objects.filter(key_digest=key_digest(api_key), finishes_at__gt=now or timezone.now())


def finish_now(queryset=None, now: datetime | None = None) -> int:
    """Bring running jobs to their end at once (tests, the admin). Returns how many."""
    now = now or timezone.now()
    queryset = Job.objects.all() if queryset is None else queryset
    return queryset.filter(finishes_at__gt=now).update(finishes_at=now)
