"""A known history of jobs: every figure the dashboard shows can be worked out by hand.

Inside the last 7 days (the default period), in the team's workspace unless noted:
- 20 successful music jobs taking 10, 20 ... 200 s, 3 quota each (60): median 100 s
  (rank 10 of 20), p95 190 s (rank 19);
- 3 successful extends taking 5, 50 and 500 s, 2 quota each, in another workspace
  ("Other"): median 50 s (rank 2), p95 500 s (rank 3);
- 4 failed music jobs ("Content policy: the prompt was refused.") and 1 failed extend
  ("Timed out at the provider."), no quota;
- running: 2 music jobs started a minute ago, 1 started 30 minutes ago (stuck) and 1 UNKNOWN
  (stuck);
- 1 song whose archiving failed.
Older than 30 days: 5 successful music jobs (3 quota each) that no period includes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from contract.producer import Action
from studio.models import ArchiveStatus, Job, JobStatus, Song, Workspace

POLICY = "Content policy: the prompt was refused."
TIMEOUT = "Timed out at the provider."


@dataclass
class History:
    now: datetime
    other: Workspace
    stuck: list[Job]
    fresh: list[Job]
    failed_song: Song


def _job(workspace, user, action, status, created, took=None, quota=None, error="") -> Job:
    return Job(
        workspace=workspace,
        user=user,
        action=action,
        status=status,
        created_at=created,
        finished_at=created + took if took is not None else None,
        quota=quota,
        error=error,
        provider_job_id=f"p-{created.timestamp()}-{action}",
    )


def seed(team, now: datetime | None = None, copies: int = 1) -> History:
    """The history above (`copies` times over for the finished jobs of the last week)."""
    now = now or timezone.now()
    ws, user = team.workspace, team.owner
    other = Workspace.objects.create(name="Other")
    # Spread over the last days, but always inside the 7-day period.
    day = timedelta(days=1)
    jobs = []
    for copy in range(copies):
        shift = timedelta(minutes=copy)
        for i in range(20):
            created = now - (i % 5 + 1) * day + timedelta(hours=1) - shift
            jobs.append(
                _job(
                    ws,
                    user,
                    Action.MUSIC,
                    JobStatus.SUCCESS,
                    created,
                    timedelta(seconds=10 * (i + 1)),
                    Decimal(3),
                )
            )
        for seconds in (5, 50, 500):
            created = now - 2 * day - shift
            jobs.append(
                _job(
                    other,
                    team.editor,
                    Action.EXTEND,
                    JobStatus.SUCCESS,
                    created,
                    timedelta(seconds=seconds),
                    Decimal(2),
                )
            )
        for i in range(4):
            created = now - (i + 1) * day - shift
            jobs.append(_job(ws, user, Action.MUSIC, JobStatus.FAILED, created, error=POLICY))
        jobs.append(
            _job(ws, user, Action.EXTEND, JobStatus.FAILED, now - day - shift, error=TIMEOUT)
        )
    for i in range(5):
        created = now - timedelta(days=40 + i)
        jobs.append(
            _job(ws, user, Action.MUSIC, JobStatus.SUCCESS, created, timedelta(seconds=9), 3)
        )
    Job.objects.bulk_create(jobs)
    fresh = [
        Job.objects.create(
            workspace=ws,
            user=user,
            action=Action.MUSIC,
            status=JobStatus.ON_QUEUE,
            created_at=now - timedelta(minutes=1),
        )
        for _ in range(2)
    ]
    stuck = [
        Job.objects.create(
            workspace=ws,
            user=user,
            action=Action.COVER,
            status=JobStatus.ON_QUEUE,
            created_at=now - timedelta(minutes=30),
            provider_job_id="p-stuck",
        ),
        Job.objects.create(
            workspace=ws,
            user=user,
            action=Action.MUSIC,
            status=JobStatus.UNKNOWN,
            created_at=now - timedelta(minutes=2),
        ),
    ]
    failed_song = Song.objects.create(
        workspace=ws,
        music_id="m-archive-failed",
        title="Lost in copying",
        archive_status=ArchiveStatus.FAILED,
        archive_error="The provider's file answered 404.",
        archive_attempts=5,
    )
    return History(now, other, stuck, fresh, failed_song)
