"""The background worker: django-tasks-db's queue plus the periodic sweep."""

from __future__ import annotations

import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from studio.sweep import sweep

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
            call_command("db_worker", batch=True, reload=False, startup_delay=False)
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=sweep_forever, args=(max(0.2, interval), stop), name="sweep", daemon=True
        )
        thread.start()
        self.stdout.write(f"Worker started: sweeping every {interval:g} s.")
        try:
            call_command(
                "db_worker",
                reload=False,
                startup_delay=False,
                interval=min(interval, 1.0),
                verbosity=verbosity,
            )
        finally:
            stop.set()
