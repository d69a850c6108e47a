"""The API next to the browser: requests per second for listing songs and for starting a
job, through `/api/v1/` with a bearer token and through the library and create pages with
a session.

    .venv/bin/python bench/api_bench.py            # PostgreSQL if it answers, else SQLite
    .venv/bin/python bench/api_bench.py --songs 2000 --runs 100 --sqlite

Seeds a throwaway database in a child process configured like a production server (DEBUG
off), then times requests in process with Django's test client, one after another (no
network, no concurrency): what each request costs the server. Jobs are created as a
submission creates them (row, limits, queued send); nothing is sent.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, ROOT, bench_env, note, postgres_available, report, throwaway_database


def seed(songs: int):
    import random

    from django.contrib.auth.models import User

    from studio.models import Relation, Song

    rng = random.Random(7)
    owner = User.objects.create_user("bench-owner", "owner@example.com")
    workspace = owner.memberships.get().workspace
    Song.objects.bulk_create(
        (
            Song(
                workspace=workspace,
                music_id=f"bench-{n}",
                relation=rng.choice(list(Relation.values)),
                title=f"Bench song {n}",
                prompt=rng.choice(["dreamy synth-pop", "lofi beats", "epic orchestral"]),
                model="FUZZ-2.0",
                duration=rng.uniform(60, 240),
                peaks=[round(rng.random(), 3) for _ in range(200)],
                archive_status="done",
                created_by=owner,
            )
            for n in range(songs)
        ),
        batch_size=1000,
    )
    return owner, workspace


def rate(runs: int, request) -> float:
    """Requests per second, one after another, after a few to warm up."""
    for _ in range(3):
        request()
    start = time.perf_counter()
    for _ in range(runs):
        request()
    return runs / (time.perf_counter() - start)


def measure(songs: int, runs: int) -> None:
    from django.core.management import call_command
    from django.test import Client

    from studio.api import tokens
    from studio.models import Job

    call_command("migrate", "--noinput", verbosity=0)
    note(f"seeding {songs} songs")
    owner, workspace = seed(songs)
    _token, secret = tokens.issue(workspace, "bench", "editor", created_by=owner)
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(owner)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")

    def ok(response, *codes):
        assert response.status_code in codes, (response.status_code, response.content[:300])
        return response

    report(
        "list_songs_browser_rps",
        rate(runs, lambda: ok(browser.get("/"), 200).content),
        "req/s",
        "library page, 24 cards",
    )
    report(
        "list_songs_api_rps",
        rate(runs, lambda: ok(api.get("/api/v1/songs", {"limit": 24}), 200).content),
        "req/s",
        "GET /api/v1/songs, 24 songs",
    )
    form = {"sound_prompt": "bench theme", "title": "Bench", "model": "producer:FUZZ-2.0"}
    form.update(lyrics_strength="0.5", sound_strength="0.5", weirdness="0.5")

    def create_browser():
        ok(browser.post("/create/", form), 302)
        Job.objects.update(status="SUCCESS")  # the running cap never refuses

    def create_api():
        body = {"action": "music", "fields": {"sound_prompt": "bench theme", "title": "Bench"}}
        ok(api.post("/api/v1/jobs", body, content_type="application/json"), 201)
        Job.objects.update(status="SUCCESS")

    report("create_job_browser_rps", rate(runs, create_browser), "req/s", "POST /create/")
    report("create_job_api_rps", rate(runs, create_api), "req/s", "POST /api/v1/jobs")


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    measure(args.songs, args.runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--sqlite", action="store_true", help="use SQLite even if PostgreSQL answers"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    command = [PYTHON, __file__, "--child", "--songs", str(args.songs), "--runs", str(args.runs)]
    extra = {
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "TESTING": "true",
        "API_RATE_LIMIT": "1000000",
        "WORKSPACE_MAX_RUNNING_JOBS": "1000000",
    }
    reason = "--sqlite given" if args.sqlite else postgres_available()
    if not reason:
        note("PostgreSQL throwaway database")
        with throwaway_database("api") as url:
            return subprocess.run(command, cwd=ROOT, env=bench_env(url, **extra)).returncode
    note(f"SQLite temporary file ({reason})")
    with tempfile.TemporaryDirectory(prefix="api-bench-") as folder:
        url = f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
        return subprocess.run(command, cwd=ROOT, env=bench_env(url, **extra)).returncode


if __name__ == "__main__":
    sys.exit(main())
