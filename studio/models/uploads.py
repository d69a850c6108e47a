"""Audio files members upload: stored for the provider to fetch, counted against the
workspace's upload quota, deleted with the workspace or once nothing needs them."""

import uuid

from django.db import models
from django.utils import timezone


class StoredUpload(models.Model):
    """One uploaded file. The row is made before the file is written, so a file never
    exists without its row; `job` is set once the job that lends it out is accepted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("studio.Workspace", models.CASCADE, related_name="stored_uploads")
    job = models.ForeignKey(
        "studio.Job", models.SET_NULL, null=True, blank=True, related_name="stored_uploads"
    )
    path = models.CharField(max_length=300, unique=True)  # the name in default storage
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The sweep finds uploads that belong to no job, oldest first.
            models.Index(
                fields=["created_at"], condition=models.Q(job__isnull=True), name="upload_orphan"
            )
        ]

    def __str__(self) -> str:
        return self.path
