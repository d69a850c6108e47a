"""Slow clients: 50 clients read a large file at 1 KB/s for 60 s from gunicorn as deploy/
configures it, while `/healthz` and the library page are timed; their p95 under that load
against a quiet run (target: within 2x).

Production mode on loopback, media on disk with MEDIA_OFFLOAD=none, so gunicorn itself sends
every byte (the worst case: with a front server or S3 the files never reach a thread).
SQLite by default; BENCH_DATABASE_URL=postgres://... runs it on PostgreSQL (its schema is
migrated in place). BENCH_SLOW_CLIENTS, BENCH_SLOW_SECONDS, BENCH_SLOW_RATE (bytes/s) and
GUNICORN_WORKER_CLASS / GUNICORN_THREADS change the set-up.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
import tempfile
import threading
import time

from _common import (
    Processes,
    bench_env,
    free_port,
    manage,
    median,
    migrate,
    note,
    report,
    setup_django,
)

CLIENTS = int(os.environ.get("BENCH_SLOW_CLIENTS", 50))
SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", 60))
RATE = int(os.environ.get("BENCH_SLOW_RATE", 1024))  # bytes per second per slow client
QUIET_SECONDS = 20.0
FILE_BYTES = 64 * 1024 * 1024  # far more than a slow client reads: the download never ends
PROBE_EVERY = 0.25  # seconds between probes of each page


def seed() -> tuple[str, str, str]:
    """A member with a session, and a song with a large archived file: (cookie, media path,
    library path)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.core.files.base import File
    from django.urls import reverse

    from studio.models import Heartbeat, Song, Workspace

    user = User.objects.create_user("slow-owner", "slow@example.com", "pw-slow-1234")
    workspace = Workspace.objects.get(memberships__user=user)
    for n in range(30):  # a library page with cards on it
        Song.objects.create(
            workspace=workspace, music_id=f"slow-{n}", title=f"Song {n}", duration=60.0,
            peaks=[0.5] * 200, created_by=user,
        )  # fmt: skip
    song = Song.objects.filter(workspace=workspace).first()
    with tempfile.TemporaryFile() as big:
        big.write(b"ID3" + b"\x00" * (FILE_BYTES - 3))
        big.seek(0)
        song.audio_file.save("large.mp3", File(big, name="large.mp3"))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    Heartbeat.beat("worker")
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return (
        cookie,
        reverse("library:song_media", args=[song.pk, "audio"]),
        reverse("library:library"),
    )


def slow_reader(port: int, path: str, cookie: str, stop: threading.Event, got: list) -> None:
    """Opens the download and reads RATE bytes a second until told to stop."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # back-pressure, like a modem
    sock.settimeout(30)
    try:
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
        total = 0
        while not stop.is_set():
            data = sock.recv(RATE)
            if not data:
                break
            total += len(data)
            stop.wait(len(data) / RATE)
        got.append(total)
    except OSError as exc:
        got.append(exc)
    finally:
        sock.close()


def probe(port: int, path: str, cookie: str) -> tuple[float, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 599
    finally:
        conn.close()
    return time.perf_counter() - started, status


def timed(port: int, paths: dict[str, str], cookie: str, seconds: float) -> dict[str, list]:
    """Probe each page in turn for `seconds`: {name: [(seconds, status), ...]}."""
    results: dict[str, list] = {name: [] for name in paths}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for name, path in paths.items():
            results[name].append(probe(port, path, cookie))
        time.sleep(PROBE_EVERY)
    return results


def p95(samples: list) -> float:
    times = sorted(t for t, _ in samples)
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000


def main() -> int:
    folder = tempfile.mkdtemp(prefix="producer-slow-")
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/slow.sqlite3"
    env = bench_env(database_url, PUBLIC_BASE_URL="", MEDIA_OFFLOAD="none")
    migrate(env)
    manage(env, "collectstatic", "--noinput", "-v", "0")  # production pages need the manifest
    setup_django(env)
    cookie, media, library = seed()
    pages = {"healthz": "/healthz", "library": library}
    port = free_port()
    with Processes("slow_clients") as procs:
        procs.gunicorn("web", env, port, workers=int(os.environ.get("WEB_CONCURRENCY", 2)))
        for path in pages.values():  # warm both processes' caches and connections
            for _ in range(6):
                probe(port, path, cookie)
        quiet = timed(port, pages, cookie, QUIET_SECONDS)
        stop, got = threading.Event(), []
        readers = [
            threading.Thread(target=slow_reader, args=(port, media, cookie, stop, got))
            for _ in range(CLIENTS)
        ]
        for reader in readers:
            reader.start()
        time.sleep(2)  # every reader has its response started
        loaded = timed(port, pages, cookie, SECONDS - 2)
        stop.set()
        for reader in readers:
            reader.join(35)
    failed = [g for g in got if not isinstance(g, int) or g == 0]
    read = [g for g in got if isinstance(g, int)]
    note(
        f"{CLIENTS} slow clients at {RATE} B/s for {SECONDS:g} s; "
        f"worker class {os.environ.get('GUNICORN_WORKER_CLASS', 'gthread')}, "
        f"{os.environ.get('GUNICORN_THREADS', 64)} threads; database {database_url.split(':')[0]}"
    )
    note(f"slow clients: {len(read) - len(failed)} of {CLIENTS} read their file the whole time; "
         f"median {sorted(read)[len(read) // 2] if read else 0} bytes each")  # fmt: skip
    ok = not failed
    for name in pages:
        before, after = p95(quiet[name]), p95(loaded[name])
        errors = sum(1 for _, status in quiet[name] + loaded[name] if status >= 500)
        report(
            f"slow_{name}_quiet_median",
            round(median(t for t, _ in quiet[name]) * 1000, 1),
            "ms",
            "info",
        )
        report(
            f"slow_{name}_loaded_median",
            round(median(t for t, _ in loaded[name]) * 1000, 1),
            "ms",
            "info",
        )
        report(f"slow_{name}_quiet_p95", round(before, 1), "ms", "info")
        report(f"slow_{name}_loaded_p95", round(after, 1), "ms", f"<= {2 * before:.1f}")
        report(f"slow_{name}_loaded_requests", len(loaded[name]), "requests", "info")
        report(f"slow_{name}_loaded_errors", errors, "responses", "0")
        ok = ok and after <= 2 * before and errors == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
