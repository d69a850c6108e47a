"""Workspaces, who belongs to them and with which role, and invitations to join."""

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from contract.engines import Engine
from studio.lib import crypto


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"

    @property
    def can_edit(self) -> bool:
        """Create and remix songs."""
        return self in (Role.OWNER, Role.EDITOR)

    @property
    def can_manage(self) -> bool:
        """Members, key, budget, rename, delete."""
        return self == Role.OWNER


class Workspace(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    # The artist written into delivered files' tags; the workspace's name when empty.
    artist_name = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # The workspace's own TTAPI key, Fernet-encrypted; never rendered back.
    api_key_encrypted = models.TextField(blank=True, default="")
    api_key_hint = models.CharField(max_length=16, blank=True, default="")
    # Quota credits the workspace may spend per calendar month; null means no limit.
    monthly_budget = models.PositiveIntegerField(null=True, blank=True)
    # The engine and model the create page starts on; no model means the studio's default.
    default_engine = models.CharField(
        max_length=12, choices=Engine.choices, default=Engine.PRODUCER
    )
    default_model = models.CharField(max_length=40, blank=True, default="")
    # Bumped after every write the team's open pages show (studio.workspaces.live): a page
    # polls "changed since version N?" on this primary-key row, in any web process.
    live_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_api_key(self, key: str) -> None:
        key = key.strip()
        self.api_key_encrypted = crypto.encrypt(key) if key else ""
        self.api_key_hint = crypto.mask(key) if key else ""

    def get_api_key(self) -> str:
        return crypto.decrypt(self.api_key_encrypted) if self.api_key_encrypted else ""

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)


def _bump_live_version(workspace_id) -> None:
    Workspace.objects.filter(pk=workspace_id).update(live_version=F("live_version") + 1)


def touch(workspace_id) -> None:
    """Tell the workspace's open pages that something they show changed: bumps
    `live_version` once the caller's transaction commits (at once outside one), so a page
    that reads the new version also reads the new rows (studio.workspaces.live)."""
    if workspace_id is not None:
        transaction.on_commit(partial(_bump_live_version, workspace_id))


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile")
    # The workspace the studio opens on; remembered across sessions.
    current_workspace = models.ForeignKey(
        Workspace, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The address this person proved they read (by a link mailed to it). The account counts
    # as verified while its email is still this address; one account per verified address.
    verified_email = models.EmailField(blank=True, default="")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # What this person may spend on the studio's key each month, across their workspaces,
    # and how many workspaces they may own; empty means the site's setting.
    monthly_budget = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Credits a month on the studio's key; empty: PERSON_MONTHLY_BUDGET.",
    )
    max_workspaces = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Workspaces this person may own; empty: PERSON_MAX_WORKSPACES.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("verified_email"),
                condition=~models.Q(verified_email=""),
                name="one_account_per_verified_email",
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def has_verified(self, email: str | None) -> bool:
        """Whether `email` is the address this person proved they read."""
        email = (email or "").strip().lower()
        return bool(email) and self.verified_email.lower() == email

    @property
    def budget(self) -> int:
        """Quota credits a month this person may spend on the studio's key."""
        if self.monthly_budget is not None:
            return self.monthly_budget
        return settings.PERSON_MONTHLY_BUDGET

    @property
    def workspace_limit(self) -> int:
        if self.max_workspaces is not None:
            return self.max_workspaces
        return settings.PERSON_MAX_WORKSPACES


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    # Only the hash is stored: the link shown once to the owner and mailed carries the token.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.workspace}"

    @classmethod
    def issue(
        cls, workspace: Workspace, email: str, role: str, invited_by
    ) -> tuple["Invitation", str]:
        """A new invitation and its secret token (never stored: see `token`)."""
        now = timezone.now()
        invitation = cls(
            workspace=workspace,
            email=email.strip().lower(),
            role=role,
            invited_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        )
        token = invitation._derive_token()
        invitation.token_hash = _hash_token(token)
        invitation.save()
        return invitation, token

    def _derive_token(self) -> str:
        # Whole microseconds since the epoch: the same before and after a database round trip.
        moment = (self.created_at - EPOCH) // timedelta(microseconds=1)
        nonce = f"{self.workspace_id}:{self.email}:{moment}"
        digest = salted_hmac("studio.invitation", nonce, algorithm="sha256").digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def token(self) -> str | None:
        """The link's secret, made again from the secret key (so the same link can be mailed
        once more); None for an invitation whose token was random or made with another key."""
        token = self._derive_token()
        return token if hmac.compare_digest(_hash_token(token), self.token_hash) else None

    @classmethod
    def find(cls, token: str) -> "Invitation | None":
        return cls.objects.select_related("workspace").filter(token_hash=_hash_token(token)).first()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
