"""The library at a million songs: what one workspace's requests cost as the studio grows.

    .venv/bin/python bench/scale.py                      # 10k, 100k and 1M songs in all
    .venv/bin/python bench/scale.py --scales 10000 100000 --runs 10
    .venv/bin/python bench/scale.py --database-url postgres://postgres@127.0.0.1:5432/ps_scale

PostgreSQL only. Seeds 1,000 workspaces, one of them holding a tenth of all songs (100,000
of the million, with lyrics of realistic length; the others' lyrics are a line), and jobs
numbering a tenth of the songs, with COPY. Then for the big workspace it times, in process
with Django's test client and DEBUG off (as a production server runs): the library's first
page, a page 1,000 pages deep for each sort (reached with the cursor of the row there; in a
workspace smaller than that, its last whole page), a
search for a common word, a rare word and a prefix, each filter, and the poll of 50 running
cards of which 5 moved on. Each figure is the median and the 95th percentile of `--runs`
runs, with the request's query count; the same requests at every scale, so the last lines
compare the biggest scale with the smallest. Every query of every library request is
EXPLAINed at each scale; at the biggest none may scan the songs or jobs table sequentially.

Scales run one after the other on one database (each adds rows to the last), so the whole
bench seeds a million songs once. `--database-url` keeps the database afterwards (it is
emptied first); without it a throwaway database is made and dropped.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_env, note, postgres_available, report, setup_django, throwaway_database

TARGET_MS = 50
FLAT = 1.5  # the biggest scale's median within this factor of the smallest's
WORKSPACES = 1_000
BIG_SHARE = 10  # the big workspace holds 1/BIG_SHARE of all songs
JOBS_PER_SONG = 10  # one job per this many songs
RUNNING, MOVED = 50, 5  # running cards the poll carries, and how many of them moved on
DEEP = 1_000  # pages
RARE_WORD = "quixotry"  # in RARE_SONGS songs of the big workspace, nowhere else
RARE_SONGS = 12  # among its first 600, so every scale finds the same ones
BATCH = 20_000
# Adding this many rows or more, the tables' secondary indexes are dropped first and built
# again after: one sorted build is many times faster than a million index updates (GIN most).
REBUILD_FROM = 200_000

WORDS = [
    "love",
    "night",
    "heart",
    "fire",
    "light",
    "dream",
    "rain",
    "city",
    "road",
    "home",
    "time",
    "sky",
    "gold",
    "blue",
    "dance",
    "run",
    "stars",
    "ocean",
    "wild",
    "free",
    "alone",
    "tonight",
    "forever",
    "together",
    "shadow",
    "summer",
    "winter",
    "river",
    "highway",
    "neon",
    "echo",
    "ghost",
    "silver",
    "thunder",
    "storm",
    "fading",
    "burning",
    "falling",
    "rising",
    "hold",
    "baby",
    "girl",
    "boy",
    "world",
    "moon",
    "sun",
    "wind",
    "crying",
    "smile",
    "tears",
    "kiss",
    "lonely",
    "radio",
    "electric",
    "midnight",
    "morning",
    "sweet",
    "broken",
    "wings",
    "pray",
    "faith",
    "golden",
    "heaven",
    "desire",
    "velvet",
    "static",
]
FILLER = [
    "the",
    "a",
    "and",
    "i",
    "you",
    "me",
    "we",
    "my",
    "your",
    "in",
    "on",
    "of",
    "to",
    "with",
    "all",
    "no",
    "oh",
    "yeah",
]
PROMPTS = [
    "synthwave, retro drums, analog pads",
    "lofi hip hop, mellow keys, vinyl crackle",
    "epic orchestral, choir, big percussion",
    "jazz trio, brushed drums, upright bass",
    "indie folk, acoustic guitar, warm vocals",
    "deep house, rolling bass, airy female vocal",
    "punk rock, fast guitars, shouted chorus",
    "ambient drone, field recordings",
]
MODELS = ["FUZZ-2.0", "FUZZ-2.0 Pro", "FUZZ-1.1", "FUZZ-1.0"]


def _lines(rng: random.Random, count: int) -> list[str]:
    lines = []
    for _ in range(count):
        n = rng.randint(5, 9)
        # Zipf-like: a few words in most lines, most words rarely.
        picked = [WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)] for _ in range(n)]
        picked = [w if rng.random() < 0.7 else rng.choice(FILLER) for w in picked]
        lines.append(" ".join(picked).capitalize())
    return lines


def lyrics(rng: random.Random, pool: list[str], realistic: bool) -> str:
    if not realistic:
        return rng.choice(pool)
    parts = []
    for tag in ("[Verse 1]", "[Chorus]", "[Verse 2]", "[Chorus]", "[Bridge]", "[Chorus]"):
        parts.append(tag + "\n" + "\n".join(rng.choice(pool) for _ in range(rng.randint(4, 8))))
    return "\n\n".join(parts)  # about 1.3 KB, a pop song's


@contextmanager
def without_secondary_indexes(models: list, when: bool) -> Iterator[None]:
    """Drop the tables' indexes that back no constraint, run the body, build them again
    (each as PostgreSQL printed it, so the search index and partial ones come back as
    they were)."""
    from django.db import connection

    if not when:
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s)"
            " AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint"
            " c WHERE c.conname = i.indexname)",
            [tables],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in found:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


class Seeder:
    """Adds songs and jobs with COPY, every column the model has (its default where the
    bench sets nothing), so new fields need no change here."""

    def __init__(self, big, members: list, others: list) -> None:
        from studio.models import Job, Song

        self.rng = random.Random(16)
        self.pool = _lines(self.rng, 4_000)
        self.big, self.members, self.others = big, members, others
        self.songs, self.jobs = 0, 0
        self.clock = datetime(2025, 1, 1, tzinfo=UTC)
        self.running: list = []
        self.song_fields = [f for f in Song._meta.concrete_fields if not f.generated]
        self.job_fields = [f for f in Job._meta.concrete_fields if not f.generated]

    def _copy(self, model, fields, rows: list[dict]) -> None:
        from django.db import connection

        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        plan = [self._plan(f) for f in fields]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [
                        convert(row[name]) if name in row else default()
                        for name, convert, default in plan
                    ]
                )

    @staticmethod
    def _plan(field):
        """(attribute, how to write a given value, how to make the default) of a column."""
        kind = field.get_internal_type()

        def convert(value):
            if kind == "JSONField":
                return None if value is None else json.dumps(value)
            return value

        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamp = datetime.now(UTC)
            return field.attname, convert, lambda: stamp
        if callable(field.default):
            return field.attname, convert, lambda: convert(field.get_default())
        fixed = convert(field.get_default())
        if kind == "FileField":
            fixed = ""
        return field.attname, convert, lambda: fixed

    def add(self, total: int) -> None:
        """Songs (and jobs) until the studio holds `total` songs."""
        from studio.models import Job, Song

        big_target = total // BIG_SHARE
        big_now = self.big_count
        with without_secondary_indexes([Song, Job], when=total - self.songs >= REBUILD_FROM):
            self._add(total, big_target, big_now)

    def _add(self, total: int, big_target: int, big_now: int) -> None:
        from django.db import transaction

        from studio.models import Job, Song

        while self.songs < total:
            n = min(BATCH, total - self.songs)
            big_n = min(n, max(0, big_target - big_now))
            songs, jobs = [], []
            for i in range(n):
                in_big = i < big_n
                workspace = self.big if in_big else self.rng.choice(self.others)
                self.clock += timedelta(seconds=self.rng.randint(1, 30))
                number = self.songs + i
                job_id = None
                if number % JOBS_PER_SONG == 0:
                    job_id = uuid.uuid4()
                    jobs.append(self._job(job_id, workspace, in_big, "SUCCESS"))
                text = lyrics(self.rng, self.pool, realistic=in_big)
                if in_big and big_now + i < RARE_SONGS * 50 and (big_now + i) % 50 == 7:
                    text += f"\n{RARE_WORD} in the morning"
                songs.append(self._song(number, workspace, in_big, job_id, text))
            with transaction.atomic():
                self._copy(Job, self.job_fields, jobs)
                self._copy(Song, self.song_fields, songs)
            self.songs += n
            self.jobs += len(jobs)
            big_now += big_n
        self.big_count = big_now

    big_count = 0

    def _song(self, number: int, workspace, in_big: bool, job_id, text: str) -> dict:
        rng = self.rng
        pk = uuid.uuid4()
        return {
            "id": pk,
            "workspace_id": workspace.pk,
            "job_id": job_id,
            "music_id": f"scale-{number}",
            "root_id": None,
            "relation": rng.choice(["original"] * 5 + ["extend", "cover", "variation", "upload"]),
            "title": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {number}",
            "prompt": rng.choice(PROMPTS),
            "lyrics": text,
            "model": rng.choice(MODELS),
            "duration": None if rng.random() < 0.02 else round(rng.uniform(30, 480), 2),
            "peaks": [round(rng.random(), 2) for _ in range(100)] if in_big else [],
            "image_url": "https://cdn.example/cover.png",
            "archive_status": "done",
            "favourite": rng.random() < 0.05,
            "review_status": rng.choice(["draft"] * 6 + ["in_review", "approved"]),
            "created_by_id": rng.choice(self.members).pk if in_big else None,
            "created_at": self.clock,
        }

    def _job(self, pk, workspace, in_big: bool, status: str) -> dict:
        return {
            "id": pk,
            "workspace_id": workspace.pk,
            "user_id": self.rng.choice(self.members).pk if in_big else None,
            "action": "music",
            "params": {"sound_prompt": "bench", "title": "Scale"},
            "status": status,
            "progress": 100 if status == "SUCCESS" else 10,
            "created_at": self.clock,
            "finished_at": self.clock if status == "SUCCESS" else None,
        }

    def add_running(self) -> list:
        """The big workspace's running jobs (made once; the poll carries their cards)."""
        from studio.models import Job

        if not self.running:
            rows = [
                self._job(uuid.uuid4(), self.big, True, "ON_QUEUE") | {"created_at": self.clock}
                for _ in range(RUNNING)
            ]
            self._copy(Job, self.job_fields, rows)
            self.running = list(Job.objects.filter(pk__in=[r["id"] for r in rows]))
        return self.running


def setup_people():
    from django.contrib.auth.models import User

    from studio.models import Membership, Role, Workspace

    owner = User.objects.create_user("scale-owner", "owner@example.com")
    big = owner.memberships.get().workspace
    members = [owner]
    for n in range(4):
        user = User.objects.create_user(f"scale-member{n}", f"m{n}@example.com")
        Membership.objects.create(workspace=big, user=user, role=Role.EDITOR)
        members.append(user)
    others = Workspace.objects.bulk_create(
        Workspace(name=f"Team {n}") for n in range(WORKSPACES - 1)
    )
    return owner, big, members, others


# --- Measuring ------------------------------------------------------------------------------


def cursor_at(order_key: str, position: int, workspace, page_size: int) -> tuple[str, int]:
    """The cursor of the row `position` rows into the sort (made with OFFSET, untimed), or
    of the last row a whole page still follows when the workspace is smaller than that."""
    from studio.lib import keyset
    from studio.library.listing import SORTS
    from studio.models import Song

    order = SORTS[order_key][0]
    songs = order.apply(Song.objects.filter(workspace=workspace, deleted_at__isnull=True))
    total = songs.count()
    position = max(min(position, total - 1 - page_size), 0)
    row = songs.order_by(*order.order_by())[position : position + 1].get()
    return keyset.encode(row, order), position


def requests(big, members, running) -> dict[str, tuple[str, dict]]:
    from studio.library.listing import PAGE_SIZE, SORTS

    wanted = {"library.first": ("/", {})}
    for sort in [key for key in SORTS if key != "best"]:  # "best" needs a search
        cursor, position = cursor_at(sort, DEEP * PAGE_SIZE - 1, big, PAGE_SIZE)
        note(f"{sort}: the deep page starts after row {position + 1}")
        wanted[f"library.deep.{sort}"] = ("/", {"sort": sort, "after": cursor})
        if sort != "new":
            wanted[f"library.sort.{sort}"] = ("/", {"sort": sort})
    wanted.update(
        {
            "search.common": ("/", {"q": "love"}),
            "search.rare": ("/", {"q": RARE_WORD}),
            "search.prefix": ("/", {"q": "synthw"}),
            "search.words": ("/", {"q": "night fire"}),
            "search.best_match.common": ("/", {"q": "love", "sort": "best"}),
            "search.best_match.rare": ("/", {"q": RARE_WORD, "sort": "best"}),
            "filter.relation": ("/", {"relation": "cover"}),
            "filter.model": ("/", {"model": "FUZZ-1.1"}),
            "filter.member": ("/", {"member": str(members[2].pk)}),
            "filter.favourites": ("/", {"fav": "1"}),
            "filter.review": ("/", {"review": "approved"}),
            "filter.ready": ("/", {"status": "ready"}),
            "filter.running": ("/", {"status": "running"}),
            "filter.failed": ("/", {"status": "failed"}),
            "filter.search_and_model": ("/", {"q": "love", "model": "FUZZ-1.0"}),
        }
    )
    seen = [f"{job.id}:ON_QUEUE:10" for job in running]
    for n in range(MOVED):  # these cards' states are behind: the poll sends them fresh
        seen[n] = f"{running[n].id}:ON_QUEUE:5"
    wanted["poll"] = ("/poll/", {"j": seen})
    return wanted


class Recorder:
    """Every statement a request sends, with its parameters, to EXPLAIN afterwards."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def explain(sql: str, params) -> tuple[list[str], float]:
    """The tables a statement scans sequentially, and its execution time on the server."""
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return [], 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found = []

    def walk(node: dict) -> None:
        if node.get("Node Type") == "Seq Scan":
            found.append(node.get("Relation Name", "?"))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found, plan[0]["Execution Time"]


@dataclass
class Figures:
    median: float  # ms, wall clock, the whole request in process
    p95: float
    cpu: float  # ms, this process's CPU time (the request's Python), median
    db: float  # ms, the server's execution time of the request's statements
    queries: int
    scans: list[str]  # songs or jobs tables scanned sequentially


def measure(client, wanted: dict, runs: int) -> dict[str, Figures]:
    from django.db import connection

    results = {}
    for name, (path, data) in wanted.items():
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            response = client.get(path, data)
        assert response.status_code in (200, 286), (name, response.status_code)
        for _ in range(2):  # warm this request's plans and caches
            client.get(path, data)
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path, data)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        scans, db = [], 0.0
        for sql, params in recorder.statements:
            found, ms = explain(sql, params)
            scans += [t for t in found if t in ("studio_song", "studio_job")]
            db += ms
        results[name] = Figures(
            statistics.median(times),
            p95,
            statistics.median(cpu),
            db,
            len(recorder.statements),
            scans,
        )
    return results


def run(scales: list[int], runs: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    owner, big, members, others = setup_people()
    seeder = Seeder(big, members, others)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    by_scale, failed = {}, False
    for total in scales:
        began = time.monotonic()
        seeder.add(total)
        running = seeder.add_running()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE studio_song")  # what autovacuum does after a load
            cursor.execute("VACUUM ANALYZE studio_job")
        seconds = time.monotonic() - began
        note(f"{total} songs, {seeder.jobs + RUNNING} jobs, {seeder.big_count} in the workspace")
        report(f"scale.{total}.seed_s", seconds, "s", "-")
        # The seeding's garbage is collected and what it left is kept out of later collections,
        # as a server that never seeded: the requests' times are then theirs alone.
        gc.collect()
        gc.freeze()
        results = measure(client, requests(big, members, running), runs)
        by_scale[total] = results
        for name, f in results.items():
            report(f"scale.{total}.{name}.median", f.median, "ms", f"<= {TARGET_MS}")
            report(f"scale.{total}.{name}.p95", f.p95, "ms", f"<= {TARGET_MS}")
            report(f"scale.{total}.{name}.cpu", f.cpu, "ms", "-")
            report(f"scale.{total}.{name}.db", f.db, "ms", "-")
            report(f"scale.{total}.{name}.queries", f.queries, "queries", "-")
            if f.scans:
                note(f"{name}: sequential scan of {', '.join(sorted(set(f.scans)))}")
        scans = sum(len(f.scans) for f in results.values())
        report(f"scale.{total}.seq_scans", scans, "scans", "== 0" if total == max(scales) else "-")
        if scans and total == max(scales):
            failed = True
    if len(scales) > 1:
        small, large = by_scale[min(scales)], by_scale[max(scales)]
        for name in large:
            report(f"scale.flat.{name}", large[name].median / small[name].median, "x", f"<= {FLAT}")
            same = large[name].queries == small[name].queries
            report(f"scale.flat.{name}.same_queries", int(same), "bool", "== 1")
    return 1 if failed else 0  # a sequential scan of songs or jobs at the biggest scale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", help="an existing database to use and keep (emptied)")
    args = parser.parse_args()
    scales = sorted(args.scales)
    reason = postgres_available()
    if reason:
        print(f"scale.skipped 1 bool (PostgreSQL only: {reason})", flush=True)
        return 0
    extra = {"ALLOWED_HOSTS": "127.0.0.1,testserver", "TESTING": "true"}
    if args.database_url:
        reset(args.database_url)
        setup_django(bench_env(args.database_url, **extra))
        return run(scales, args.runs)
    with throwaway_database("scale") as url:
        setup_django(bench_env(url, **extra))
        try:
            return run(scales, args.runs)
        finally:
            from django.db import connections

            connections.close_all()


def reset(url: str) -> None:
    """Drop and create the named database, so every run seeds the same rows."""
    from _common import _pg_admin
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with _pg_admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    sys.exit(main())
