"""Workers: 4 `manage.py worker` processes on PostgreSQL poll 1,000 running jobs on the
emulator (served by gunicorn on loopback); one worker is killed with SIGKILL mid-run.

Checks, from the workers' own records (bench/_worker_probe.py) and the emulator's rows:
every job finishes, no job is polled by two workers at once, every SUCCESS is applied once,
every job ends with exactly the songs the emulator made, and the killed worker's jobs are
taken back by the others. Prints the time to finish all and each check as a figure.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import (
    BENCH,
    PYTHON,
    Processes,
    bench_env,
    free_port,
    migrate,
    note,
    postgres_available,
    report,
    setup_django,
    throwaway_database,
)

JOBS = int(os.environ.get("BENCH_WORKERS_JOBS", 1000))
WORKERS = 4
JOB_SECONDS = os.environ.get("BENCH_WORKERS_JOB_SECONDS", "4")
KILL_AT = 0.3  # share of jobs finished when one worker is killed
# Archiving makes the emulator render every song on the same two cores: off unless asked.
ARCHIVE = os.environ.get("BENCH_WORKERS_ARCHIVE", "") == "1"
DEADLINE = float(os.environ.get("BENCH_WORKERS_DEADLINE", 600))


def submit_all(count: int) -> list:
    """Create `count` music jobs and send them to the emulator (8 senders at a time)."""
    from django.contrib.auth.models import User
    from django.db import connection

    from studio.jobs import lifecycle as jobs
    from studio.models import Workspace

    user = User.objects.create_user("bench")
    workspace = Workspace.objects.get(memberships__user=user)
    created = [
        jobs.submit(
            "music",
            {"sound_prompt": f"short calm piano sketch {n}", "instrumental": True},
            workspace=workspace,
            user=user,
        )
        for n in range(count)
    ]

    def send(job):
        try:
            return jobs.send(job.pk).status
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, created))
    running = statuses.count("ON_QUEUE")
    if running != count:
        note(f"only {running} of {count} jobs are running after sending: {set(statuses)}")
    return created


def finished_count(ids) -> int:
    from studio.models import Job

    return Job.objects.filter(id__in=ids, status__in=("SUCCESS", "FAILED")).count()


def read_probe(path: Path, killed_pid: int, killed_at: float):
    """Per job: poll intervals [(start, end, pid)] and the pids that applied its SUCCESS."""
    starts: dict[tuple[str, str], list[float]] = defaultdict(list)
    intervals: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    applied: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text().splitlines():
        event, job, pid, when = line.split()
        if event == "start":
            starts[job, pid].append(float(when))
        elif event == "end" and starts[job, pid]:
            intervals[job].append((starts[job, pid].pop(0), float(when), pid))
        elif event == "applied":
            applied[job].append(pid)
    for (job, pid), pending in starts.items():
        for began in pending:  # cut short by the kill
            end = killed_at if pid == str(killed_pid) else float("inf")
            intervals[job].append((began, end, pid))
    return intervals, applied


def polling(path: Path, pid: int) -> bool:
    """Whether the process is in the middle of a poll (its last event is a `start`)."""
    last = ""
    for line in path.read_text().splitlines():
        if line.split()[2] == str(pid) and not line.startswith("applied"):
            last = line
    return last.startswith("start")


def overlapping(intervals: dict) -> int:
    """Jobs that two processes polled at the same time."""
    count = 0
    for spans in intervals.values():
        spans.sort()
        latest_end, latest_pid = 0.0, None
        for began, end, pid in spans:
            if began < latest_end and pid != latest_pid:
                count += 1
                break
            if end > latest_end:
                latest_end, latest_pid = end, pid
    return count


def songs_mismatched(ids) -> tuple[int, int]:
    """(songs lost, songs doubled): the studio's songs per job against the emulator's."""
    from emulator.models import Music
    from studio.models import Job, Song

    by_provider = dict(Job.objects.filter(id__in=ids).values_list("provider_job_id", "id"))
    made = defaultdict(set)
    for job_id, music_id in Music.objects.filter(job_id__in=list(by_provider)).values_list(
        "job_id", "music_id"
    ):
        made[by_provider[str(job_id)]].add(str(music_id))
    have = defaultdict(list)
    for job_id, music_id in Song.objects.filter(job_id__in=ids).values_list("job_id", "music_id"):
        have[job_id].append(music_id)
    success = set(Job.objects.filter(id__in=ids, status="SUCCESS").values_list("id", flat=True))
    lost = sum(len(made[job] - set(have[job])) for job in success)
    doubled = sum(len(songs) - len(set(songs) & made[job]) for job, songs in have.items())
    return lost, doubled


def main() -> int:
    reason = postgres_available()
    if reason:
        print(f"FAILED workers: {reason}")
        return 1
    probe_log = Path(tempfile.mkdtemp(prefix="producer-bench-")) / "probe.log"
    with throwaway_database("workers") as database_url, Processes("workers") as procs:
        port = free_port()
        env = bench_env(
            database_url,
            EMULATOR_BASE_URL=f"http://127.0.0.1:{port}/emulator",
            EMULATOR_JOB_SECONDS=JOB_SECONDS,
            EMULATOR_RUNNING_CAP=str(10 * JOBS),
            WORKSPACE_MAX_RUNNING_JOBS=str(10 * JOBS),
            BENCH_PROBE_LOG=str(probe_log),
            BENCH_PROBE_SKIP_ARCHIVE="" if ARCHIVE else "1",
        )
        migrate(env)
        setup_django(env)
        procs.gunicorn("emulator", env, port, workers=2)
        began = time.monotonic()
        created = submit_all(JOBS)
        ids = [job.pk for job in created]
        note(f"{JOBS} jobs sent in {time.monotonic() - began:.1f}s")

        began = time.monotonic()
        workers = [
            procs.start(f"worker{n}", [PYTHON, str(BENCH / "_worker_probe.py")], env)
            for n in range(WORKERS)
        ]
        victim, killed_at = workers[0], 0.0
        done, most_done_at = 0, 0.0
        while time.monotonic() - began < DEADLINE:
            done = finished_count(ids)
            if not killed_at and done >= KILL_AT * JOBS and polling(probe_log, victim.pid):
                os.killpg(victim.pid, signal.SIGKILL)
                victim.wait()
                killed_at = time.time()
                note(f"killed worker {victim.pid} with SIGKILL at {done} finished jobs")
            if not most_done_at and done >= 0.99 * JOBS:
                most_done_at = time.monotonic() - began
            if done == JOBS:
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - began
        note(f"{done} of {JOBS} finished in {elapsed:.1f}s")

        intervals, applied = read_probe(probe_log, victim.pid, killed_at or time.time())
        from studio.models import Job

        success = Job.objects.filter(id__in=ids, status="SUCCESS").count()
        double_applied = sum(1 for pids in applied.values() if len(pids) > 1)
        success_ids = {
            str(pk)
            for pk in Job.objects.filter(id__in=ids, status="SUCCESS").values_list("id", flat=True)
        }
        victim_jobs = {
            job for job, spans in intervals.items() if any(s[2] == str(victim.pid) for s in spans)
        }
        victim_not_final = (
            Job.objects.filter(id__in=victim_jobs).exclude(status__in=("SUCCESS", "FAILED")).count()
        )
        # The polls the kill cut short, and how many of those jobs were finished all the same.
        in_flight = {
            job
            for job, spans in intervals.items()
            if any(s[2] == str(victim.pid) and s[1] == killed_at for s in spans)
        }
        in_flight_final = Job.objects.filter(id__in=in_flight, status__in=("SUCCESS", "FAILED"))
        # A cut-short poll may have committed its result just before the kill (and not lived to
        # log it): then there is nothing to take back.
        taken_back = sum(
            1 for job in in_flight if any(pid != str(victim.pid) for pid in applied.get(job, ()))
        )
        not_applied = len(success_ids - set(applied) - in_flight)
        lost, doubled = songs_mismatched(ids)

        report("workers_time_to_finish", elapsed, "s", f"{JOBS} jobs, {WORKERS} workers")
        report("workers_time_to_99pct", most_done_at, "s", "before the killed worker's lease ends")
        report("workers_jobs_finished", done, "jobs", f"{JOBS}")
        report("workers_jobs_success", success, "jobs", f"{JOBS}")
        report("workers_double_applied", double_applied, "jobs", "0")
        report("workers_overlapping_polls", overlapping(intervals), "jobs", "0")
        report("workers_success_not_applied_by_a_worker", not_applied, "jobs", "0")
        report("workers_killed_mid_poll", len(in_flight), "jobs", ">= 1")
        report(
            "workers_killed_jobs_finished", in_flight_final.count(), "jobs", f"= {len(in_flight)}"
        )
        report("workers_killed_jobs_taken_back_by_others", taken_back, "jobs", "info")
        report("workers_killed_worker_jobs_unfinished", victim_not_final, "jobs", "0")
        report("workers_songs_lost", lost, "songs", "0")
        report("workers_songs_doubled", doubled, "songs", "0")
        ok = done == JOBS and success == JOBS and not (double_applied or lost or doubled)
        ok = ok and killed_at and in_flight_final.count() == len(in_flight) >= 1
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
