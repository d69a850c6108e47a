"""A job's state read from the clock: nothing runs in the background to advance it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from emulator.models import Job, key_digest

ON_QUEUE = "ON_QUEUE"


@dataclass(frozen=True)
class State:
    status: str  # ON_QUEUE, SUCCESS or FAILED
    progress: int  # 0..100

    @property
    def finished(self) -> bool:
        return self.status != ON_QUEUE


def job_seconds() -> float:
    return max(0.0, float(getattr(settings, "EMULATOR_JOB_SECONDS", 6.0)))


def finishes_at(start: datetime) -> datetime:
    return start + timedelta(seconds=job_seconds())


def state_of(job: Job, now: datetime | None = None) -> State:
    now = now or timezone.now()
    if job.finishes_at <= now:
        return State(job.outcome, 100)
    total = (job.finishes_at - job.created_at).total_seconds()
    elapsed = (now - job.created_at).total_seconds()
    # Rises steadily but never shows 100% before the job has finished.
    progress = int(100 * elapsed / total) if total > 0 else 0
    return State(ON_QUEUE, max(0, min(progress, 99)))


def running(api_key: str, now: datetime | None = None):
    """The key's jobs still running: they count against EMULATOR_RUNNING_CAP."""
    return Job.objects.filter(key_digest=key_digest(api_key), finishes_at__gt=now or timezone.now())


def finish_now(queryset=None, now: datetime | None = None) -> int:
    """Bring running jobs to their end at once (tests, the admin). Returns how many."""
    now = now or timezone.now()
    queryset = Job.objects.all() if queryset is None else queryset
    return queryset.filter(finishes_at__gt=now).update(finishes_at=now)
