"""Shared helpers of the benchmarks: throwaway PostgreSQL databases, gunicorn and worker
processes, a loopback load generator, medians and the one-line figure format.

Every figure is printed as `name value unit (target)`; bench/run_all.py collects them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
_venv_python = ROOT / ".venv" / "bin" / "python"
PYTHON = str(_venv_python if _venv_python.exists() else Path(sys.executable))
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
# A superuser connection to the server that hosts the throwaway databases.
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
LOG_DIR = Path(os.environ.get("BENCH_LOG_DIR", tempfile.gettempdir())) / "producer-bench"


def report(name: str, value: float | int | str, unit: str, target: str) -> None:
    if isinstance(value, float):
        value = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    print(f"{name} {value} {unit} ({target})", flush=True)


def note(text: str) -> None:
    """Progress for people; run_all only reads the figure lines on stdout."""
    print(f"  . {text}", file=sys.stderr, flush=True)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


# --- PostgreSQL -------------------------------------------------------------------------


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)


def postgres_available() -> str:
    """'' when the bench server answers, else the reason."""
    try:
        _pg_admin().close()
    except Exception as exc:
        return f"PostgreSQL does not answer at {PG_ADMIN_URL}: {exc}"
    return ""


@contextlib.contextmanager
def throwaway_database(label: str) -> Iterator[str]:
    """Create an empty database, yield its DATABASE_URL, drop it afterwards."""
    from psycopg import sql

    name = f"bench_{label}_{os.getpid()}_{secrets.token_hex(3)}"
    with _pg_admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgres://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with contextlib.suppress(Exception), _pg_admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# --- Environment and Django -------------------------------------------------------------


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production mode on loopback: DEBUG off (no query log), persistent connections."""
    media = tempfile.mkdtemp(prefix="producer-bench-media-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "PUBLIC_BASE_URL", "TTAPI_API_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="producer_site.settings",
        DJANGO_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        EMULATOR_ENABLED="true",
        MEDIA_ROOT=media,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure this process like the servers (same database, same settings)."""
    os.environ.update(env)
    for path in (str(ROOT), str(BENCH)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def migrate(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")


# --- Processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Started processes, each in its own session; all stopped on exit, by pid."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.procs: list[subprocess.Popen] = []
        LOG_DIR.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Processes:
        # SIGTERM (run_all's timeout, kill) unwinds like Ctrl-C: servers stopped, databases dropped.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            stop(proc)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(LOG_DIR / f"{self.label}-{name}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc.log_path = log.name  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def gunicorn(
        self, name: str, env: dict[str, str], port: int, workers: int = 2, access_log: bool = False
    ) -> subprocess.Popen:
        args = [
            GUNICORN,
            "producer_site.wsgi",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ]
        if access_log:
            args += ["--access-logfile", str(LOG_DIR / f"{self.label}-{name}-access.log")]
            args += ["--access-logformat", "%(s)s %(m)s %(U)s"]
        else:
            args += ["--access-logfile", "/dev/null"]
        proc = self.start(name, args, env)
        wait_for_port(port, proc)
        return proc

    def worker(self, name: str, env: dict[str, str], *args: str) -> subprocess.Popen:
        return self.start(name, [PYTHON, "manage.py", "worker", *args], env)


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}: see {proc.log_path}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port} after {timeout:.0f}s")


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --- Load generator ---------------------------------------------------------------------


def http_request(method: str, path: str, body: bytes = b"", content_type: str = "") -> bytes:
    """One HTTP/1.1 request, encoded once so sending costs the generator almost nothing."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if body or method == "POST":
        head += [f"Content-Type: {content_type or 'application/json'}"]
        head += [f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _send_all(
    port: int, requests: list[bytes], concurrency: int
) -> tuple[float, Counter, list[float]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    statuses: Counter = Counter()
    latencies: list[float] = []

    async def client() -> None:
        while True:
            try:
                request = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            began = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                await writer.drain()
                answer = await reader.read()
                writer.close()
                status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
            except (OSError, ValueError, IndexError):
                status = 0  # connection refused, reset or garbled: counted as lost
            statuses[status] += 1
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - began, statuses, latencies


def send_all(
    port: int, requests: list[bytes], concurrency: int = 32
) -> tuple[float, Counter, list[float]]:
    """Send every request over its own connection, `concurrency` at a time.

    Returns the elapsed seconds, a Counter of HTTP statuses (0 = no answer) and latencies.
    """
    return asyncio.run(_send_all(port, requests, concurrency))
