"""The server cost of idle open tabs: 50 library tabs left open for a minute.

    .venv/bin/python bench/live_tabs.py
    BENCH_TABS=50 BENCH_TABS_SECONDS=60 .venv/bin/python bench/live_tabs.py

Serves the studio with gunicorn (2 workers) on a throwaway PostgreSQL database, with a
workspace of 5 members and 24 songs. Each tab is what static/js/live.js makes of an open,
visible library page with nothing happening: the page's one poll every 3 s (starts spread
over the first period), logged in as one of the members, asking "anything since version
N?", over a new connection each time (no keep-alive: the dearer case). A hidden tab sends
nothing, so it costs nothing and is not simulated. Prints requests per second, the answers'
statuses (all should be 204, empty), their median and 95th-percentile latency, and the CPU
time the server's processes (gunicorn's master and workers, from /proc) spent in the
minute, as a share of one core. Talks to 127.0.0.1 only; bounded by the duration.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from pathlib import Path

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

TABS = int(os.environ.get("BENCH_TABS", 50))
SECONDS = float(os.environ.get("BENCH_TABS_SECONDS", 60))
PERIOD = 3.0  # static/js/live.js
MEMBERS = 5
SONGS = 24


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)] if ordered else 0.0


def cpu_seconds(root_pid: int) -> float:
    """User and system CPU of a process and its children (gunicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def seed() -> tuple[list[str], int, str]:
    """Session cookies of the members, the workspace's live version, the poll's path."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from studio.models import Job, JobStatus, Membership, Role, Song, Workspace

    owner = User.objects.create_user("tabs-owner")
    workspace = Workspace.objects.get(memberships__user=owner)
    users = [owner]
    for n in range(MEMBERS - 1):
        user = User.objects.create_user(f"tabs-{n}")
        Membership.objects.create(workspace=workspace, user=user, role=Role.EDITOR)
        user.profile.current_workspace = workspace
        user.profile.save()
        users.append(user)
    for n in range(SONGS):
        job = Job.objects.create(
            workspace=workspace, user=owner, action="music", status=JobStatus.SUCCESS
        )
        Song.objects.create(
            workspace=workspace, job=job, music_id=f"tabs-{n}", title=f"Song {n}", root=None
        )
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    version = Workspace.objects.get(pk=workspace.pk).live_version
    return cookies, version, reverse("library:library_poll")


async def tab(port: int, request: bytes, ends: float, statuses: Counter, latencies: list) -> None:
    await asyncio.sleep(random.uniform(0, PERIOD))
    while time.monotonic() < ends:
        began = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            answer = await reader.read()
            writer.close()
            status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
        except (OSError, ValueError, IndexError):
            status = 0
        statuses[status] += 1
        latencies.append(time.perf_counter() - began)
        wait = PERIOD - (time.perf_counter() - began)
        await asyncio.sleep(max(0.0, min(wait, ends - time.monotonic())))


async def warm(port: int, requests: list[bytes]) -> None:
    for request in requests:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        await reader.read()
        writer.close()


async def run_tabs(port: int, requests: list[bytes]) -> tuple[Counter, list[float]]:
    statuses: Counter = Counter()
    latencies: list[float] = []
    ends = time.monotonic() + SECONDS
    await asyncio.gather(*(tab(port, r, ends, statuses, latencies) for r in requests))
    return statuses, latencies


def main() -> None:
    reason = postgres_available()
    if reason:
        note(f"skipped: {reason}")
        return
    with throwaway_database("tabs") as url, Processes("tabs") as procs:
        port = free_port()
        env = bench_env(url)
        migrate(env)
        setup_django(env)
        cookies, version, path = seed()
        web = procs.gunicorn("web", env, port)
        requests = [
            (
                f"GET {path}?v={version} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: sessionid={cookies[n % len(cookies)]}\r\n"
                "HX-Request: true\r\nConnection: close\r\n\r\n"
            ).encode()
            for n in range(TABS)
        ]
        # Warm: both workers loaded and connected before anything is measured.
        asyncio.run(warm(port, requests[: 2 * len(cookies)]))
        note(f"{TABS} idle tabs for {SECONDS:g} s")
        cpu_before, wall_before = cpu_seconds(web.pid), time.monotonic()
        statuses, latencies = asyncio.run(run_tabs(port, requests))
        cpu = cpu_seconds(web.pid) - cpu_before
        wall = time.monotonic() - wall_before
    total = sum(statuses.values())
    report("live_tabs_requests_per_second", total / wall, "req/s", f"{TABS} tabs, one poll / 3 s")
    report("live_tabs_not_204", total - statuses.get(204, 0), "answers", "0")
    report("live_tabs_latency_median", median(latencies) * 1000, "ms", "small")
    report("live_tabs_latency_p95", p95(latencies) * 1000, "ms", "small")
    report("live_tabs_server_cpu", cpu, "s", f"CPU seconds in {wall:.0f} s")
    report("live_tabs_server_cpu_share", 100 * cpu / wall, "% of a core", "small")


if __name__ == "__main__":
    main()
