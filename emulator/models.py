"""What the emulator remembers: the jobs it accepted and the songs (or stems) they make.

A job's state is never advanced by a process: it is read from the clock (`emulator.clock`)
against `finishes_at`, so the emulator needs no worker.
"""

import hashlib
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils import timezone

from contract.engines import Engine


class Outcome(models.TextChoices):
    SUCCESS = "SUCCESS", "Succeeds"
    FAILED = "FAILED", "Fails"


class HookState(models.TextChoices):
    NONE = "", "No hook"
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


def key_digest(api_key: str) -> str:
    """How a caller's key is stored: a digest, so a real key sent here is never kept in clear."""
    return hashlib.sha256(api_key.encode()).hexdigest()


class Job(models.Model):
    job_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key_digest = models.CharField(max_length=64, db_index=True)
    # Which API took the job: its action names and answer shapes are its own.
    api = models.CharField(max_length=12, choices=Engine.choices, default=Engine.PRODUCER)
    action = models.CharField(max_length=24)
    params = models.JSONField(default=dict, blank=True)  # the request, as validated
    fault = models.CharField(max_length=40, blank=True, default="")
    mv = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finishes_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    reason = models.TextField(blank=True, default="")  # why it fails, when it does
    price = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal(0))
    # The emulator's absolute root ("http://host/emulator/") as the caller saw it.
    base_url = models.CharField(max_length=500)
    extra = models.JSONField(default=dict, blank=True)  # lyrics text, download format ...
    hook_url = models.CharField(max_length=2000, blank=True, default="")
    hook_state = models.CharField(
        max_length=8, choices=HookState.choices, blank=True, default=HookState.NONE
    )
    hook_deliveries = models.PositiveSmallIntegerField(default=0)  # bodies accepted
    hook_sent_at = models.DateTimeField(null=True, blank=True)
    fetches = models.PositiveIntegerField(default=0)  # GET fetch answers given (fetch faults)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["key_digest", "finishes_at"], name="emu_job_key_finish")]

    def __str__(self) -> str:
        return f"{self.action} {self.job_id}"

    def finished(self, now=None) -> bool:
        return self.finishes_at <= (now or timezone.now())

    def succeeded(self, now=None) -> bool:
        return self.outcome == Outcome.SUCCESS and self.finished(now)

    def files_expire_at(self):
        """When the job's result files stop being served (404), or None when they are kept."""
        seconds = self.extra.get("expire_seconds")
        return None if seconds is None else self.finishes_at + timedelta(seconds=seconds)

    @property
    def charged(self) -> Decimal:
        """What this job has cost its key so far: the price once it has succeeded."""
        return self.price if self.succeeded() else Decimal(0)


def charged_total(api_key: str, now=None) -> Decimal:
    """Quota charged to a key: the price of every job that was created and succeeded."""
    done = Job.objects.filter(
        key_digest=key_digest(api_key),
        outcome=Outcome.SUCCESS,
        finishes_at__lte=now or timezone.now(),
    )
    return done.aggregate(total=Sum("price"))["total"] or Decimal(0)


class Music(models.Model):
    """One musicId: a song rendered from `recipe`, or one layer (`stem`) of it."""

    music_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey(Job, models.CASCADE, related_name="musics")
    position = models.PositiveSmallIntegerField(default=0)
    recipe = models.JSONField()
    stem = models.CharField(max_length=10, blank=True, default="")
    title = models.CharField(max_length=300, blank=True, default="")
    lyrics = models.TextField(blank=True, default="")
    sound = models.TextField(blank=True, default="")
    seed = models.CharField(max_length=32, blank=True, default="")
    duration = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["job", "position"]

    def __str__(self) -> str:
        return f"{self.title or 'untitled'} ({self.music_id})"
