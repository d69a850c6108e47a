"""Webhook throughput: completion webhooks for 2,000 distinct jobs, each sent twice at once,
against gunicorn (2 workers) on PostgreSQL; the baseline is a bare Django view answering `{}`
served by the same server in the same run (bench/bare_site.py).

Checks that every job ends SUCCESS with exactly its songs (none lost, none doubled), and
prints deliveries per second for both, their ratio (target >= 40%) and the checks.
"""

from __future__ import annotations

import json
import os
import sys
import uuid

from _common import (
    Processes,
    bench_env,
    free_port,
    http_request,
    median,
    migrate,
    note,
    postgres_available,
    report,
    send_all,
    setup_django,
    throwaway_database,
)

JOBS = int(os.environ.get("BENCH_WEBHOOK_JOBS", 2000))
ROUNDS = int(os.environ.get("BENCH_WEBHOOK_ROUNDS", 3))
SONGS_PER_JOB = 2
CONCURRENCY = int(os.environ.get("BENCH_WEBHOOK_CONCURRENCY", 32))
WARMUP = 100
# Threads per gunicorn worker: a delivery mostly waits for PostgreSQL to flush its commit,
# so threads overlap those waits (and share a psycopg pool); 1 means sync workers.
THREADS = int(os.environ.get("BENCH_WEBHOOK_THREADS", 8))


def result_body(job, music_ids: list[str]) -> bytes:
    """The fetch-shaped SUCCESS result the provider POSTs to hook_url."""
    musics = [
        {
            "musicId": music_id,
            "title": f"Bench song {n}",
            "lyrics": "[Verse]\nla la la",
            "imageUrl": f"http://127.0.0.1:9/img/{music_id}.png",
            "audioUrl": f"http://127.0.0.1:9/audio/{music_id}.mp3",
            "videoUrl": None,
            "imageId": music_id,
            "topic": None,
            "sound": "bench pop",
            "seed": str(1000 + n),
            "durations": "61.5",
            "createdAt": "2026-01-01T00:00:00Z",
        }
        for n, music_id in enumerate(music_ids)
    ]
    data = {
        "jobId": job.provider_job_id,
        "action": "music",
        "progress": "100%",
        "mv": "FUZZ-2.0",
        "quota": "3",
        "musics": musics,
    }
    return json.dumps({"status": "SUCCESS", "message": "success", "data": data}).encode()


def seed_jobs(count: int) -> list[tuple[object, list[str]]]:
    """`count` running jobs waiting for their result, and the musicIds each must end with."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from studio.models import Job, JobStatus, Workspace

    user = User.objects.filter(username="bench").first() or User.objects.create_user("bench")
    workspace = Workspace.objects.filter(memberships__user=user).first()
    if workspace is None:
        from studio.models import Membership, Role

        workspace = Workspace.objects.create(name="Bench")
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    now = timezone.now()
    jobs = Job.objects.bulk_create(
        Job(
            workspace=workspace,
            user=user,
            action="music",
            params={"sound_prompt": "bench pop", "mv": "FUZZ-2.0"},
            provider_job_id=str(uuid.uuid4()),
            status=JobStatus.ON_QUEUE,
            submitted_at=now,
            next_poll_at=now + timezone.timedelta(hours=1),
        )
        for _ in range(count)
    )
    return [(job, [str(uuid.uuid4()) for _ in range(SONGS_PER_JOB)]) for job in jobs]


def hook_path(job) -> str:
    from django.urls import reverse

    return reverse("jobs:job_hook", args=[job.id, job.hook_token])


def deliveries(batch, bare: bool) -> list[bytes]:
    """Each job's result twice, side by side so both copies arrive at the same time."""
    requests = []
    for job, music_ids in batch:
        path = f"/bare/{job.id}/{job.hook_token}/" if bare else hook_path(job)
        request = http_request("POST", path, result_body(job, music_ids))
        requests += [request, request]
    return requests


def measure(port: int, requests: list[bytes]) -> tuple[float, int]:
    elapsed, statuses, _ = send_all(port, requests, CONCURRENCY)
    bad = sum(count for status, count in statuses.items() if status != 200)
    if bad:
        note(f"non-200 answers: {dict(statuses)}")
    return len(requests) / elapsed, bad


def check(batches) -> tuple[int, int, int, int]:
    """(jobs checked, songs lost, songs doubled or foreign, jobs not SUCCESS)."""
    from django.db.models import Count

    from studio.models import Job, Song

    expected = {job.id: set(music_ids) for batch in batches for job, music_ids in batch}
    found: dict = {job_id: set() for job_id in expected}
    per_music = (
        Song.objects.filter(job_id__in=expected)
        .values("job_id", "music_id")
        .annotate(n=Count("id"))
    )
    doubled = 0
    for row in per_music:
        found[row["job_id"]].add(row["music_id"])
        doubled += row["n"] - 1
    lost = sum(len(want - found[job_id]) for job_id, want in expected.items())
    doubled += sum(len(found[job_id] - want) for job_id, want in expected.items())
    not_done = Job.objects.filter(id__in=expected).exclude(status="SUCCESS").count()
    return len(expected), lost, doubled, not_done


def main() -> int:
    reason = postgres_available()
    if reason:
        print(f"FAILED webhook_throughput: {reason}")
        return 1
    with throwaway_database("webhook") as database_url, Processes("webhook") as procs:
        env = bench_env(database_url)
        if THREADS > 1:
            env |= {
                "GUNICORN_WORKER_CLASS": "gthread",
                "GUNICORN_THREADS": str(THREADS),
                "DATABASE_POOL": "true",
                "DATABASE_POOL_MAX_SIZE": str(THREADS),
            }
        migrate(env)
        setup_django(env)
        hook_port, bare_port = free_port(), free_port()
        procs.gunicorn("studio", env, hook_port, workers=2)
        procs.gunicorn("bare", {**env, "DJANGO_SETTINGS_MODULE": "bare_site"}, bare_port, workers=2)
        warmup = seed_jobs(WARMUP)
        send_all(hook_port, deliveries(warmup, bare=False), CONCURRENCY)
        send_all(bare_port, deliveries(warmup, bare=True), CONCURRENCY)

        batches, hook_rates, bare_rates, errors = [], [], [], 0
        for n in range(ROUNDS):
            batch = seed_jobs(JOBS)
            batches.append(batch)
            bare_rate, bare_bad = measure(bare_port, deliveries(batch, bare=True))
            hook_rate, hook_bad = measure(hook_port, deliveries(batch, bare=False))
            errors += bare_bad + hook_bad
            bare_rates.append(bare_rate)
            hook_rates.append(hook_rate)
            note(f"round {n + 1}: webhook {hook_rate:.0f}/s, bare view {bare_rate:.0f}/s")

        checked, lost, doubled, not_done = check(batches)
        hook_rate, bare_rate = median(hook_rates), median(bare_rates)
        ratio = 100 * hook_rate / bare_rate
        server = f"2 workers x {THREADS} threads" if THREADS > 1 else "2 sync workers"
        report("webhook_deliveries_per_s", hook_rate, "req/s", f"{server}, median of {ROUNDS}")
        report("webhook_bare_view_per_s", bare_rate, "req/s", "baseline, same server")
        report("webhook_ratio", ratio, "%", ">= 40")
        report("webhook_jobs_checked", checked, "jobs", f"{ROUNDS * JOBS}")
        report("webhook_jobs_not_success", not_done, "jobs", "0")
        report("webhook_songs_lost", lost, "songs", "0")
        report("webhook_songs_doubled", doubled, "songs", "0")
        report("webhook_non_200", errors, "responses", "0")
        ok = checked == ROUNDS * JOBS and not (lost or doubled or not_done or errors)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
