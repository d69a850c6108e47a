"""The workspace's activity log: who did what, newest first."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from studio.models.workspaces import Workspace, touch


class Verb(models.TextChoices):
    SONG_CREATED = "song_created", "created a song"
    SONG_REMIXED = "song_remixed", "remixed a song"
    SONG_DELETED = "song_deleted", "deleted a song"
    SONG_RESTORED = "song_restored", "restored a song"
    SONG_RENAMED = "song_renamed", "renamed a song"
    SONG_UPLOADED = "song_uploaded", "uploaded audio"
    MEMBER_INVITED = "member_invited", "invited a member"
    MEMBER_JOINED = "member_joined", "joined the workspace"
    MEMBER_REMOVED = "member_removed", "removed a member"
    MEMBER_LEFT = "member_left", "left the workspace"
    ROLE_CHANGED = "role_changed", "changed a role"
    KEY_CHANGED = "key_changed", "changed the API key"
    BUDGET_CHANGED = "budget_changed", "changed the budget"
    WORKSPACE_RENAMED = "workspace_renamed", "renamed the workspace"
    REVIEW_STATUS = "review_status", "set a song's review status"


class ActivityEvent(models.Model):
    # Indexed by event_ws_created, which starts with it.
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="events", db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=24, choices=Verb.choices)
    # What the event was about, in words that survive the object's deletion.
    subject = models.CharField(max_length=200, blank=True, default="")
    song = models.ForeignKey(
        "studio.Song", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        # The log pages by cursor on (created_at, id) (studio.keyset).
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="event_ws_created"),
            models.Index(fields=["workspace", "verb", "-created_at", "-id"], name="event_ws_verb"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_verb_display()} {self.subject}"


def record(workspace: Workspace, actor, verb: Verb, subject: str = "", song=None) -> None:
    ActivityEvent.objects.create(
        workspace=workspace, actor=actor, verb=verb, subject=subject[:200], song=song
    )
    touch(workspace.pk)
