"""API tokens and the idempotency keys of the requests they made.

A token is shown once, when it is made; the studio keeps only its SHA-256 digest (a token
is 256 random bits, so a plain hash is enough: nothing to guess a dictionary from) and a
short prefix that names it in lists.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studio.models.music import Job
from studio.models.workspaces import Role, Workspace


class TokenRole(models.TextChoices):
    READ_ONLY = "read-only", _("Read-only")
    EDITOR = "editor", _("Editor")

    @property
    def role(self) -> Role:
        """The member role the token acts as."""
        return Role.EDITOR if self is TokenRole.EDITOR else Role.VIEWER


class ApiToken(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=10, choices=TokenRole.choices, default=TokenRole.READ_ONLY)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def member_role(self) -> Role:
        return TokenRole(self.role).role

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotentRequest(models.Model):
    """A job creation made with an `Idempotency-Key`: a retry gets the same answer."""

    token = models.ForeignKey(ApiToken, models.CASCADE, related_name="idempotent_requests")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the request body
    job = models.ForeignKey(Job, models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotent_request_once")
        ]

    def __str__(self) -> str:
        return self.key


class ApiBatch(models.Model):
    """Up to 100 generations asked for in one request, started as the running cap allows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="api_batches")
    token = models.ForeignKey(
        ApiToken, models.SET_NULL, null=True, blank=True, related_name="batches"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set while items wait for a free slot; the sweep looks only at these.
    waiting = models.BooleanField(default=True, db_index=True)

    def __str__(self) -> str:
        return str(self.id)


class BatchItemState(models.TextChoices):
    WAITING = "waiting", _("Waiting for a free slot")
    STARTED = "started", _("Started")
    REFUSED = "refused", _("Refused")


class BatchItem(models.Model):
    batch = models.ForeignKey(ApiBatch, models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    fields = models.JSONField(default=dict)
    state = models.CharField(
        max_length=10, choices=BatchItemState.choices, default=BatchItemState.WAITING
    )
    job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="+")
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="batch_item_position")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} #{self.position}"


class WebhookEndpoint(models.Model):
    """Where a workspace's events are posted, each delivery signed with `secret`.

    The `*_after` times are how far the worker has looked for new events of each kind: an
    endpoint gets what happens after it was registered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField()  # the studio signs with it, so it is kept readable
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    jobs_after = models.DateTimeField(default=timezone.now)
    activity_after = models.DateTimeField(default=timezone.now)
    comments_after = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    body = models.TextField()  # signed and sent exactly as stored
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    # Each attempt: {"at", "status" (HTTP status or null), "answer" (its start, or the error)}.
    attempts = models.JSONField(default=list)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"
