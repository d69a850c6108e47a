"""The background worker: django-tasks-db's queue plus the periodic sweep."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from studio.jobs import archive, queueing
from studio.jobs.sweep import sweep
from studio.lib.outage import DATABASE_DOWN, Outage, run_through_outages
from studio.models.ops import HEARTBEAT_SECONDS, Heartbeat

# How often an idle archive thread asks its queue for work: a song is playable only once
# its audio is copied in, so a copy starts within this of the result (one small indexed
# query per thread each time).
ARCHIVE_POLL_SECONDS = 0.2

logger = logging.getLogger("studio.worker")


TIDY_EVERY = 600.0  # seconds between prunings of the queue's rows and partial copies
# The heartbeat thread stops beating when the sweep has not finished a round for this long:
# a stuck sweep shows as a silent worker too.
SWEEP_STUCK_AFTER = 120.0


class Progress:
    """When the sweep last finished a round (monotonic seconds), for the heartbeat."""

    def __init__(self) -> None:
        self.swept_at = time.monotonic()

    def alive(self) -> bool:
        return time.monotonic() - self.swept_at < SWEEP_STUCK_AFTER


def sweep_forever(interval: float, stop: threading.Event, progress: Progress | None = None) -> None:
    tidied: float | None = None

    def one_round() -> None:
        nonlocal tidied
        close_old_connections()
        try:
            sweep()
            if progress is not None:
                progress.swept_at = time.monotonic()
            if tidied is None or time.monotonic() - tidied > TIDY_EVERY:
                tidied = time.monotonic()
                tidy()
        except DATABASE_DOWN:
            raise  # waited out by run_through_outages, logged once
        except Exception:  # a bad round must not stop the next one
            logger.exception("Sweep failed")
        close_old_connections()
        stop.wait(interval)

    run_through_outages(one_round, Outage("Sweep"), running=lambda: not stop.is_set(), stop=stop)


def tidy() -> None:
    """Housekeeping: the queue's old rows, and the rows and partial copies a killed worker
    left behind."""
    queueing.prune()
    archive.remove_stale_partials()


def beat_forever(stop: threading.Event, progress: Progress) -> None:
    """Beat every few seconds while the sweep makes progress: /healthz tells a dead worker
    within seconds, however long one sweep round takes."""

    def one_beat() -> None:
        if progress.alive():
            Heartbeat.beat("worker")
        close_old_connections()
        stop.wait(HEARTBEAT_SECONDS)

    run_through_outages(one_beat, Outage("Heartbeat"), running=lambda: not stop.is_set(), stop=stop)


def _worker(queue: str, interval: float, worker_id: str):
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=[queue],
        interval=interval,
        batch=False,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def archive_threads(count: int, interval: float) -> list:
    """Workers of the archive queue, each in a thread: copies never wait behind job
    sends, nor a slow copy behind another (up to `count` at once)."""
    from django.utils.crypto import get_random_string

    workers = []
    for n in range(count):
        worker = _worker(archive.QUEUE, interval, f"archive-{n}-{get_random_string(12)}")
        threading.Thread(
            target=run_worker,
            args=(worker, f"Archive worker {n}"),
            name=f"archive-{n}",
            daemon=True,
        ).start()
        workers.append(worker)
    return workers


def run_worker(worker, name: str) -> None:
    """Run a queue worker until it is stopped: through database outages of any length
    (logged once), and past any other failure (logged, then started again shortly)."""

    def run() -> None:
        try:
            worker.run()
        except DATABASE_DOWN:
            raise
        except Exception:
            logger.exception("%s failed; restarting", name)
            close_old_connections()
            time.sleep(1.0)

    run_through_outages(run, Outage(name), running=lambda: worker.running)


class Command(BaseCommand):
    help = (
        "Run the background worker: queued tasks (sending jobs, archiving files) and a "
        "sweep every few seconds (polling running jobs, recovering lost work, heartbeat)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between sweeps (default 1)."
        )
        parser.add_argument(
            "--once", action="store_true", help="One sweep, then the queued tasks, then exit."
        )

    def handle(self, *args, interval: float, once: bool, verbosity: int, **options) -> None:
        if once:
            sweep()
            call_command("db_worker", batch=True, reload=False, startup_delay=False, queue_name="*")
            return
        from django.utils.crypto import get_random_string

        if verbosity == 0:
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        stop = threading.Event()
        progress = Progress()
        for target, args, name in (
            (sweep_forever, (max(0.2, interval), stop, progress), "sweep"),
            (beat_forever, (stop, progress), "heartbeat"),
        ):
            threading.Thread(target=target, args=args, name=name, daemon=True).start()
        archivers = archive_threads(settings.ARCHIVE_WORKERS, min(interval, ARCHIVE_POLL_SECONDS))
        self.stdout.write(
            f"Worker started: sweeping every {interval:g} s, {len(archivers)} archive threads."
        )
        # django-tasks-db's db_worker loop for the default queue, with its SIGTERM handling
        # (the task in hand is finished first), kept alive through database outages.
        main = _worker("default", min(interval, 1.0), get_random_string(32))
        main.configure_signals()
        try:
            run_worker(main, "Worker")
        finally:
            stop.set()
            for worker in archivers:
                worker.running = False
