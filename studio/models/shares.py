"""Share links: one song or one project, playable by anyone holding the link's token,
until a date or until revoked. Only a digest of the token is stored."""

import hashlib
import secrets
import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from studio.models.music import Song
from studio.models.projects import Project
from studio.models.workspaces import Workspace


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by share_ws_created, which starts with it.
    workspace = models.ForeignKey(
        Workspace, models.CASCADE, related_name="share_links", db_index=False
    )
    song = models.ForeignKey(Song, models.CASCADE, null=True, blank=True, related_name="+")
    project = models.ForeignKey(
        Project, models.CASCADE, null=True, blank=True, related_name="share_links"
    )
    # The token itself is shown once, to the person who made the link.
    token_digest = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField()  # works through the end of that day (TIME_ZONE)
    allow_downloads = models.BooleanField(default=False)
    allow_comments = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="share_ws_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(song__isnull=False, project__isnull=True)
                | Q(song__isnull=True, project__isnull=False),
                name="share_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Link to {self.target}"

    @property
    def target(self) -> Song | Project | None:
        return self.song if self.song_id else self.project

    @classmethod
    def issue(cls, **fields) -> tuple["ShareLink", str]:
        """A new link and its token (256 bits), which is never stored."""
        token = secrets.token_urlsafe(32)
        return cls.objects.create(token_digest=token_digest(token), **fields), token

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and not self.is_expired(now)

    def is_expired(self, now: datetime) -> bool:
        today: date = timezone.localtime(now).date()
        return today > self.expires_on
