"""The background worker: django-tasks-db's queue plus the periodic sweep."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from studio.jobs import archive
from studio.jobs.sweep import sweep

# How often an idle archive thread asks its queue for work: a song is playable only once
# its audio is copied in, so a copy starts within this of the result (one small indexed
# query per thread each time).
ARCHIVE_POLL_SECONDS = 0.2

logger = logging.getLogger("studio.worker")


PRUNE_EVERY = 3600.0  # seconds between prunings of finished task rows


def sweep_forever(interval: float, stop: threading.Event) -> None:
    pruned = 0.0
    while not stop.is_set():
        close_old_connections()
        try:
            sweep()
            if time.monotonic() - pruned > PRUNE_EVERY:
                pruned = time.monotonic()
                call_command("prune_db_task_results", min_age_days=7, verbosity=0)
        except Exception:  # a bad round must not stop the next one
            logger.exception("Sweep failed")
        close_old_connections()
        stop.wait(interval)


def archive_threads(count: int, interval: float) -> list:
    """Workers of the archive queue, each in a thread: copies never wait behind job
    sends, nor a slow copy behind another (up to `count` at once)."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    workers = []
    for n in range(count):
        worker = Worker(
            queue_names=[archive.QUEUE],
            interval=interval,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"archive-{n}-{get_random_string(12)}",
            excluded_queue_names=[],
        )
        threading.Thread(
            target=_run_worker, args=(worker,), name=f"archive-{n}", daemon=True
        ).start()
        workers.append(worker)
    return workers


def _run_worker(worker) -> None:
    while worker.running:
        try:
            worker.run()
        except Exception:  # a lost database connection, say: start again shortly
            logger.exception("Archive worker failed; restarting")
            close_old_connections()
            time.sleep(1.0)


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
        stop = threading.Event()
        thread = threading.Thread(
            target=sweep_forever, args=(max(0.2, interval), stop), name="sweep", daemon=True
        )
        thread.start()
        archivers = archive_threads(settings.ARCHIVE_WORKERS, min(interval, ARCHIVE_POLL_SECONDS))
        self.stdout.write(
            f"Worker started: sweeping every {interval:g} s, {len(archivers)} archive threads."
        )
        try:
            call_command(
                "db_worker",
                reload=False,
                startup_delay=False,
                interval=min(interval, 1.0),
                verbosity=verbosity,
                queue_name="default",
            )
        finally:
            stop.set()
            for worker in archivers:
                worker.running = False
