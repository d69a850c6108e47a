"""The trash: a deleted song keeps its row, files and lineage for TRASH_DAYS, so an editor
can restore it; after that the worker's sweep empties it.

Emptying removes the song's files (its audio, cover, video and every asset) and its row.
A song that other songs were made from keeps a bare row without files, so their family
tree keeps its shape (and `root` keeps loading the whole family in one query).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from studio.models import ArchiveStatus, Asset, Song, Workspace

logger = logging.getLogger(__name__)

BATCH = 50
SONG_FILES = ("audio_file", "image_file", "video_file")


def kept_for() -> timedelta:
    return timedelta(days=settings.TRASH_DAYS)


def cutoff(now: datetime) -> datetime:
    """Songs deleted before this are past restoring: the sweep empties them."""
    return now - kept_for()


def trashed(workspace: Workspace, now: datetime) -> QuerySet[Song]:
    """The workspace's trash, newest deletion first."""
    return (
        Song.objects.in_trash()
        .filter(workspace=workspace, deleted_at__gte=cutoff(now))
        .order_by("-deleted_at")
    )


def move_to_trash(song: Song, now: datetime) -> bool:
    return bool(Song.objects.live().filter(pk=song.pk).update(deleted_at=now))


def restore(song: Song, now: datetime) -> bool:
    """Back in the library, in its family tree, with its files: nothing was taken away."""
    return bool(
        Song.objects.filter(pk=song.pk, deleted_at__gte=cutoff(now)).update(deleted_at=None)
    )


def _delete_files(song: Song, assets: list[Asset]) -> None:
    # Storage may be remote (S3): called outside any transaction.
    for field in [getattr(song, name) for name in SONG_FILES] + [a.file for a in assets]:
        if field:
            try:
                field.storage.delete(field.name)
            except OSError:
                logger.exception("Could not delete %s of song %s", field.name, song.pk)


def empty(now: datetime | None = None, batch: int = BATCH) -> int:
    """Empty what has been in the trash longer than TRASH_DAYS; returns the songs emptied.

    `now` is a parameter so tests (and a catching-up worker) need not depend on the clock.
    """
    now = now or timezone.now()
    has_children = Exists(Song.objects.filter(parent=OuterRef("pk")))
    has_assets = Exists(Asset.objects.filter(song=OuterRef("pk")))
    still_holding = (
        ~Q(audio_file="")
        | ~Q(image_file="")
        | ~Q(video_file="")
        | ~Q(audio_url="")
        | ~Q(image_url="")
        | ~Q(video_url="")
        | Q(has_assets=True)
    )
    due = list(
        Song.objects.filter(deleted_at__lt=cutoff(now))
        .annotate(has_children=has_children, has_assets=has_assets)
        .filter(still_holding | Q(has_children=False))
        .order_by("deleted_at")[:batch]
    )
    for song in due:
        assets = list(Asset.objects.filter(song=song))
        _delete_files(song, assets)
        Asset.objects.filter(song=song).delete()
        if Song.objects.filter(parent=song).exists():
            # Its remixes live on: a bare node keeps their tree whole.
            Song.objects.filter(pk=song.pk).update(
                audio_file="",
                image_file="",
                video_file="",
                audio_url="",
                image_url="",
                video_url="",
                peaks=[],
                raw={},
                archive_status=ArchiveStatus.DONE,  # nothing left to copy
            )
        else:
            Song.objects.filter(pk=song.pk).delete()
    return len(due)
