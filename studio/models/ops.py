"""Liveness of background processes."""

from datetime import timedelta

from django.db import models
from django.utils import timezone

HEARTBEAT_SECONDS = 5.0  # a running worker beats this often
# Three missed beats: the worker is gone (or its sweep stuck). /healthz and the dashboard.
WORKER_SILENT_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)


class Heartbeat(models.Model):
    """Last time a named process (e.g. "worker") proved it was alive."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
