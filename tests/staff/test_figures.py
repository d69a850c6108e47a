"""The dashboard's figures for a history whose answers are known (see history.py)."""

import math
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contract.producer import Action
from studio.jobs import ledger
from studio.models import Heartbeat, Job, JobStatus
from studio.staff import dashboard
from studio.workspaces.usage import workspace_usage
from tests.staff import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(team) -> history.History:
    return history.seed(team)


def test_counts_and_quota_over_seven_days(seeded):
    figures = dashboard.job_figures(dashboard.period("7d", seeded.now))
    assert figures.total == 20 + 3 + 5 + 4
    assert figures.succeeded == 23
    assert figures.failed == 5
    assert figures.running == 4
    assert figures.by_status[JobStatus.UNKNOWN] == 1
    assert figures.quota == Decimal(66)
    assert figures.failure_rate == pytest.approx(5 / 28)
    by_action = {a.action: a for a in figures.actions}
    assert by_action[Action.MUSIC].total == 20 + 4 + 3
    assert by_action[Action.MUSIC].failure_rate == pytest.approx(4 / 24)
    assert by_action[Action.MUSIC].quota == Decimal(60)
    assert by_action[Action.EXTEND].failed == 1
    assert by_action[Action.COVER].running == 1
    # Every bucket's counts add up to the total, and the series only use the period's buckets.
    buckets = set(dashboard.period("7d", seeded.now).buckets)
    assert set(figures.status_series) <= buckets
    assert sum(sum(c.values()) for c in figures.status_series.values()) == figures.total
    assert sum(figures.quota_series.values()) == Decimal(66)


def test_periods_select_the_right_jobs(seeded):
    day = dashboard.job_figures(dashboard.period("24h", seeded.now))
    # Music jobs 23 hours ago (4 of the 20) and the 4 running ones.
    assert day.total == 8
    assert day.quota == Decimal(12)
    month = dashboard.job_figures(dashboard.period("30d", seeded.now))
    assert month.total == 32  # the five jobs from 40 days ago are in no period
    assert dashboard.period("nonsense", seeded.now).key == dashboard.DEFAULT_PERIOD
    assert len(dashboard.period("7d", seeded.now).buckets) == 7
    assert len(dashboard.period("30d", seeded.now).buckets) == 30
    assert len(dashboard.period("24h", seeded.now).buckets) == 24


def test_median_and_p95_per_action(seeded):
    times = dashboard.finish_times(dashboard.period("7d", seeded.now))
    assert times[Action.MUSIC] == (timedelta(seconds=100), timedelta(seconds=190), 20)
    assert times[Action.EXTEND] == (timedelta(seconds=50), timedelta(seconds=500), 3)
    assert Action.COVER not in times  # nothing finished


def test_single_job_is_its_own_median_and_p95(team):
    now = timezone.now()
    Job.objects.create(
        workspace=team.workspace,
        action=Action.STEMS,
        status=JobStatus.SUCCESS,
        created_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=4),
    )
    times = dashboard.finish_times(dashboard.period("24h", now))
    assert times[Action.STEMS] == (timedelta(minutes=1), timedelta(minutes=1), 1)


def test_percentiles_are_nearest_rank_for_any_count(team):
    """Both ways of computing them (PostgreSQL's percentile_disc, the sort in Python every
    database runs) give the values at ranks ceil(n/2) and ceil(0.95 n), for awkward n."""
    rng = random.Random(3)
    now = timezone.now()
    counts = {Action.MUSIC: 101, Action.EXTEND: 39, Action.COVER: 21, Action.STEMS: 2}
    durations: dict[str, list[timedelta]] = {}
    jobs = []
    for action, n in counts.items():
        # Whole milliseconds, all different: SQLite's julianday() is exact to ~50 µs.
        took = [timedelta(milliseconds=ms) for ms in rng.sample(range(1_000, 900_000), n)]
        durations[action] = took
        for t in took:
            created = now - timedelta(hours=rng.uniform(1, 20))
            jobs.append(
                history._job(team.workspace, team.owner, action, JobStatus.SUCCESS, created, t)
            )
    Job.objects.bulk_create(jobs)
    expected = {}
    for action, took in durations.items():
        ordered, n = sorted(took), len(took)
        expected[action] = (ordered[math.ceil(n / 2) - 1], ordered[math.ceil(0.95 * n) - 1], n)
    p = dashboard.period("24h", now)
    assert dashboard.finish_times(p) == expected
    assert dashboard._finish_times_sorted(p) == expected


def test_percentiles_are_exact_to_the_microsecond(team):
    """Durations a few microseconds apart, fractions that carry into the next second, whole
    seconds stored without a fraction: ranked and reported exactly on every database."""
    now = timezone.now().replace(microsecond=0)
    took = [
        timedelta(seconds=1, microseconds=300),
        timedelta(seconds=1, microseconds=100),
        timedelta(seconds=1, microseconds=200),
        timedelta(seconds=1),
    ]
    starts = [
        now - timedelta(hours=2, microseconds=200),  # ends at .000100: carries a second
        now - timedelta(hours=3, microseconds=999_999),
        now - timedelta(hours=4, microseconds=1),
        now - timedelta(hours=5),  # no fraction stored at either end
    ]
    Job.objects.bulk_create(
        history._job(team.workspace, team.owner, Action.STEMS, JobStatus.SUCCESS, start, t)
        for start, t in zip(starts, took, strict=True)
    )
    p = dashboard.period("24h", now)
    expected = {Action.STEMS: (timedelta(seconds=1, microseconds=100), took[0], 4)}
    assert dashboard.finish_times(p) == expected
    assert dashboard._finish_times_sorted(p) == expected


def test_the_database_keeps_each_jobs_duration(team):
    """Job.duration_us, the column the finish times read: set when a job finishes, however
    it is saved, to the microsecond; empty while it runs."""
    created = timezone.now().replace(microsecond=999_999) - timedelta(hours=1)
    job = Job.objects.create(
        workspace=team.workspace, user=team.owner, action=Action.MUSIC, created_at=created
    )
    job.refresh_from_db()
    assert job.duration_us is None
    Job.objects.filter(pk=job.pk).update(
        finished_at=created + timedelta(seconds=61, microseconds=2)
    )
    job.refresh_from_db()
    assert job.duration_us == 61_000_002
    job.finished_at = created + timedelta(minutes=3)
    job.save()
    job.refresh_from_db()
    assert job.duration_us == 180_000_000


def test_top_failure_reasons(seeded):
    reasons = dashboard.failure_reasons(dashboard.period("7d", seeded.now))
    assert reasons == [(history.POLICY, 4), (history.TIMEOUT, 1)]


def test_quota_by_workspace(seeded, team):
    rows = dashboard.quota_by_workspace(dashboard.period("7d", seeded.now))
    assert [(r["workspace__name"], r["spent"], r["jobs"]) for r in rows] == [
        (team.workspace.name, Decimal(60), 20),
        ("Other", Decimal(6), 3),
    ]


def test_running_and_stuck_jobs(seeded):
    found = dashboard.attention(seeded.now)
    assert not found.running.has_other_pages
    assert found.running_count == 4
    assert found.stuck_count == 2
    # Stuck jobs come first.
    assert {j.pk for j in found.running.object_list[:2]} == {j.pk for j in seeded.stuck}
    assert all(j.stuck for j in found.running.object_list[:2])
    assert not any(j.stuck for j in found.running.object_list[2:])
    assert [s.pk for s in found.songs] == [seeded.failed_song.pk]


def _ready_task(**extra) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="studio.tasks.example",
        backend_name="default",
        queue_name="default",
        run_after=extra.pop("run_after", dashboard.timezone.now() - timedelta(seconds=1)),
        **extra,
    )


def test_worker_health(db):
    now = timezone.now()
    health = dashboard.worker_health(now)
    assert (health.last_seen, health.alive, health.queued) == (None, False, 0)
    Heartbeat.beat("worker")
    _ready_task()
    _ready_task()
    _ready_task(run_after=now + timedelta(hours=1))  # not due yet: not in the queue length
    health = dashboard.worker_health(timezone.now())
    assert health.alive
    assert health.queued == 2
    later = dashboard.worker_health(timezone.now() + timedelta(minutes=5))
    assert not later.alive


def test_usage_of_this_month(team):
    now = timezone.now()
    start = ledger.month_start(now)
    ws = team.workspace
    made = [
        (team.owner, Action.MUSIC, 3, start + timedelta(minutes=5)),
        (team.owner, Action.MUSIC, 3, start + timedelta(minutes=6)),
        (team.editor, Action.EXTEND, 4, start + timedelta(minutes=7)),
        (team.editor, Action.STEMS, Decimal("1.5"), start + timedelta(minutes=8)),
        (team.owner, Action.MUSIC, 50, start - timedelta(days=3)),  # last month
    ]
    for user, action, quota, created in made:
        Job.objects.create(
            workspace=ws,
            user=user,
            action=action,
            status=JobStatus.SUCCESS,
            quota=quota,
            created_at=created,
        )
    usage = workspace_usage(ws, now)
    assert usage.spent == Decimal("11.5") == ledger.month_spent(ws, now)
    members = {m.name: (m.spent, m.jobs) for m in usage.members}
    assert members == {
        "alice": (Decimal(6), 2),
        "bob": (Decimal("5.5"), 2),
        "carol": (Decimal(0), 0),  # a member who spent nothing is listed too
    }
    assert [(a["action"], a["spent"]) for a in usage.actions] == [
        (Action.MUSIC, Decimal(6)),
        (Action.EXTEND, Decimal(4)),
        (Action.STEMS, Decimal("1.5")),
    ]
    assert sum(usage.daily.values()) == Decimal("11.5")
    assert [j.quota for j in usage.top_jobs] == [4, 3, 3, Decimal("1.5")]
    assert usage.job_count == 4
    assert usage.share is None  # no budget
    ws.monthly_budget = 10
    assert workspace_usage(ws, now).share == pytest.approx(1.15)
