"""Faults: 500 songs asked for through the studio's create form (real HTTP to gunicorn on
PostgreSQL) while the emulator injects a fault into 10% of submissions, of every kind it
knows (error statuses, HTML pages, ambiguous answers, dropped connections, slow answers,
failed jobs, webhooks sent twice or out of order). Two workers send and poll; webhooks come
back to the same server.

Checks: every job ends SUCCESS, or FAILED/UNKNOWN with a reason; the studio never answers
500; every song the emulator made is in the studio exactly once; the studio's quota ledger
equals what the emulator charged.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

import httpx
from _common import (
    LOG_DIR,
    Processes,
    bench_env,
    free_port,
    manage,
    migrate,
    note,
    postgres_available,
    report,
    setup_django,
    throwaway_database,
)

SUBMISSIONS = int(os.environ.get("BENCH_FAULTS_SUBMISSIONS", 500))
FAULT_RATE = os.environ.get("BENCH_FAULTS_RATE", "0.1")
DEADLINE = float(os.environ.get("BENCH_FAULTS_DEADLINE", 420))
SETTLE = 20.0  # seconds without change before UNKNOWN jobs are taken as they are
RUNNING = ("SUBMITTING", "ON_QUEUE")


def logged_in_client(port: int) -> httpx.Client:
    """An editor's browser: a session made the way login() makes it, and a CSRF cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    user = User.objects.create_user("bench", password=secrets.token_urlsafe(16))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = secrets.token_hex(16)
    return httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        cookies={settings.SESSION_COOKIE_NAME: session.session_key, "csrftoken": csrf},
        headers={"X-CSRFToken": csrf},
        timeout=60,
    )


def submit(client: httpx.Client, n: int) -> int:
    form = {
        "sound_prompt": f"bright synth pop with handclaps, take {n}",
        "instrumental": "on",
        "mv": "FUZZ-2.0",
        "title": f"Fault run {n}",
        "lyrics_strength": "0.5",
        "sound_strength": "0.5",
        "weirdness": "0.5",
    }
    try:
        return client.post("/create/", data=form).status_code
    except httpx.HTTPError:
        return 0


def wait_until_settled(began: float) -> None:
    from studio.models import Job

    last, last_change = None, time.monotonic()
    while time.monotonic() - began < DEADLINE:
        counts = Counter(Job.objects.values_list("status", flat=True))
        if counts != last:
            last, last_change = counts, time.monotonic()
            note(f"{time.monotonic() - began:.0f}s: {dict(counts)}")
        if not any(counts[s] for s in RUNNING) and (
            not counts["UNKNOWN"] or time.monotonic() - last_change > SETTLE
        ):
            return
        time.sleep(1)


def studio_5xx(access_log: str) -> tuple[int, Counter]:
    """5xx answers of the studio's own URLs (the emulator's injected ones do not count)."""
    bad: Counter = Counter()
    with open(access_log) as lines:
        for line in lines:
            status, _method, path = [*line.split(), "", "", ""][:3]
            if status.startswith("5") and not path.startswith("/emulator/"):
                bad[path.split("/")[1] if "/" in path else path] += 1
    return sum(bad.values()), bad


def songs_checked() -> tuple[int, int, int]:
    """(songs the emulator made for finished jobs, lost in the studio, doubled or foreign)."""
    from django.conf import settings

    from emulator.models import Job as EmulatorJob
    from emulator.models import Music, key_digest
    from studio.models import Song

    succeeded = [
        job.pk
        for job in EmulatorJob.objects.filter(key_digest=key_digest(settings.EMULATOR_API_KEY))
        if job.succeeded()
    ]
    made = {
        str(m)
        for m in Music.objects.filter(job_id__in=succeeded).values_list("music_id", flat=True)
    }
    have = defaultdict(int)
    for music_id in Song.objects.values_list("music_id", flat=True):
        have[music_id] += 1
    lost = len(made - set(have))
    doubled = sum(n - 1 for n in have.values()) + len(set(have) - made)
    return len(made), lost, doubled


def main() -> int:
    reason = postgres_available()
    if reason:
        print(f"FAILED faults: {reason}")
        return 1
    with throwaway_database("faults") as database_url, Processes("faults") as procs:
        port = free_port()
        env = bench_env(
            database_url,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            EMULATOR_BASE_URL=f"http://127.0.0.1:{port}/emulator",
            EMULATOR_FAULT_RATE=FAULT_RATE,
            EMULATOR_JOB_SECONDS="3",
            EMULATOR_SLOW_SECONDS="2",
            EMULATOR_RUNNING_CAP=str(10 * SUBMISSIONS),
            WORKSPACE_MAX_RUNNING_JOBS=str(10 * SUBMISSIONS),
        )
        migrate(env)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        setup_django(env)
        procs.gunicorn("studio", env, port, workers=2, access_log=True)
        for n in range(2):
            procs.worker(f"worker{n}", env)

        client = logged_in_client(port)
        began = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            answers = Counter(pool.map(lambda n: submit(client, n), range(SUBMISSIONS)))
        # Pages people look at meanwhile (their answers are in the access log too).
        pages = Counter(client.get(path).status_code for path in ("/", "/poll/") * 3)
        note(f"{SUBMISSIONS} submissions answered: {dict(answers)}; pages: {dict(pages)}")
        wait_until_settled(began)
        elapsed = time.monotonic() - began

        from django.conf import settings
        from django.db.models import Sum

        from emulator.models import Job as EmulatorJob
        from emulator.models import charged_total
        from studio.models import Job

        statuses = Counter(Job.objects.values_list("status", flat=True))
        no_reason = (
            Job.objects.filter(status__in=("FAILED", "UNKNOWN"), error="").count()
            + Job.objects.filter(status__in=RUNNING).count()
        )
        errors_5xx, where = studio_5xx(str(LOG_DIR / "faults-studio-access.log"))
        if where:
            note(f"studio 5xx by path: {dict(where)}")
        made, lost, doubled = songs_checked()
        studio_quota = Job.objects.aggregate(total=Sum("quota"))["total"] or 0
        emulator_quota = charged_total(settings.EMULATOR_API_KEY)
        faults = Counter(EmulatorJob.objects.exclude(fault="").values_list("fault", flat=True))
        note(f"faults on jobs the emulator created: {dict(faults)}")
        reasons = Counter(
            (status, error[:90])
            for status, error in Job.objects.exclude(status="SUCCESS").values_list(
                "status", "error"
            )
        )
        for (status, error), count in reasons.most_common():
            note(f"{count} x {status}: {error}")

        accepted = answers[302]
        report("faults_submissions_accepted", accepted, "requests", f"{SUBMISSIONS}")
        report("faults_run_time", elapsed, "s", "until every job settled")
        report("faults_jobs_success", statuses["SUCCESS"], "jobs", f"~{1 - float(FAULT_RATE):.0%}")
        report("faults_jobs_failed", statuses["FAILED"], "jobs", "with a reason")
        report("faults_jobs_unknown", statuses["UNKNOWN"], "jobs", "with a reason")
        report("faults_jobs_unsettled_or_without_reason", no_reason, "jobs", "0")
        report("faults_studio_5xx", errors_5xx + answers[500], "responses", "0")
        report("faults_songs_made_by_emulator", made, "songs", "info")
        report("faults_songs_lost", lost, "songs", "0")
        report("faults_songs_doubled", doubled, "songs", "0")
        report("faults_quota_ledger", float(studio_quota), "quota", f"= {emulator_quota:g}")
        report("faults_quota_difference", float(studio_quota - emulator_quota), "quota", "0")
        ok = (
            accepted == SUBMISSIONS
            and not (no_reason or errors_5xx or answers[500] or lost or doubled)
            and studio_quota == emulator_quota
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
