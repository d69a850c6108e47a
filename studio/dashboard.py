"""The figures behind the staff dashboard and the workspace usage page.

Pure query functions: each runs a fixed number of aggregate queries whatever the size of the
history, so the pages stay fast at hundreds of thousands of jobs (see bench/dashboard_bench.py).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import wraps
from itertools import pairwise

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contract.producer import Action
from studio import ledger
from studio.models import (
    ArchiveStatus,
    Asset,
    Heartbeat,
    Job,
    JobStatus,
    Membership,
    Song,
    Workspace,
)
from studio.models.music import RUNNING_STATUSES

ZERO = Decimal(0)
# Jobs normally finish within a few minutes; past this one is shown as stuck (the poller
# gives up later, at JOB_MAX_AGE_MINUTES).
STUCK_AFTER = timedelta(minutes=10)
# A worker that has not beaten for this long is reported as down.
WORKER_SILENT_AFTER = timedelta(minutes=2)
# Failure messages are grouped on their first characters: the rest often holds ids.
REASON_LENGTH = 120


def planned_for_the_period[**P, T](figures: Callable[P, T]) -> Callable[P, T]:
    """Run `figures` with query plans made for the period asked for.

    On PostgreSQL a query repeated on a connection is prepared (DATABASE_PREPARE_THRESHOLD),
    and the server may then keep one generic plan, made without knowing the dates, that
    reads far more of the table than a short period needs. SET LOCAL lasts for this
    transaction only.
    """

    @wraps(figures)
    def planned(*args: P.args, **kwargs: P.kwargs) -> T:
        if connection.vendor != "postgresql":
            return figures(*args, **kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            return figures(*args, **kwargs)

    return planned


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime
    end: datetime
    unit: str  # "hour" or "day": the size of a chart bucket

    @property
    def buckets(self) -> list[datetime]:
        step = timedelta(hours=1) if self.unit == "hour" else timedelta(days=1)
        out, at = [], self.start
        while at <= self.end:
            out.append(at)
            at += step
        return out


PERIODS = {"24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days"}
DEFAULT_PERIOD = "7d"


def period(key: str, now: datetime | None = None) -> Period:
    """The period named `key` (unknown keys fall back to the default), ending now."""
    now = timezone.localtime(now or timezone.now())
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    if key == "24h":
        start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
        return Period(key, PERIODS[key], start, now, "hour")
    days = 7 if key == "7d" else 30
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return Period(key, PERIODS[key], midnight - timedelta(days=days - 1), now, "day")


# --- Staff dashboard -------------------------------------------------------------------


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


class Slot(Func):
    """floor((column - start) / step) with native date arithmetic: the bucket of a datetime
    when every bucket lasts the same time (always in UTC; elsewhere unless DST shifts)."""

    output_field = IntegerField()

    def __init__(self, column: str, start: datetime, step: timedelta) -> None:
        super().__init__(F(column), Value(start))
        self.seconds = step.total_seconds()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"CAST((julianday(%(expressions)s)) * {86400 / self.seconds!r} AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date_part() works in double precision; EXTRACT() returns numeric, twice as slow here.
        return self.as_sql(
            compiler,
            connection,
            template=f"FLOOR(date_part('epoch', %(expressions)s) / {self.seconds!r})::int",
            arg_joiner=" - ",
            **extra,
        )


def bucket_of(field: str, buckets: list[datetime]) -> Func | Case | Value:
    """The index of the bucket a datetime falls in (buckets: their local starts, in order).

    Native arithmetic when the buckets are all the same length; a CASE over the edges when a
    daylight-saving change makes one shorter. Either way no Python call per row, which is
    what Trunc() costs on SQLite (about ten times slower at 100,000 jobs).
    """
    steps = {b - a for a, b in pairwise(buckets)}
    if not steps:
        return Value(0, output_field=IntegerField())
    if len(steps) == 1:
        return Slot(field, buckets[0], steps.pop())
    whens = [When(**{f"{field}__lt": edge}, then=Value(i)) for i, edge in enumerate(buckets[1:])]
    return Case(*whens, default=Value(len(buckets) - 1), output_field=IntegerField())


def _slot(index: int, buckets: list[datetime]) -> datetime:
    # A job created a moment after the period's end (while the page loads) joins the last one.
    return buckets[min(max(index, 0), len(buckets) - 1)]


class Unindexed(Func):
    """A column, written `+column` on SQLite: SQLite's way to keep the planner off the
    indexes on that column. Without ANALYZE statistics it reads a whole period through
    job_status_poll or job_action_created (one table lookup per job, to save a sort of a few
    hundred groups) rather than range-scan the covering index job_created_cover: 3 to 10 times
    slower. PostgreSQL gets the plain column."""

    template = "%(expressions)s"

    def __init__(self, column: str) -> None:
        super().__init__(F(column))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


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
            _slot(row["bucket"], buckets),
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
            stats = actions[action] = ActionStats(action, _action_label(action))
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


def _action_label(action: str) -> str:
    try:
        return Action(action).label
    except ValueError:
        return action


class Seconds(Func):
    """Seconds from one datetime column to another, with each database's native arithmetic
    (Django's own datetime subtraction calls back into Python for every row on SQLite)."""

    output_field = FloatField()
    template = "date_part('epoch', %(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class PercentilesDisc(Aggregate):
    """PostgreSQL's percentile_disc(ARRAY[f, ...]) WITHIN GROUP (ORDER BY expression): the
    nearest-rank percentiles, the values at ranks ceil(f n), as a list. One aggregate for
    all the fractions sorts each group once (two aggregates cost about half as much again)."""

    function = "percentile_disc"
    template = (
        "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    )

    def __init__(self, expression, fractions: tuple[float, ...], **extra) -> None:
        from django.contrib.postgres.fields import ArrayField  # needs psycopg: PostgreSQL only

        super().__init__(
            expression,
            fractions=", ".join(repr(float(f)) for f in fractions),
            output_field=ArrayField(FloatField()),
            **extra,
        )


def _timed_jobs(p: Period):
    return Job.objects.alias(job_status=Unindexed("status")).filter(
        created_at__gte=p.start, job_status=JobStatus.SUCCESS, finished_at__isnull=False
    )


def finish_times(p: Period) -> dict[str, tuple[timedelta, timedelta, int]]:
    """Median and 95th percentile of the time successful jobs took, per action.

    Nearest-rank percentiles (ranks ceil(n/2) and ceil(0.95 n)): an ordered-set aggregate
    on PostgreSQL (one in-memory sort per action, a row per action comes back); elsewhere
    every duration, as an integer, sorted here.
    """
    if connection.vendor == "postgresql":
        return _finish_times_postgresql(p)
    return _finish_times_sorted(p)


def _finish_times_postgresql(p: Period) -> dict[str, tuple[timedelta, timedelta, int]]:
    duration = Seconds("created_at", "finished_at")
    rows = (
        _timed_jobs(p)
        .values("action")
        .annotate(
            n=Count("*"),
            times=PercentilesDisc(duration, (0.5, 0.95)),
        )
        .order_by()
    )
    # date_part() is exact to the microsecond.
    return {
        row["action"]: (
            timedelta(seconds=round(row["times"][0], 6)),
            timedelta(seconds=round(row["times"][1], 6)),
            row["n"],
        )
        for row in rows
    }


class Microseconds(Func):
    """Whole microseconds from one datetime column to another, exactly. On SQLite: the whole
    seconds of each text value (its first 19 characters, so a fraction never rounds into
    them) plus the difference of the fractions; julianday() keeps milliseconds only."""

    output_field = IntegerField()
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    arg_joiner = " - "

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        seconds = "unixepoch" if connection.Database.sqlite_version_info >= (3, 38) else "strftime"
        fmt = "'%%s', " if seconds == "strftime" else ""
        sql = (
            f"((CAST({seconds}({fmt}substr({end}, 1, 19)) AS INTEGER)"
            f" - CAST({seconds}({fmt}substr({start}, 1, 19)) AS INTEGER)) * 1000000"
            f" + CAST(substr({end}, 21, 6) AS INTEGER) - CAST(substr({start}, 21, 6) AS INTEGER))"
        )
        return sql, (*end_params, *end_params, *start_params, *start_params)


def _finish_times_sorted(p: Period) -> dict[str, tuple[timedelta, timedelta, int]]:
    """Every duration read as an integer, sorted per action here and the two ranks picked.
    On SQLite about half the time of window functions over the same jobs, which sort them
    in a temporary B-tree and work each duration out through julianday() (exact to the
    millisecond only, so near ties could come out in the wrong order)."""
    rows = (
        _timed_jobs(p)
        .annotate(job_action=Unindexed("action"), took=Microseconds("created_at", "finished_at"))
        .values_list("job_action", "took")
        .order_by()
    )
    # Straight from the cursor: two plain columns need no conversion, and Django's row by
    # row iteration would cost a third of the time here at 100,000 jobs.
    sql, params = rows.query.sql_with_params()
    durations: dict[str, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for action, took in cursor.fetchall():
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

    running: list[Job]
    running_count: int
    stuck_count: int
    songs: list[Song]
    assets: list[Asset]


def is_stuck(job: Job, now: datetime) -> bool:
    return job.status == JobStatus.UNKNOWN or job.created_at < now - STUCK_AFTER


def attention(now: datetime | None = None, limit: int = 25) -> Attention:
    now = now or timezone.now()
    stuck_q = Q(status=JobStatus.UNKNOWN) | Q(created_at__lt=now - STUCK_AFTER)
    counts = Job.objects.filter(status__in=RUNNING_STATUSES).aggregate(
        running=Count("pk"), stuck=Count("pk", filter=stuck_q)
    )
    # Stuck jobs first (oldest first), then the rest of what is running.
    running = list(
        Job.objects.filter(status__in=RUNNING_STATUSES)
        .select_related("workspace", "user")
        .defer("params", "raw")
        .order_by("created_at")[:limit]
    )
    for job in running:
        job.stuck = is_stuck(job, now)
    running.sort(key=lambda j: (not j.stuck, j.created_at))
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
    return Attention(running, counts["running"], counts["stuck"], songs, assets)


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


@planned_for_the_period
def staff_dashboard(key: str, now: datetime | None = None) -> Dashboard:
    """Everything the staff dashboard shows, in eleven queries."""
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
        attention=attention(now),
        worker=worker_health(now),
    )


# --- Workspace usage -------------------------------------------------------------------


@dataclass
class MemberUsage:
    user_id: int | None
    name: str
    role: str = ""
    spent: Decimal = ZERO
    jobs: int = 0


@dataclass
class Usage:
    since: datetime
    spent: Decimal
    budget: int | None
    reserved: Decimal  # what running jobs will probably charge, held against the budget
    members: list[MemberUsage]
    actions: list[dict]
    daily: dict[datetime, Decimal]
    days: list[datetime]
    top_jobs: list[Job]

    @property
    def share(self) -> float | None:
        """The part of the budget spent (1.0 = all of it), or None without a budget."""
        if not self.budget:
            return None
        return float(self.spent) / self.budget

    @property
    def job_count(self) -> int:
        return sum(m.jobs for m in self.members)

    @property
    def average(self) -> Decimal:
        return self.spent / self.job_count if self.job_count else ZERO

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else max(ZERO, Decimal(self.budget) - self.spent)


@planned_for_the_period
def workspace_usage(workspace, now: datetime | None = None, top: int = 10) -> Usage:
    """Quota the workspace spent this calendar month: per member, per action, per day.

    The same rule as the ledger (and so as the budget stop in jobs.submit): a job counts in
    the month it was created, for the quota the provider reported.
    """
    now = timezone.localtime(now or timezone.now())
    since = ledger.month_start(now)
    charged = Job.objects.filter(workspace=workspace, created_at__gte=since, quota__isnull=False)
    rows = (
        charged.values("user_id", "user__username", "action")
        .annotate(spent=Sum("quota"), n=Count("pk"))
        .order_by()
    )
    members: dict[int | None, MemberUsage] = {
        m.user_id: MemberUsage(m.user_id, m.user.get_username(), m.get_role_display())
        for m in Membership.objects.filter(workspace=workspace).select_related("user")
    }
    actions: dict[str, dict] = {}
    spent = ZERO
    for row in rows:
        amount = row["spent"] or ZERO
        spent += amount
        member = members.get(row["user_id"])
        if member is None:  # a former member, or a deleted account
            name = row["user__username"] or "deleted account"
            member = members[row["user_id"]] = MemberUsage(row["user_id"], name, "former member")
        member.spent += amount
        member.jobs += row["n"]
        entry = actions.setdefault(
            row["action"],
            {
                "action": row["action"],
                "label": _action_label(row["action"]),
                "spent": ZERO,
                "jobs": 0,
            },
        )
        entry["spent"] += amount
        entry["jobs"] += row["n"]
    days, at = [], since
    while at <= now:
        days.append(at)
        at = timezone.localtime(at + timedelta(days=1)).replace(hour=0)
    daily_rows = (
        charged.annotate(day=bucket_of("created_at", days))
        .values("day")
        .annotate(spent=Sum("quota"))
        .order_by()
    )
    daily: dict[datetime, Decimal] = defaultdict(Decimal)
    for row in daily_rows:
        daily[_slot(row["day"], days)] += row["spent"] or ZERO
    top_jobs = list(
        charged.filter(quota__gt=0)
        .select_related("user", "parent")
        .order_by("-quota", "-created_at")[:top]
    )
    return Usage(
        since=since,
        spent=spent,
        budget=workspace.monthly_budget,
        reserved=ledger.running_estimate(workspace),
        members=sorted(members.values(), key=lambda m: (-m.spent, m.name)),
        actions=sorted(actions.values(), key=lambda a: (-a["spent"], a["label"])),
        daily=daily,
        days=days,
        top_jobs=top_jobs,
    )


def job_summary(job: Job) -> str:
    """A few words saying what a job was about: its title, prompt or the song it worked on."""
    params = job.params if isinstance(job.params, dict) else {}
    for key in ("title", "prompt", "tags", "style"):
        text = params.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip()
    if job.parent_id and job.parent:
        return f"{job.get_action_display()} of {job.parent}"
    return job.get_action_display()
