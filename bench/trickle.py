"""Trickle: one result file trickles in for 120 s while 20 other jobs run on the emulator.

gunicorn (port 8102) and one `manage.py worker` on a throwaway PostgreSQL database; the
trickling file comes from a local server on 127.0.0.1:18102 (allow-listed for the bench, as
a slow public CDN would be). First 20 jobs without the trickle, then 20 with it.

Prints the slowest job's time from submit to "song archived" in both runs (target: with the
trickle <= 2x without), the worker's longest heartbeat gap and /healthz answers that were
not ok (target 0).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from _common import (
    Processes,
    bench_env,
    migrate,
    note,
    postgres_available,
    report,
    setup_django,
    throwaway_database,
)
from faults import logged_in_client, submit

PORT = int(os.environ.get("BENCH_TRICKLE_PORT", 8102))
TRICKLE_PORT = int(os.environ.get("BENCH_TRICKLE_FILE_PORT", 18102))
TRICKLE_SECONDS = float(os.environ.get("BENCH_TRICKLE_SECONDS", 120))
JOBS = int(os.environ.get("BENCH_TRICKLE_JOBS", 20))
DEADLINE = 300.0


class Trickle(BaseHTTPRequestHandler):
    """A WAV that arrives a few bytes at a time over TRICKLE_SECONDS."""

    def do_GET(self) -> None:
        body = wav(1.0)
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        pieces = 60
        step = len(body) // pieces + 1
        try:
            for start in range(0, len(body), step):
                self.wfile.write(body[start : start + step])
                self.wfile.flush()
                time.sleep(TRICKLE_SECONDS / pieces)
        except OSError:
            pass
        self.server.finished_at = time.monotonic()  # type: ignore[attr-defined]

    def log_message(self, *args) -> None:
        pass


def wav(seconds: float) -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x10\x00\xf0\xff" * int(seconds * 4000))
    return out.getvalue()


def run_jobs(client: httpx.Client, label: str) -> list[float]:
    """Submit JOBS songs at once; each one's seconds from submit until its song is archived."""
    from studio.models import Job

    first = Job.objects.count()
    began = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: submit(client, n), range(JOBS)))
    submitted = {
        pk: time.monotonic()
        for pk in Job.objects.order_by("created_at")[first:].values_list("pk", flat=True)
    }
    assert all(status == 302 for status in answers), answers
    done: dict = {}
    while len(done) < len(submitted) and time.monotonic() - began < DEADLINE:
        from studio.models import ArchiveStatus, Song

        for job_id in Song.objects.filter(
            job_id__in=submitted, archive_status=ArchiveStatus.DONE
        ).values_list("job_id", flat=True):
            done.setdefault(job_id, time.monotonic() - began)
        time.sleep(0.25)
    note(f"{label}: {len(done)} of {len(submitted)} archived")
    return [done.get(pk, DEADLINE) for pk in submitted]


class Health:
    """/healthz every second, and the worker's heartbeat gap, while a run lasts."""

    def __init__(self) -> None:
        self.bad = 0
        self.checks = 0
        self.longest_gap = 0.0
        self.stop = threading.Event()

    def watch(self) -> None:
        from datetime import datetime

        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=10) as http:
            while not self.stop.is_set():
                self.checks += 1
                try:
                    answer = http.get("/healthz")
                    body = answer.json()
                    seen = datetime.fromisoformat(body["worker_last_seen"])
                    gap = time.time() - seen.timestamp()
                    self.longest_gap = max(self.longest_gap, gap)
                    self.bad += answer.status_code != 200
                except (httpx.HTTPError, ValueError, KeyError, TypeError):
                    self.bad += 1
                self.stop.wait(1.0)


def main() -> int:
    reason = postgres_available()
    if reason:
        print(f"FAILED trickle: {reason}")
        return 1
    trickle = ThreadingHTTPServer(("127.0.0.1", TRICKLE_PORT), Trickle)
    trickle.daemon_threads = True
    threading.Thread(target=trickle.serve_forever, daemon=True).start()
    with throwaway_database("h12_trickle") as database_url, Processes("trickle") as procs:
        env = bench_env(
            database_url,
            PORT=str(PORT),
            EMULATOR_BASE_URL=f"http://127.0.0.1:{PORT}/emulator",
            EMULATOR_JOB_SECONDS="3",
            WORKSPACE_MAX_RUNNING_JOBS="100",
            EMULATOR_RUNNING_CAP="100",
            JOB_POLL_FIRST_SECONDS="1",
            JOB_POLL_MAX_SECONDS="2",
            # The trickling host stands for a slow public CDN.
            OUTBOUND_ALLOWED_HOSTS=f"127.0.0.1:{TRICKLE_PORT}",
            # The emulator renders each song's media on first request, in these processes.
            GUNICORN_TIMEOUT="120",
        )
        migrate(env)
        setup_django(env)
        procs.gunicorn("studio", env, PORT, workers=4)
        procs.worker("worker", env)
        client = logged_in_client(PORT)
        client.get("/")
        health = Health()
        watcher = threading.Thread(target=health.watch, daemon=True)
        time.sleep(3)  # the worker's first heartbeat
        watcher.start()

        baseline = run_jobs(client, "without the trickle")

        from django.db import transaction

        from studio.jobs import archive
        from studio.models import ArchiveStatus, Song, Workspace

        workspace = Workspace.objects.get(memberships__user__username="bench")
        with transaction.atomic():
            slow = Song.objects.create(
                workspace=workspace,
                music_id=str(uuid.uuid4()),
                title="Trickle",
                audio_url=f"http://127.0.0.1:{TRICKLE_PORT}/slow.wav",
                archive_status=ArchiveStatus.PENDING,
            )
            archive.archive_later([slow.pk])
        time.sleep(3)  # the copy has started
        trickled = run_jobs(client, "with the trickle")
        slow.refresh_from_db()
        note(f"trickling song: {slow.archive_status} {slow.archive_error}")
        while time.monotonic() - getattr(trickle, "finished_at", time.monotonic() + 1) < 0:
            time.sleep(1)
        health.stop.set()
        watcher.join()
        trickle.shutdown()

    slowest_base, slowest_trickle = max(baseline), max(trickled)
    ratio = slowest_trickle / slowest_base
    report("trickle_slowest_job_without", slowest_base, "s", "submit to archived, 20 jobs")
    report("trickle_slowest_job_with", slowest_trickle, "s", "<= 2x without")
    report("trickle_ratio", ratio, "x", "<= 2")
    report("trickle_worker_heartbeat_longest_gap", health.longest_gap, "s", "< 10")
    report("trickle_healthz_not_ok", health.bad, f"of {health.checks} checks", "0")
    print(json.dumps({"without": sorted(baseline), "with": sorted(trickled)}), file=sys.stderr)
    return 0 if ratio <= 2 and not health.bad else 1


if __name__ == "__main__":
    sys.exit(main())
