"""The library at 10,000 songs and 50 running jobs, with a team's reviews and projects:
server time, size and query count of the page, and server time of the poll that keeps the
running cards fresh.

    .venv/bin/python bench/library_bench.py            # PostgreSQL if it answers, else SQLite
    .venv/bin/python bench/library_bench.py --songs 2000 --runs 10 --sqlite

Seeds a throwaway database (a throwaway PostgreSQL database when the bench server answers,
else a temporary SQLite file) in a child process configured like a production server
(DEBUG off), then times requests in process with Django's test client. The poll is measured
as a page sends it: all 50 running cards, 5 of which moved on since the last answer.
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

PAGE_MS, PAGE_KB, POLL_MS = 50, 80, 10
PAGE_QUERIES = 12  # as tests/library/test_library.py holds it
CHANGED = 5


def seed(songs: int, running: int) -> tuple[object, list]:
    import random

    from django.contrib.auth.models import User

    from contract.producer import Action
    from studio.models import Job, JobStatus, Membership, Relation, Role, Song

    rng = random.Random(5)
    owner = User.objects.create_user("bench-owner", "owner@example.com")
    workspace = owner.memberships.get().workspace
    members = [owner]
    for n in range(4):
        user = User.objects.create_user(f"bench-member{n}", f"m{n}@example.com")
        Membership.objects.create(workspace=workspace, user=user, role=Role.EDITOR)
        members.append(user)
    relations = list(Relation.values)
    batch = []
    for n in range(songs):
        batch.append(
            Song(
                workspace=workspace,
                music_id=f"bench-{n}",
                relation=rng.choice(relations),
                title=f"Bench song {n}",
                prompt=rng.choice(["dreamy synth-pop", "lofi beats", "epic orchestral", "jazz"]),
                lyrics="[Verse]\nla la la\n" * 10,
                model=rng.choice(["FUZZ-2.0", "FUZZ-2.0 Pro", "FUZZ-1.1"]),
                duration=rng.uniform(60, 240),
                peaks=[round(rng.random(), 3) for _ in range(200)],
                image_url="https://cdn.example/cover.png",
                archive_status="done",
                created_by=rng.choice(members),
            )
        )
        if len(batch) == 1000:
            Song.objects.bulk_create(batch)
            batch = []
    Song.objects.bulk_create(batch)
    review(workspace, members, rng)
    jobs = Job.objects.bulk_create(
        Job(
            workspace=workspace,
            user=rng.choice(members),
            action=Action.MUSIC,
            status=JobStatus.ON_QUEUE,
            progress=10,
            params={"sound_prompt": "bench", "title": f"Running {n}"},
        )
        for n in range(running)
    )
    return owner, jobs


def review(workspace, members: list, rng) -> None:
    """What a team's review leaves behind: statuses, comment threads on one song in five
    (some resolved), and projects of 40 songs each."""
    from django.utils import timezone

    from studio.models import Comment, Project, ProjectSong, ReviewStatus, Song

    ids = list(Song.objects.filter(workspace=workspace).values_list("id", flat=True))
    statuses = list(ReviewStatus.values)
    for status in statuses[1:]:
        chosen = rng.sample(ids, len(ids) // 8)
        Song.objects.filter(id__in=chosen).update(review_status=status)
    comments = []
    for song_id in rng.sample(ids, len(ids) // 5):
        for n in range(rng.randint(1, 4)):
            comments.append(
                Comment(
                    song_id=song_id,
                    author=rng.choice(members),
                    body=f"Note {n}: the chorus at 1:12 is off",
                    at_seconds=rng.uniform(0, 60) if n % 2 == 0 else None,
                    resolved_at=timezone.now() if rng.random() < 0.3 else None,
                )
            )
    Comment.objects.bulk_create(comments, batch_size=1000)
    for n in range(25):
        project = Project.objects.create(workspace=workspace, name=f"Release {n}")
        chosen = rng.sample(ids, 40)
        ProjectSong.objects.bulk_create(
            ProjectSong(project=project, song_id=song_id, position=i)
            for i, song_id in enumerate(chosen)
        )
    note(f"{len(comments)} comments, 25 projects of 40 songs")


def measure(songs: int, running: int, runs: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from studio.models import Job

    call_command("migrate", "--noinput", verbosity=0)
    note(f"seeding {songs} songs and {running} running jobs")
    owner, jobs = seed(songs, running)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)

    def timed(path: str, data=None) -> tuple[float, bytes]:
        start = time.perf_counter()
        response = client.get(path, data)
        content = response.content
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code in (200, 286), response.status_code
        return elapsed, content

    for _ in range(3):  # warm caches, templates, connections
        timed("/")
    with CaptureQueriesContext(connection) as queries:
        timed("/")
    page_queries = len(queries)  # now: the next requests empty the connection's log
    page = [timed("/") for _ in range(runs)]
    size_kb = len(page[-1][1]) / 1024
    if os.environ.get("BENCH_DUMP"):
        Path(os.environ["BENCH_DUMP"]).write_bytes(page[-1][1])
    assert page[-1][1].count(b'name="j"') == running

    seen = [f"{job.id}:ON_QUEUE:10" for job in jobs]
    moved = [job.pk for job in jobs[:CHANGED]]
    polls = []
    for n in range(runs + 3):
        Job.objects.filter(pk__in=moved).update(progress=20 + n)
        elapsed, body = timed("/poll/", {"j": seen})
        assert body.count(b"hx-swap-oob") == CHANGED
        polls.append(elapsed)
    polls = polls[3:]

    report("library_page_ms", median(ms for ms, _ in page), "ms", f"<= {PAGE_MS}")
    report("library_page_kb", size_kb, "KB", f"<= {PAGE_KB}")
    report("library_page_queries", page_queries, "queries", f"<= {PAGE_QUERIES}")
    report("library_poll_ms", median(polls), "ms", f"<= {POLL_MS}")


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    measure(args.songs, args.running, args.runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=10_000)
    parser.add_argument("--running", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--sqlite", action="store_true", help="use SQLite even if PostgreSQL answers"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    command = [PYTHON, __file__, "--child", "--songs", str(args.songs)]
    command += ["--running", str(args.running), "--runs", str(args.runs)]
    extra = {"ALLOWED_HOSTS": "127.0.0.1,testserver", "TESTING": "true"}
    reason = "--sqlite given" if args.sqlite else postgres_available()
    if not reason:
        note("PostgreSQL throwaway database")
        with throwaway_database("library") as url:
            return subprocess.run(command, cwd=ROOT, env=bench_env(url, **extra)).returncode
    note(f"SQLite temporary file ({reason})")
    with tempfile.TemporaryDirectory(prefix="library-bench-") as folder:
        url = f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
        return subprocess.run(command, cwd=ROOT, env=bench_env(url, **extra)).returncode


if __name__ == "__main__":
    sys.exit(main())
