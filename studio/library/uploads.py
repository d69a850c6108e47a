"""Uploaded audio files: a file is written only when its job will be accepted, counted
against the workspace's upload quota, and deleted once it belongs to nothing (its job never
made or deleted) or with its workspace."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

import outbound
from contract.producer import Action
from studio.jobs import lifecycle as jobs
from studio.models import Job, StoredUpload, Workspace

logger = logging.getLogger(__name__)

# A row without its job this long after the upload is left over from a request that failed
# between writing the file and accepting the job (the request itself takes seconds).
ORPHAN_AFTER = timedelta(hours=1)
BATCH = 200


def used_bytes(workspace: Workspace) -> int:
    total = StoredUpload.objects.filter(workspace=workspace).aggregate(n=Sum("size"))["n"]
    return total or 0


def refusal(workspace: Workspace, size: int) -> str:
    """Why an upload of `size` bytes would be refused before it is written, or ""."""
    quota = settings.WORKSPACE_UPLOAD_QUOTA_BYTES
    used = used_bytes(workspace)
    if used + size > quota:
        return _(
            "This workspace has used %(used)s of its %(quota)s for uploaded files, and this "
            "file needs %(size)s: delete songs made from uploads, or ask the site's operator "
            "for more room."
        ) % {
            "used": outbound.size_text(used),
            "quota": outbound.size_text(quota),
            "size": outbound.size_text(size),
        }
    try:  # the job's own limits, checked again under the workspace's lock when it is sent
        jobs.check_limits(workspace, Action.UPLOAD)
    except jobs.SubmitRefused as exc:
        return exc.message
    return ""


def store(workspace: Workspace, upload) -> StoredUpload:
    """Write the file; its row comes first, so a file is never without one."""
    name = get_valid_filename(os.path.basename(upload.name))[-80:] or "audio"
    row = StoredUpload.objects.create(
        workspace=workspace,
        path=f"uploads/{workspace.pk}/{uuid.uuid4().hex}/{name}",
        size=upload.size,
    )
    saved = default_storage.save(row.path, upload)
    if saved != row.path:  # the storage chose another name (never expected: the folder is new)
        StoredUpload.objects.filter(pk=row.pk).update(path=saved)
        row.path = saved
    return row


def settle(row: StoredUpload, job: Job | None) -> None:
    """The job that lends the file out was accepted (keep it), or refused (delete it)."""
    if job is not None:
        StoredUpload.objects.filter(pk=row.pk).update(job=job)
    else:
        discard([row])


def discard(rows) -> int:
    """Delete the files, then their rows (a file that cannot be deleted keeps its row, and is
    tried again by the next sweep)."""
    gone = []
    for row in rows:
        try:
            default_storage.delete(row.path)
        except OSError as exc:
            logger.warning("Could not delete upload %s: %s", row.path, exc.__class__.__name__)
            continue
        gone.append(row.pk)
    StoredUpload.objects.filter(pk__in=gone).delete()
    return len(gone)


def sweep_orphans(now: datetime | None = None) -> int:
    """Delete uploads that belong to no job (never accepted, or the job was deleted)."""
    now = now or timezone.now()
    rows = StoredUpload.objects.filter(job__isnull=True, created_at__lt=now - ORPHAN_AFTER)
    return discard(list(rows.order_by("created_at")[:BATCH]))


def paths_of(workspace: Workspace) -> list[str]:
    """The workspace's uploaded files, read before the workspace (and its rows) go."""
    return list(StoredUpload.objects.filter(workspace=workspace).values_list("path", flat=True))


def delete_paths(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            default_storage.delete(path)
