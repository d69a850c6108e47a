"""Reviews: comments on a song, optionally pinned to a moment or a section of it, with
replies and @mentions; and the song's review status."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by comment_song_created, which starts with it.
    song = models.ForeignKey("studio.Song", models.CASCADE, related_name="comments", db_index=False)
    # A reply belongs to a thread: replies of replies hang on the thread's first comment.
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A guest of a share link has no account, only the name they gave.
    guest_name = models.CharField(max_length=60, blank=True, default="")
    # The share link a guest's comment came through: guests see only those.
    share = models.ForeignKey(
        "studio.ShareLink", models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    body = models.TextField()
    # Seconds into the song: a moment (at), or a section (at to end).
    at_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["song", "created_at"], name="comment_song_created")]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def who(self) -> str:
        if self.author_id:
            return self.author.get_username() if self.author else "someone"
        return f"{self.guest_name or 'A guest'} (guest)"

    @property
    def is_timed(self) -> bool:
        return self.at_seconds is not None


class Mention(models.Model):
    """A member named with @ in a comment; unread until they open the song or the list."""

    # Indexed by mention_unique, which starts with it.
    comment = models.ForeignKey(Comment, models.CASCADE, related_name="mentions", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="mentions")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_unique")]
        indexes = [models.Index(fields=["user", "read_at"], name="mention_user_unread")]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.comment_id}"
