"""The staff dashboard at 100,000 jobs: median time of the whole page, in process.

    .venv/bin/python bench/dashboard_bench.py            # SQLite, then PostgreSQL if it answers
    .venv/bin/python bench/dashboard_bench.py --jobs 20000 --runs 5

Seeds a throwaway database (a temporary SQLite file; a throwaway PostgreSQL database when the
bench server answers) with jobs spread over 30 days, 40 workspaces and every action, then
times GET /staff/?period=30d (every job in range: the worst case), the default 7-day view and
the 24-hour view. Nothing is cached: every request computes every figure from the jobs table.
PostgreSQL gets VACUUM ANALYZE after the bulk load, as autovacuum would have done for a table
that grew over 30 days (index-only scans need the visibility map it sets).
Each database is measured in its own process so settings stay those of a real server.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    PYTHON,
    ROOT,
    bench_env,
    median,
    note,
    postgres_available,
    report,
    throwaway_database,
)

TARGET_MS = 300
REASONS = [
    "Content policy: the prompt was refused.",
    "No result after 30 minutes: the music service never finished this job.",
    "The music service is busy (too many running jobs).",
    "Invalid music_id.",
    "Audio could not be decoded.",
]


def seed(total: int) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from contract.producer import Action
    from studio.models import Heartbeat, Job, JobStatus, Workspace

    rng = random.Random(7)
    now = timezone.now()
    users = [User.objects.create_user(f"bench{i}", f"bench{i}@example.com") for i in range(40)]
    spaces = list(Workspace.objects.filter(memberships__user__in=users))
    actions = list(Action)
    weights = [40, 5, 10, 8, 6, 4, 3, 3, 6, 5, 5, 5]
    batch: list[Job] = []
    for i in range(total):
        created = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
        action = rng.choices(actions, weights)[0]
        roll = rng.random()
        index = rng.randrange(len(spaces))
        job = Job(
            workspace=spaces[index],
            user=users[index],
            action=action,
            created_at=created,
            provider_job_id=f"bench-{i}",
            params={"prompt": "bench"},
        )
        if i < 120:  # a realistic number running at once, some of them stuck
            job.status = JobStatus.ON_QUEUE if i % 10 else JobStatus.UNKNOWN
            job.created_at = now - timedelta(minutes=rng.uniform(0, 40))
        elif roll < 0.88:
            job.status = JobStatus.SUCCESS
            job.finished_at = created + timedelta(seconds=rng.uniform(15, 400))
            job.quota = Decimal(0 if action in (Action.UPLOAD, Action.VIDEO) else 3)
        else:
            job.status = JobStatus.FAILED
            job.finished_at = created + timedelta(seconds=rng.uniform(5, 1800))
            job.error = rng.choice(REASONS)
        batch.append(job)
        if len(batch) == 5000:
            Job.objects.bulk_create(batch)
            batch = []
    Job.objects.bulk_create(batch)
    Heartbeat.beat("worker")


def measure(total: int, runs: int, label: str) -> None:
    """In the child process: migrate, seed, time the page."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    began = time.perf_counter()
    seed(total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    note(f"{label}: seeded {total:,} jobs in {time.perf_counter() - began:.1f}s")

    from django.contrib.auth.models import User

    staff = User.objects.create_user("bench-staff", is_staff=True)
    client = Client()
    client.force_login(staff)
    suffix = "" if label == "sqlite" else f"_{label}"
    for period in ("30d", "7d", "24h"):
        url = f"/staff/?period={period}"
        assert client.get(url).status_code == 200  # warm-up: connections, templates
        times, cpu = [], []
        for _ in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            assert response.status_code == 200
        name = "dashboard_ms" if period == "30d" else f"dashboard_{period}_ms"
        report(f"{name}{suffix}", f"{median(times):.0f}", "ms", f"<= {TARGET_MS}")
        # This process's CPU: all the work on SQLite, all but the server's on PostgreSQL.
        note(
            f"{label} {period}: runs {', '.join(f'{t:.0f}' for t in sorted(times))} ms,"
            f" median CPU here {median(cpu):.0f} ms"
        )


def child(database_url: str, total: int, runs: int, label: str) -> None:
    env = bench_env(database_url, ALLOWED_HOSTS="testserver,127.0.0.1", TESTING="true")
    result = subprocess.run(
        [PYTHON, __file__, "--child", label, "--jobs", str(total), "--runs", str(runs)],
        cwd=ROOT,
        env=env,
    )
    if result.returncode:
        raise SystemExit(result.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", default="")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.child:
        measure(args.jobs, args.runs, args.child)
        return
    with tempfile.TemporaryDirectory(prefix="producer-dashboard-bench-") as folder:
        child(f"sqlite:///{folder}/bench.sqlite3", args.jobs, args.runs, "sqlite")
    if args.no_postgres:
        return
    why = postgres_available()
    if why:
        note(f"skipping PostgreSQL: {why}")
        return
    with throwaway_database("dashboard") as url:
        child(url, args.jobs, args.runs, "pg")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "producer_site.settings")
    main()
