"""From the provider's result to a playable song: webhook vs. polling, on the emulator.

    .venv/bin/python bench/playable_latency.py
    BENCH_PLAYABLE_SONGS=20 BENCH_PLAYABLE_JOB_SECONDS=6 .venv/bin/python bench/playable_latency.py

Runs the studio as it runs in production on loopback (gunicorn, 2 workers, serving the
built-in emulator too, and one `manage.py worker`) on a throwaway PostgreSQL database, with
no PUBLIC_BASE_URL, as under `make run`. Each song is a real job: submitted here, sent by
the worker, finished by the emulator after EMULATOR_JOB_SECONDS, then delivered to the
studio (by the emulator's webhook, or found by the worker's polling with backoff when
EMULATOR_WEBHOOKS is off) and copied into the studio. A song counts as playable when its
audio file is the studio's (the library then offers play). For each of at least
BENCH_PLAYABLE_SONGS songs per mode: the provider's own time (emulator job created to
finished) and the extra time from the provider's finish to playable, sampled every 20 ms.
Prints the median and 95th percentile of both. Talks to 127.0.0.1 only; bounded by a
deadline per batch.
"""

from __future__ import annotations

import math
import os
import time

from _common import (
    Processes,
    bench_env,
    free_port,
    median,
    migrate,
    note,
    postgres_available,
    report,
    setup_django,
    throwaway_database,
)

SONGS = int(os.environ.get("BENCH_PLAYABLE_SONGS", 20))
JOB_SECONDS = float(os.environ.get("BENCH_PLAYABLE_JOB_SECONDS", 6))
BATCH = int(os.environ.get("BENCH_PLAYABLE_BATCH", 1))  # jobs at once (the emulator renders each)
SAMPLE = 0.02
TARGET_EXTRA = 1.0  # seconds after the provider's own time, with the webhook


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def workspace_and_user():
    from django.contrib.auth.models import User

    from studio.models import Workspace

    user = User.objects.filter(username="bench").first() or User.objects.create_user("bench")
    return Workspace.objects.get(memberships__user=user), user


def run_batch(workspace, user, n: int) -> list[tuple[float, float]]:
    """Submit `n` songs' jobs at once; (provider seconds, extra seconds) per song."""
    from emulator.models import Job as EmulatorJob
    from studio.jobs import lifecycle
    from studio.models import Song

    jobs = [
        lifecycle.submit(
            "music", {"sound_prompt": f"bench pop {k}"}, workspace=workspace, user=user
        )
        for k in range(n)
    ]
    ids = [job.pk for job in jobs]
    playable_at: dict = {}
    expected: int | None = None
    deadline = time.time() + JOB_SECONDS + 90
    while time.time() < deadline:
        now = time.time()
        done = Song.objects.filter(job_id__in=ids).exclude(audio_file="")
        for pk in done.values_list("pk", flat=True):
            playable_at.setdefault(pk, now)
        if (
            expected is None
            and len(set(Song.objects.filter(job_id__in=ids).values_list("job_id", flat=True))) == n
        ):
            expected = Song.objects.filter(job_id__in=ids).count()
        if expected is not None and len(playable_at) >= expected:
            break
        time.sleep(SAMPLE)
    else:
        note(f"batch timed out: {len(playable_at)} songs playable")
    figures = []
    for song in Song.objects.filter(pk__in=playable_at).select_related("job"):
        provider = EmulatorJob.objects.get(job_id=song.job.provider_job_id)
        # The provider's result: its webhook's post (sent once the files exist), else the
        # moment its fetch answers SUCCESS (files then render on the first download).
        result_at = provider.hook_sent_at or provider.finishes_at
        own = (result_at - provider.created_at).total_seconds()
        extra = playable_at[song.pk] - result_at.timestamp()
        delivered = (song.job.finished_at - result_at).total_seconds()
        note(
            f"song {song.pk}: provider {own:.2f} s, result in the studio +{delivered:.2f} s, "
            f"playable +{extra:.2f} s (hook {provider.hook_state or 'none'})"
        )
        figures.append((own, extra))
    return figures


def measure(procs: Processes, env: dict, mode: str, webhooks: bool) -> None:
    worker = procs.worker(f"worker-{mode}", {**env, "EMULATOR_WEBHOOKS": str(webhooks).lower()})
    workspace, user = workspace_and_user()
    figures: list[tuple[float, float]] = []
    try:
        while len(figures) < SONGS:
            figures += run_batch(workspace, user, BATCH)
            note(f"{mode}: {len(figures)} songs playable")
    finally:
        procs.procs.remove(worker)
        from _common import stop

        stop(worker)
    own = [o for o, _ in figures]
    extra = [e for _, e in figures]
    report(f"playable_{mode}_provider_median", median(own), "s", "the provider's own time")
    report(
        f"playable_{mode}_extra_median",
        median(extra),
        "s",
        f"<= {TARGET_EXTRA:g} s" if webhooks else "for comparison",
    )
    report(
        f"playable_{mode}_extra_p95",
        p95(extra),
        "s",
        f"<= {TARGET_EXTRA:g} s" if webhooks else "for comparison",
    )
    report(f"playable_{mode}_songs", len(figures), "songs", f">= {SONGS}")


def main() -> None:
    reason = postgres_available()
    if reason:
        note(f"skipped: {reason}")
        return
    with throwaway_database("playable") as url, Processes("playable") as procs:
        port = free_port()
        env = bench_env(
            url,
            EMULATOR_BASE_URL=f"http://127.0.0.1:{port}/emulator",
            EMULATOR_JOB_SECONDS=str(JOB_SECONDS),
            EMULATOR_FAULT_RATE="0",
            PORT=str(port),
        )
        migrate(env)
        setup_django(env)
        from django.contrib.auth.models import User

        User.objects.filter(username="bench").exists() or User.objects.create_user("bench")
        procs.gunicorn("web", env, port)
        measure(procs, env, "webhook", webhooks=True)
        measure(procs, env, "polling", webhooks=False)


if __name__ == "__main__":
    main()
