"""Outages: the studio as deployed rides out its PostgreSQL and its Redis going away.

gunicorn (two workers), two `manage.py worker` processes, and a PostgreSQL and a Redis of its
own on spare loopback ports (Debian's PostgreSQL 15 binaries, `initdb` in a temporary
folder; `redis-server` without persistence). Under light load (a page or /healthz every
0.25 s, a song asked for through the create form every 2 s) PostgreSQL is stopped for 30 s,
then, once the studio has recovered, Redis for 30 s. Printed: requests answered and 5xx in
each phase, the time from the service's return to the studio answering pages and /healthz
saying all is well (nobody restarts anything), jobs lost and doubled, files left behind
(partial copies, and orphans and missing files by `manage.py check_storage`), and the web
processes' memory. About four minutes.

    python bench/outage.py
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from _common import (
    ROOT,
    Processes,
    bench_env,
    free_port,
    manage,
    migrate,
    note,
    report,
    setup_django,
    stop,
    wait_for_port,
)
from emulator_memory import children, rss_mb
from faults import logged_in_client, songs_checked, submit

PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
DOWN_SECONDS = 30.0
STEADY_SECONDS = 12.0
RECOVERY_LIMIT = 90.0  # seconds a recovery may take before the bench gives up waiting
SETTLE_LIMIT = 60.0


class OwnPostgres:
    """A throwaway PostgreSQL cluster on a loopback port (run as `postgres` when root)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="producer-outage-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=100"
        )
        self.run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


class Load(threading.Thread):
    """Light load: pages and /healthz every 0.25 s, a create every 2 s; answers by phase."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.phase = "before"
        self.answers: dict[str, Counter] = {}
        self.health: dict = {}
        self.page_ok_at = 0.0  # monotonic time of the last page answered 200
        self.health_ok_at = 0.0  # of the last /healthz saying database, cache and worker ok
        self.creates: Counter = Counter()
        self.done = threading.Event()

    def note(self, status: int, what: str = "page") -> None:
        self.answers.setdefault(self.phase, Counter())[what, status] += 1

    def get(self, path: str) -> httpx.Response | None:
        what = "healthz" if path == "/healthz" else "page"
        try:
            response = self.client.get(path, timeout=10)
        except httpx.HTTPError:
            self.note(0, what)
            return None
        self.note(response.status_code, what)
        return response

    def run(self) -> None:
        n = 0
        while not self.done.is_set():
            n += 1
            page = self.get("/" if n % 2 else "/poll/")
            if page is not None and page.status_code == 200:
                self.page_ok_at = time.monotonic()
            health = self.get("/healthz")
            if health is not None:
                try:
                    self.health = health.json()
                except ValueError:
                    self.health = {}
                if health.status_code == 200 and self.health.get("cache") == "ok":
                    self.health_ok_at = time.monotonic()
            if n % 8 == 0:
                status = submit(self.client, n)
                self.creates[status] += 1
                self.note(status, "create")
            self.done.wait(0.25)


def wait_for_recovery(load: Load, since: float) -> tuple[float, float]:
    """Seconds from `since` to the first page answered 200 and to /healthz all well."""
    page = health = None
    deadline = since + RECOVERY_LIMIT
    while time.monotonic() < deadline and (page is None or health is None):
        if page is None and load.page_ok_at > since:
            page = load.page_ok_at - since
        if health is None and load.health_ok_at > since:
            health = load.health_ok_at - since
        time.sleep(0.1)
    return (page if page is not None else float("inf")), (
        health if health is not None else float("inf")
    )


def wait_until_settled() -> Counter:
    from studio.models import Job

    deadline = time.monotonic() + SETTLE_LIMIT
    while True:
        counts = Counter(Job.objects.values_list("status", flat=True))
        # UNKNOWN too: a send whose answer was lost is reconciled by the sweep.
        unsettled = counts["SUBMITTING"] + counts["ON_QUEUE"] + counts["UNKNOWN"]
        if not unsettled or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def files_left(env: dict[str, str]) -> tuple[int, int, int, int]:
    """(copies still pending, partial copies, orphans, files missing) in the media storage,
    once the copies under way have finished (or the settling time is up)."""
    from studio.models import ArchiveStatus, Song

    deadline = time.monotonic() + SETTLE_LIMIT
    while time.monotonic() < deadline:
        pending = Song.objects.filter(archive_status=ArchiveStatus.PENDING).count()
        if not pending:
            break
        time.sleep(1)
    partial = Path(env["MEDIA_ROOT"]) / ".partial"
    partials = sum(1 for p in partial.iterdir() if p.is_file()) if partial.is_dir() else 0
    out = subprocess.run(
        [sys.executable, "manage.py", "check_storage"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    summary = re.search(r"(\d+) missing, (\d+) damaged; (\d+) files in storage, (\d+) named", out)
    missing, _damaged, _stored, orphans = (int(g) for g in summary.groups())
    return pending, partials, orphans, missing


def main() -> int:
    if not (PG_BIN / "initdb").exists() or not shutil.which("redis-server"):
        print(f"FAILED outage: needs {PG_BIN}/initdb and redis-server")
        return 1
    pg = OwnPostgres(free_port())
    pg.init()
    pg.start()
    try:
        with Processes("outage") as procs:
            redis_port, port = free_port(), free_port()
            redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
            redis_args += ["--save", "", "--appendonly", "no"]
            redis = procs.start("redis", redis_args, os.environ.copy())
            wait_for_port(redis_port, redis)
            env = bench_env(
                pg.url,
                REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
                EMULATOR_BASE_URL=f"http://127.0.0.1:{port}/emulator",
                EMULATOR_JOB_SECONDS="4",
                EMULATOR_RUNNING_CAP="1000",
                WORKSPACE_MAX_RUNNING_JOBS="1000",
                CONN_MAX_AGE="0",
            )
            migrate(env)
            manage(env, "collectstatic", "--noinput", "-v", "0")
            setup_django(env)
            web = procs.gunicorn("studio", env, port, workers=2)
            for n in range(2):
                procs.worker(f"worker{n}", env)
            client = logged_in_client(port)
            from django.db import connections

            connections.close_all()  # the bench holds no connection through the outage
            load = Load(client)
            load.start()
            time.sleep(STEADY_SECONDS)

            load.phase = "postgres down"
            note("stopping PostgreSQL")
            pg.stop()
            time.sleep(DOWN_SECONDS)
            pg.start()
            back = time.monotonic()
            load.phase = "postgres back"
            pg_page, pg_health = wait_for_recovery(load, back)
            note(f"PostgreSQL back: pages after {pg_page:.1f} s, healthz after {pg_health:.1f} s")
            time.sleep(STEADY_SECONDS)

            load.phase = "redis down"
            note("stopping Redis")
            stop(redis)
            time.sleep(DOWN_SECONDS)
            redis = procs.start("redis2", redis_args, os.environ.copy())
            wait_for_port(redis_port, redis)
            back = time.monotonic()
            load.phase = "redis back"
            redis_page, redis_health = wait_for_recovery(load, back)
            note(f"Redis back: pages after {redis_page:.1f} s, healthz after {redis_health:.1f} s")
            time.sleep(STEADY_SECONDS)
            load.done.set()
            load.join()

            counts = wait_until_settled()
            from studio.models import Job

            accepted = load.creates[302]
            jobs = Job.objects.count()
            made, lost_songs, doubled = songs_checked()
            running = counts["SUBMITTING"] + counts["ON_QUEUE"]
            pending, partials, orphans, missing = files_left(env)
            rss = max((rss_mb(pid) for pid in children(web.pid)), default=0.0)

            for phase, answers in load.answers.items():
                fives = sum(n for (what, s), n in answers.items() if s >= 500 and what != "healthz")
                unwell = sum(
                    n for (what, s), n in answers.items() if s >= 500 and what == "healthz"
                )
                lost = sum(n for (_what, status), n in answers.items() if status == 0)
                note(f"{phase}: {dict(answers)}")
                key = phase.replace(" ", "_")
                report(f"outage.{key}.answered", sum(answers.values()) - lost, "requests", "info")
                target = "only while PostgreSQL is down" if phase == "postgres down" else "0"
                report(f"outage.{key}.5xx", fives, "requests", target)
                report(f"outage.{key}.healthz_503", unwell, "answers", "info")
            note(f"jobs: {dict(counts)}; creates answered {dict(load.creates)}")
            report("outage.postgres.pages_back_after", pg_page, "s", "< 30")
            report("outage.postgres.healthz_well_after", pg_health, "s", "< 30")
            report("outage.redis.pages_back_after", redis_page, "s", "< 30")
            report("outage.redis.healthz_well_after", redis_health, "s", "< 30")
            report("outage.jobs_lost", max(0, accepted - jobs) + running, "jobs", "0")
            report("outage.songs_lost", lost_songs, "songs", "0")
            report("outage.songs_doubled", doubled, "songs", "0")
            report("outage.jobs_done", counts["SUCCESS"], "jobs", f"of {jobs}")
            report("outage.jobs_unknown", counts["UNKNOWN"], "jobs", "0 once reconciled")
            report("outage.copies_pending", pending, "files", "0")
            report("outage.partial_files_left", partials, "files", "0")
            report("outage.orphan_files", orphans, "files", "0")
            report("outage.missing_files", missing, "files", "0")
            report("outage.web_rss", rss, "MB", "per web process, at most")
            note(f"{made} songs made by the emulator")
    finally:
        pg.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
