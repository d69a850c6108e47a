"""The figures behind the staff dashboard: jobs per period, status and action, finish times,
failure reasons, quota per workspace, what needs attention and the worker's health.

Pure query functions: each runs a fixed number of aggregate queries whatever the size of the
history, so the page stays fast at hundreds of thousands of jobs (see bench/dashboard_bench.py).
The SQL each database gets its own way is in studio/db/dialect.py.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.http import QueryDict
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from studio.db.dialect import PercentilesDisc, Unindexed, bucket_of, custom_plans, plain_rows
from studio.db.vendor import on_postgresql
from studio.lib.keyset import CursorPage, Order, paginate
from studio.models import (
    ArchiveProblem,
    ArchiveStatus,
    Asset,
    Heartbeat,
    Job,
    JobStatus,
    Song,
    Workspace,
)
from studio.models.music import RUNNING_STATUSES
from studio.models.ops import WORKER_SILENT_AFTER
from studio.staff.figures import (
    DEFAULT_PERIOD,
    PERIODS,
    ZERO,
    Period,
    action_label,
    period,
    slot_of,
)

__all__ = ["DEFAULT_PERIOD", "PERIODS", "period", "staff_dashboard"]
STUCK_AFTER = timedelta(minutes=10)
# Failure messages are grouped on their first characters: the rest often holds ids.
REASON_LENGTH = 120
RUNNING_PER_PAGE = 25
OLDEST_FIRST = Order(("created_at", "id"), descending=False)


@dataclass
class ActionStats:
    action: str
    label: str
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    running: int = 0
    quota: Decimal = ZERO
    median: timedelta | None = None
    p95: timedelta | None = None
    timed: int = 0  # successful jobs the times are computed from

    @property
    def failure_rate(self) -> float | None:
        finished = self.succeeded + self.failed
        return self.failed / finished if finished else None


@dataclass
class JobFigures:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    quota: Decimal = ZERO
    actions: list[ActionStats] = field(default_factory=list)
    # bucket -> status -> count, bucket -> action -> count, bucket -> quota
    status_series: dict[datetime, dict[str, int]] = field(default_factory=dict)
    action_series: dict[datetime, dict[str, int]] = field(default_factory=dict)
    quota_series: dict[datetime, Decimal] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return self.by_status.get(JobStatus.FAILED, 0)

    @property
    def succeeded(self) -> int:
        return self.by_status.get(JobStatus.SUCCESS, 0)

    @property
    def running(self) -> int:
        return sum(self.by_status.get(s, 0) for s in RUNNING_STATUSES)

    @property
    def failure_rate(self) -> float | None:
        finished = self.succeeded + self.failed
        return self.failed / finished if finished else None


def job_figures(p: Period) -> JobFigures:
    """Counts and quota per bucket, status and action: one grouped query."""
    buckets = p.buckets
    rows = (
        Job.objects.filter(created_at__gte=p.start)
        .annotate(
            bucket=bucket_of("created_at", buckets),
            job_action=Unindexed("action"),
            job_status=Unindexed("status"),
        )
        .values("bucket", "job_action", "job_status")
        # COUNT(*), not COUNT(id): the id is not in the covering index (job_created_cover).
        .annotate(n=Count("*"), spent=Sum("quota"))
        .order_by()
    )
    figures = JobFigures()
    actions: dict[str, ActionStats] = {}
    status_series: dict = defaultdict(lambda: defaultdict(int))
    action_series: dict = defaultdict(lambda: defaultdict(int))
    quota_series: dict = defaultdict(Decimal)
    by_status: dict = defaultdict(int)
    for row in rows:
        bucket, action, status, n = (
            slot_of(row["bucket"], buckets),
            row["job_action"],
            row["job_status"],
            row["n"],
        )
        spent = row["spent"] or ZERO
        figures.total += n
        figures.quota += spent
        by_status[status] += n
        status_series[bucket][status] += n
        action_series[bucket][action] += n
        quota_series[bucket] += spent
        stats = actions.get(action)
        if stats is None:
            stats = actions[action] = ActionStats(action, action_label(action))
        stats.total += n
        stats.quota += spent
        if status == JobStatus.SUCCESS:
            stats.succeeded += n
        elif status == JobStatus.FAILED:
            stats.failed += n
        else:
            stats.running += n
    figures.by_status = dict(by_status)
    figures.status_series = {k: dict(v) for k, v in status_series.items()}
    figures.action_series = {k: dict(v) for k, v in action_series.items()}
    figures.quota_series = dict(quota_series)
    figures.actions = sorted(actions.values(), key=lambda s: (-s.total, s.action))
    return figures


def _timed_jobs(p: Period):
    return Job.objects.alias(job_status=Unindexed("status")).filter(
        created_at__gte=p.start, job_status=JobStatus.SUCCESS, duration_us__isnull=False
    )


def finish_times(p: Period) -> dict[str, tuple[timedelta, timedelta, int]]:
    """Median and 95th percentile of the time successful jobs took, per action.

    Nearest-rank percentiles (ranks ceil(n/2) and ceil(0.95 n)): an ordered-set aggregate
    on PostgreSQL (one in-memory sort per action, a row per action comes back); elsewhere
    every duration, as an integer, sorted here.
    """
    if on_postgresql():
        return _finish_times_postgresql(p)
    return _finish_times_sorted(p)


def _finish_times_postgresql(p: Period) -> dict[str, tuple[timedelta, timedelta, int]]:
    rows = (
        _timed_jobs(p)
        .values("action")
        .annotate(n=Count("*"), times=PercentilesDisc(F("duration_us"), (0.5, 0.95)))
        .order_by()
    )
    return {
        row["action"]: (
            timedelta(microseconds=row["times"][0]),
            timedelta(microseconds=row["times"][1]),
            row["n"],
        )
        for row in rows
    }


def _finish_times_sorted(p: Period) -> dict[str, tuple[timedelta, timedelta, int]]:
    """Every job's stored duration, sorted per action here and the two ranks picked. On
    SQLite about half the time of window functions over the same jobs, which sort them in a
    temporary B-tree."""
    rows = (
        _timed_jobs(p)
        .annotate(job_action=Unindexed("action"))
        .values_list("job_action", "duration_us")
        .order_by()
    )
    durations: dict[str, list[int]] = defaultdict(list)
    for action, took in plain_rows(rows):
        durations[action].append(took)
    out = {}
    for action, took in durations.items():
        took.sort()
        n = len(took)
        # Nearest rank: ceil(n / 2) and ceil(95 n / 100), in integers.
        median, p95 = took[(n + 1) // 2 - 1], took[(n * 95 + 99) // 100 - 1]
        out[action] = (timedelta(microseconds=median), timedelta(microseconds=p95), n)
    return out


def failure_reasons(p: Period, limit: int = 5) -> list[tuple[str, int]]:
    rows = (
        Job.objects.filter(created_at__gte=p.start, status=JobStatus.FAILED)
        .annotate(reason=Substr("error", 1, REASON_LENGTH))
        .values("reason")
        .annotate(n=Count("*"))
        .order_by("-n", "reason")[:limit]
    )
    return [(row["reason"] or "(no reason recorded)", row["n"]) for row in rows]


def quota_by_workspace(p: Period, limit: int = 10) -> list[dict]:
    # Grouped on the job table alone, then the names of the few top workspaces in a second
    # query: a join before grouping sorts every job's workspace name, and a name subquery
    # in the same SELECT lands in the GROUP BY, where it runs once per job.
    rows = list(
        Job.objects.filter(created_at__gte=p.start, quota__isnull=False)
        .annotate(job_workspace=Unindexed("workspace_id"))
        .values("job_workspace")
        .annotate(spent=Sum("quota"), jobs=Count("*"))
        .order_by("-spent", "job_workspace")[:limit]
    )
    names = dict(
        Workspace.objects.filter(pk__in=[row["job_workspace"] for row in rows]).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["workspace_id"] = row.pop("job_workspace")
        row["workspace__name"] = names.get(row["workspace_id"])
    return rows


@dataclass
class Attention:
    """What needs a person: running and stuck jobs, files that could not be archived."""

    running: CursorPage  # of running jobs, oldest first
    running_count: int
    stuck_count: int
    songs: list[Song]
    assets: list[Asset]
    storage_full: int = 0  # files whose last copy found the storage full


def storage_full_count() -> int:
    """Songs and files whose copy waits (or gave up) because the storage was full: one query."""
    waiting = {
        "archive_problem": ArchiveProblem.STORAGE_FULL,
        "archive_status__in": (ArchiveStatus.PENDING, ArchiveStatus.FAILED),
    }
    return (
        Song.objects.filter(**waiting)
        .values("pk")
        .union(Asset.objects.filter(**waiting).values("pk"), all=True)
        .count()
    )


def is_stuck(job: Job, now: datetime) -> bool:
    return job.status == JobStatus.UNKNOWN or job.created_at < now - STUCK_AFTER


def attention(
    now: datetime | None = None, params: QueryDict | None = None, limit: int = RUNNING_PER_PAGE
) -> Attention:
    """`params` holds the running jobs' page cursor (studio.keyset); BadCursor if it is bad."""
    now = now or timezone.now()
    stuck_q = Q(status=JobStatus.UNKNOWN) | Q(created_at__lt=now - STUCK_AFTER)
    counts = Job.objects.filter(status__in=RUNNING_STATUSES).aggregate(
        running=Count("pk"), stuck=Count("pk", filter=stuck_q)
    )
    # Oldest first, a page at a time: the oldest are the stuck ones. Running jobs are few
    # (each workspace has a cap), found through job_status_poll.
    running = paginate(
        Job.objects.filter(status__in=RUNNING_STATUSES)
        .select_related("workspace", "user")
        .defer("params", "raw"),
        OLDEST_FIRST,
        params if params is not None else QueryDict(),
        limit,
    )
    for job in running.object_list:
        job.stuck = is_stuck(job, now)
    # On each page, the stuck ones first (a job in an unknown state may be young).
    running.object_list.sort(key=lambda j: (not j.stuck, j.created_at))
    songs = list(
        Song.objects.filter(archive_status=ArchiveStatus.FAILED)
        .select_related("workspace")
        .defer("peaks", "raw", "lyrics", "prompt")
        .order_by("-created_at")[:limit]
    )
    assets = list(
        Asset.objects.filter(archive_status=ArchiveStatus.FAILED)
        .select_related("workspace", "song")
        .defer("song__peaks", "song__raw", "song__lyrics", "song__prompt")
        .order_by("-created_at")[:limit]
    )
    return Attention(
        running, counts["running"], counts["stuck"], songs, assets, storage_full_count()
    )


@dataclass
class WorkerHealth:
    last_seen: datetime | None
    queued: int
    alive: bool


def worker_health(now: datetime | None = None) -> WorkerHealth:
    now = now or timezone.now()
    last_seen = Heartbeat.objects.filter(name="worker").values_list("seen_at", flat=True).first()
    queued = DBTaskResult.objects.ready().count()
    alive = last_seen is not None and last_seen >= now - WORKER_SILENT_AFTER
    return WorkerHealth(last_seen, queued, alive)


@dataclass
class Dashboard:
    period: Period
    jobs: JobFigures
    reasons: list[tuple[str, int]]
    workspaces: list[dict]
    attention: Attention
    worker: WorkerHealth


@custom_plans()
def staff_dashboard(
    key: str, now: datetime | None = None, params: QueryDict | None = None
) -> Dashboard:
    """Everything the staff dashboard shows, in twelve queries."""
    now = now or timezone.now()
    p = period(key, now)
    jobs = job_figures(p)
    times = finish_times(p)
    for stats in jobs.actions:
        if stats.action in times:
            stats.median, stats.p95, stats.timed = times[stats.action]
    return Dashboard(
        period=p,
        jobs=jobs,
        reasons=failure_reasons(p),
        workspaces=quota_by_workspace(p),
        attention=attention(now, params),
        worker=worker_health(now),
    )
