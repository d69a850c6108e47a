"""Riding out a database outage in a long-running loop: wait, reconnect, carry on.

A lost connection (PostgreSQL restarting, a network cut) raises OperationalError or
InterfaceError from whatever query was running. A loop that lets it escape dies, and a
worker that dies stays down until a person restarts it; one that logs a traceback every
second buries the log. `Outage` logs the start once and the end once (once for all the
loops of a process), closes the broken connections so the next query opens a fresh one,
and waits with capped backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections

DATABASE_DOWN = (OperationalError, InterfaceError)

logger = logging.getLogger("studio.outage")

# Loops of this process waiting for the database: the first to notice logs the outage, the
# last to see it back logs its end (a worker has several loops, one outage is one story).
_lock = threading.Lock()
_waiting: set[int] = set()


class Outage:
    """One loop's view of the database: up, or down since a moment (with its backoff)."""

    def __init__(self, name: str, *, first: float = 0.5, cap: float = 15.0) -> None:
        self.name = name
        self.first = first
        self.cap = cap
        self.since: float | None = None  # monotonic time the outage began
        self.failures = 0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> float:
        """Note a failure; returns how long to wait before trying again."""
        if self.since is None:
            self.since = time.monotonic()
            with _lock:
                first = not _waiting
                _waiting.add(id(self))
            if first:
                logger.warning(
                    "%s: the database is unreachable (%s); waiting for it", self.name, exc
                )
        self.failures += 1
        # Every connection this thread holds may be broken: the next query opens a new one.
        for conn in connections.all(initialized_only=True):
            try:
                conn.close()
            except Exception:  # closing a dead connection may fail too; it is gone either way
                logger.debug("Closing a broken connection failed", exc_info=True)
        return min(self.cap, self.first * 2 ** (self.failures - 1))

    def recovered(self) -> None:
        """Note a success: logs the end of an outage once."""
        if self.since is not None:
            with _lock:
                _waiting.discard(id(self))
                last = not _waiting
            if last:
                logger.warning(
                    "%s: the database is back after %.0f s",
                    self.name,
                    time.monotonic() - self.since,
                )
        self.since = None
        self.failures = 0


def probe() -> None:
    """One round trip to the default database (raises while it is down)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def run_through_outages(
    run: Callable[[], object],
    outage: Outage,
    *,
    running: Callable[[], bool],
    stop: threading.Event | None = None,
) -> None:
    """Call `run` until `running()` is false; a database outage is waited out (reconnecting
    with a probe before `run` is called again), never raised."""
    wait = stop.wait if stop is not None else time.sleep
    while running():
        try:
            if outage.down:
                probe()
                outage.recovered()
            run()
        except DATABASE_DOWN as exc:
            wait(outage.failed(exc))
