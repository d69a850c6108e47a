"""Projects: a workspace's named, ordered collections of songs (a release, an ad, a level)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from studio.models.music import Song
from studio.models.workspaces import Workspace


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by project_ws_name, which starts with it.
    workspace = models.ForeignKey(
        Workspace, models.CASCADE, related_name="projects", db_index=False
    )
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["workspace", "name"], name="project_ws_name")]

    def __str__(self) -> str:
        return self.name


class ProjectSong(models.Model):
    """One song's place in a project; positions are 0, 1, 2 ... in play order."""

    # Indexed by project_song_unique, which starts with it.
    project = models.ForeignKey(Project, models.CASCADE, related_name="entries", db_index=False)
    song = models.ForeignKey(Song, models.CASCADE, related_name="project_entries")
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "song"], name="project_song_unique")
        ]

    def __str__(self) -> str:
        return f"{self.song_id} at {self.position} in {self.project_id}"
