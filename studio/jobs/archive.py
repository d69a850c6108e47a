"""Copying result files into our own storage (provider URLs expire), and waveform peaks.

Each attempt is claimed with a compare-and-set on `archive_next_at`, so the task enqueued
after commit and the worker's sweep never copy the same row at once. A failed attempt keeps
the provider URL, notes the reason and schedules the next one with backoff.
"""

from __future__ import annotations

import errno
import logging
import os
import posixpath
import tempfile
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit
from uuid import UUID

import numpy as np
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import mediatools
import outbound
from mediatools import peaks
from studio.jobs import analysis, providers, queueing
from studio.models import ArchiveProblem, ArchiveStatus, Asset, AssetKind, Song
from studio.models.workspaces import touch

logger = logging.getLogger(__name__)

QUEUE = "archive"  # the task queue copies run on (see settings.TASKS, ARCHIVE_WORKERS)
DECODE_RATE = 8000  # Hz: plenty for peaks and durations
# Decoding stops after this much audio: a small file cannot expand into hours in memory
# (3 hours at DECODE_RATE is 170 MB of samples).
DECODE_MAX_SECONDS = 3 * 3600
LEASE = timedelta(minutes=10)  # an attempt still running after this is presumed dead
PARTIAL_DIR = ".partial"  # under MEDIA_ROOT: copies in progress, renamed when complete
EXTENSIONS = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
}
KNOWN_EXTENSIONS = {
    ".mp3",
    ".wav",
    ".flac",
    ".ogg",
    ".m4a",
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
    ".mp4",
}
DEFAULT_EXTENSION = {"audio": ".mp3", "image": ".png", "video": ".mp4"}


class ArchiveError(Exception):
    """A copy failed; the message is shown next to the file. `final`: trying again cannot
    help (the address is refused), so it is not retried. `gone`: the file host answered
    404 or 410, as it does once the provider's link has expired."""

    def __init__(self, message: str, *, final: bool = False, gone: bool = False) -> None:
        super().__init__(message)
        self.final = final
        self.gone = gone


GONE_STATUSES = (404, 410)
# A write refused for want of space: the disk (ENOSPC) or the user's quota on it (EDQUOT).
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


def max_attempts() -> int:
    return settings.ARCHIVE_MAX_ATTEMPTS


def max_bytes() -> int:
    return settings.ARCHIVE_MAX_BYTES


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at an hour."""
    base = settings.ARCHIVE_RETRY_SECONDS
    return timedelta(seconds=min(3600.0, base * 2 ** max(0, attempts - 1)))


# Audio.


def decode(data: bytes, max_seconds: float = DECODE_MAX_SECONDS) -> tuple[np.ndarray, float]:
    """Mono float samples (at their own rate for WAV, else DECODE_RATE) and the duration,
    of at most the first `max_seconds` of audio."""
    try:
        samples, rate = mediatools.decode(
            data, channels=1, rate=DECODE_RATE, any_wav_rate=True, max_seconds=max_seconds
        )
    except mediatools.DecodeError as exc:
        raise ArchiveError(f"The audio could not be decoded ({exc.reason}).") from exc
    return samples[:, 0], len(samples) / rate


# Copying.


def _download(url: str, into: BinaryIO) -> str:
    """Copy `url` into `into`; returns the content type."""
    try:
        return outbound.download(
            url,
            into,
            limit=max_bytes(),
            deadline=settings.ARCHIVE_DEADLINE_SECONDS,
            transport=providers.TRANSPORT,
        )
    except outbound.FetchError as exc:
        # Refused or too large: the same answer next time, so it is not retried.
        final = isinstance(exc, outbound.Refused | outbound.TooLarge)
        gone = isinstance(exc, outbound.BadStatus) and exc.status in GONE_STATUSES
        raise ArchiveError(str(exc), final=final, gone=gone) from exc


class _Complete(File):
    """A finished copy already on the media disk: the storage moves it into place (one
    rename, as it does with Django's own temporary uploads) instead of writing it again."""

    def __init__(self, handle, path: str) -> None:
        super().__init__(handle, name=path)
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


def partial_dir(storage: Storage) -> Path | None:
    """Where copies in progress are written on local disk storage (None for any other)."""
    if not isinstance(storage, FileSystemStorage):
        return None
    return Path(storage.path(PARTIAL_DIR))


@contextmanager
def _receiving(storage: Storage) -> Iterator[tuple[BinaryIO, str | None]]:
    """A file to download into, and its path when it is a partial file on the media disk.

    On local disk the copy goes to a temporary name under PARTIAL_DIR (the same disk, so
    moving it into place is a rename) and only a complete file gets its real name: a failed
    or interrupted copy removes its partial file here, and one a killed worker left behind
    is removed by the sweep (`remove_stale_partials`). On S3 an object exists only once its
    upload has completed (a failed multipart upload is aborted), so a failed copy leaves
    nothing there by construction: the body waits in a spool (memory, then a temporary
    file the system removes) and is uploaded once complete.
    """
    directory = partial_dir(storage)
    if directory is None:
        with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
            yield spool, None
        return
    directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix="copy-", delete=False)  # noqa: SIM115
    try:
        with handle:
            yield handle, handle.name
    finally:
        # Moved into place when complete; otherwise what was written goes.
        Path(handle.name).unlink(missing_ok=True)


def _filename(url: str, content_type: str, stem: str, family: str) -> str:
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    if ext not in KNOWN_EXTENSIONS:
        ext = EXTENSIONS.get(content_type) or DEFAULT_EXTENSION[family]
    return f"{slugify(stem)[:60] or family}{ext}"


def _copy(instance: models.Model, field: str, url: str, stem: str, family: str) -> str:
    """Download `url` into the instance's FileField and note its size in bytes (a file of
    another size found later is damaged); returns the content type."""
    file = getattr(instance, field)
    with _receiving(file.storage) as (handle, path):
        content_type = _download(url, handle)
        name = _filename(url, content_type, stem, family)
        if path is None:
            handle.seek(0)
            file.save(name, File(handle), save=False)
        else:
            handle.flush()
            os.fsync(handle.fileno())  # all on disk before it gets its real name
            file.save(name, _Complete(handle, path), save=False)
    size = file.storage.size(file.name)
    setattr(instance, size_field(field), size)
    type(instance).objects.filter(pk=instance.pk).update(
        **{field: file.name, size_field(field): size}
    )
    if field == "audio_file":
        touch(instance.workspace_id)  # playable from now on: the team's pages offer play
    return content_type


def is_missing(file: FieldFile) -> bool:
    """Whether a file the row names is absent from its storage."""
    return bool(file) and not file.storage.exists(file.name)


def size_field(file_field: str) -> str:
    """The field that holds a file field's size as copied."""
    return "size" if file_field == "file" else file_field.replace("_file", "_size")


SONG_FILES = (  # URL field, file field, size field, family
    ("audio_url", "audio_file", "audio_size", "audio"),
    ("image_url", "image_file", "image_size", "image"),
    ("video_url", "video_file", "video_size", "video"),
)


def missing_files(row: Song | Asset) -> list[str]:
    """The file fields of a row whose files are named but not in storage."""
    fields = [f for _u, f, _s, _fam in SONG_FILES] if isinstance(row, Song) else ["file"]
    return [field for field in fields if is_missing(getattr(row, field))]


def _forget(names: Iterable[str], storage: Storage) -> None:
    """Remove damaged files a fresh copy has replaced (their rows name the new ones)."""
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not remove the damaged file %s", name, exc_info=True)


def remove_stale_partials(now: float | None = None) -> int:
    """Remove partial copies no copy can still be writing (a killed worker's): older than
    the copy deadline, with a minute to spare. Returns how many went."""
    directory = partial_dir(default_storage)
    if directory is None or not directory.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - settings.ARCHIVE_DEADLINE_SECONDS - 60
    removed = 0
    with os.scandir(directory) as entries:
        for entry in entries:
            try:
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:  # another worker removed it first
                continue
    if removed:
        logger.info("Removed %d partial copies left by a stopped worker", removed)
    return removed


def lease(model: type[models.Model], obj: models.Model, now) -> bool:
    """Mark a due row as queued for a copy (the sweep): not queued again until LEASE ends."""
    return (
        model.objects.filter(
            pk=obj.pk, archive_status=ArchiveStatus.PENDING, archive_next_at=obj.archive_next_at
        ).update(archive_next_at=now + LEASE)
        > 0
    )


def _claim(model: type[models.Model], obj: models.Model) -> bool:
    now = timezone.now()
    return (
        model.objects.filter(
            pk=obj.pk, archive_status=ArchiveStatus.PENDING, archive_next_at=obj.archive_next_at
        ).update(archive_next_at=now + LEASE)
        > 0
    )


def _failed(
    model: type[models.Model], obj: models.Model, exc: Exception, *, lost: str = ""
) -> None:
    """Record a failed copy: retried later with backoff, or given up with the reason.
    `lost`: the file field whose archived file (missing from storage, or damaged) the copy
    was to replace. Given up for good, the field no longer names it: the page says the
    file is gone instead of offering a dead player."""
    attempts = obj.archive_attempts + 1
    problem = ArchiveProblem.NONE
    gave_up = attempts >= max_attempts() or getattr(exc, "final", False)
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        # The operator's to fix, not a bug: one line, no traceback; the dashboard counts them.
        logger.error("Storage is full: %s %s could not be copied", model._meta.model_name, obj.pk)
        problem, message = ArchiveProblem.STORAGE_FULL, _("Storage is full.")
    elif isinstance(exc, ArchiveError):
        message = str(exc)
        if exc.gone:
            problem = ArchiveProblem.MISSING if lost else ArchiveProblem.EXPIRED
            # One 404 may be a hiccup of the file host; the same answer on the next attempt
            # is taken as final: the link has expired, and no retry can bring the file back.
            gave_up = gave_up or obj.archive_problem == problem
    else:
        logger.exception("Archiving %s %s failed", model._meta.model_name, obj.pk)
        message = _("The copy failed unexpectedly.")
    if gave_up and problem == ArchiveProblem.MISSING:
        error = _(
            "The archived file is missing from storage and the provider no longer serves it "
            "(%(reason)s): it cannot be copied again."
        ) % {"reason": message.rstrip(".")}
    elif gave_up and problem == ArchiveProblem.EXPIRED:
        error = _(
            "The file expired at the provider before it could be copied (%(reason)s, twice)."
        ) % {"reason": message.rstrip(".")}
    elif gave_up:
        error = ngettext(
            "%(message)s Gave up after %(count)d attempt; the provider's link is kept.",
            "%(message)s Gave up after %(count)d attempts; the provider's link is kept.",
            attempts,
        ) % {"message": message, "count": attempts}
    elif problem in (ArchiveProblem.EXPIRED, ArchiveProblem.MISSING):
        error = _(
            "%(message)s Checking once more whether the link has expired (attempt %(next)d "
            "of %(most)d)."
        ) % {"message": message, "next": attempts + 1, "most": max_attempts()}
    else:
        error = _("%(message)s Trying again (attempt %(next)d of %(most)d).") % {
            "message": message,
            "next": attempts + 1,
            "most": max_attempts(),
        }
    forget = {}
    if gave_up and problem == ArchiveProblem.MISSING:
        name = getattr(obj, lost).name
        forget = {lost: "", size_field(lost): None}
        logger.warning("%s %s: %s is gone for good", model._meta.model_name, obj.pk, name)
    model.objects.filter(pk=obj.pk).update(
        **forget,
        archive_attempts=attempts,
        archive_status=ArchiveStatus.FAILED if gave_up else ArchiveStatus.PENDING,
        archive_problem=problem,
        archive_error=error,
        archive_next_at=None if gave_up else timezone.now() + retry_delay(attempts),
    )


NO_SOURCE = "there is no provider link to copy it from"


def _needs_copy(file: FieldFile, url: str, again: Collection[str], field: str) -> bool:
    """Whether a file is to be copied (again): never copied, named but missing from
    storage, or damaged (`again`). Raises when it is lost and there is no link to copy."""
    if not file:
        return bool(url)
    if field not in again and not is_missing(file):
        return False
    if not url:
        raise ArchiveError(NO_SOURCE, final=True, gone=True)
    return True


def archive_song(song_id, *, again: Collection[str] = ()) -> bool:
    """Copy the song's audio, cover and video, then compute its peaks and measure it (tempo,
    key, loudness). True when copied.

    A file the row names but storage lacks is copied again from the provider's link, and
    so is each file field named in `again` (found damaged); a replaced file is removed."""
    song = Song.objects.filter(pk=song_id).first()
    if song is None or song.archive_status != ArchiveStatus.PENDING or not _claim(Song, song):
        return False
    stem = song.title or song.music_id
    lost = ""  # the field whose archived file the copy under way replaces
    damaged: list[str] = []
    try:
        for url_field, file_field, _size, family in SONG_FILES:
            url, file = getattr(song, url_field), getattr(song, file_field)
            old, lost = file.name, file_field if file else ""
            if _needs_copy(file, url, again, file_field):
                _copy(song, file_field, url, stem, family)
                if old and file_field in again:
                    damaged.append(old)
        lost = ""
        extra = {}
        if song.audio_file and not song.peaks:
            with song.audio_file.open("rb") as handle:
                samples, duration = decode(handle.read())
            extra["peaks"] = peaks(samples)
            if not song.duration:
                extra["duration"] = round(duration, 3)
    except Exception as exc:
        _failed(Song, song, exc, lost=lost)
        return False
    Song.objects.filter(pk=song.pk).update(
        archive_status=ArchiveStatus.DONE,
        archive_error="",
        archive_problem=ArchiveProblem.NONE,
        archive_next_at=None,
        **extra,
    )
    _forget(damaged, default_storage)
    if song.audio_file and song.analysed_at is None:
        analysis.analyse_song(song.pk)  # never raises: the copy is done whatever it finds
    touch(song.workspace_id)  # playable now: the team's pages show it
    return True


def archive_asset(asset_id, *, again: Collection[str] = ()) -> bool:
    """Copy one stem, download or video (again when its file is missing from storage, or
    damaged: `again` names "file"). True when done."""
    asset = Asset.objects.select_related("song").filter(pk=asset_id).first()
    if asset is None or asset.archive_status != ArchiveStatus.PENDING or not _claim(Asset, asset):
        return False
    family = "video" if asset.kind == AssetKind.VIDEO else "audio"
    stem = f"{asset.song.title or asset.song.music_id} {asset.label}".strip()
    old = asset.file.name
    try:
        if _needs_copy(asset.file, asset.remote_url, again, "file"):
            content_type = _copy(asset, "file", asset.remote_url, stem, family)
            asset.content_type = content_type[:100]
        size = asset.file.size
    except Exception as exc:
        _failed(Asset, asset, exc, lost="file" if old else "")
        return False
    Asset.objects.filter(pk=asset.pk).update(
        archive_status=ArchiveStatus.DONE,
        archive_error="",
        archive_problem=ArchiveProblem.NONE,
        archive_next_at=None,
        content_type=asset.content_type,
        size=size,
    )
    if asset.kind == AssetKind.VIDEO:
        # The song's video is this file: no second copy.
        Song.objects.filter(pk=asset.song_id, video_file__in=("", old)).update(
            video_file=asset.file.name
        )
    if old and old != asset.file.name and "file" in again:
        _forget([old], default_storage)
    touch(asset.song.workspace_id)
    return True


def retry_archiving(song_or_asset: Song | Asset) -> bool:
    """Start copying again from the first attempt (staff action, management commands, a
    request for an archived file found missing): a copy that failed or waits, or an
    archived row whose files are missing from storage. False when there is nothing to do."""
    model = type(song_or_asset)
    rows = model.objects.filter(pk=song_or_asset.pk)
    if song_or_asset.archive_status == ArchiveStatus.DONE:
        if not missing_files(song_or_asset):
            return False
        rows = rows.filter(archive_status=ArchiveStatus.DONE)
    else:
        rows = rows.exclude(archive_status=ArchiveStatus.DONE)
    changed = rows.update(
        archive_status=ArchiveStatus.PENDING,
        archive_attempts=0,
        archive_error="",
        archive_problem=ArchiveProblem.NONE,
        archive_next_at=timezone.now() + LEASE,
    )
    if not changed:
        return False
    ids = ([str(song_or_asset.pk)], []) if model is Song else ([], [str(song_or_asset.pk)])
    transaction.on_commit(partial(queueing.enqueue_quietly, archive_files, *ids))
    return True


# Queueing.


@task(queue_name=QUEUE)
def archive_files(song_ids: list[str], asset_ids: list[str]) -> int:
    """A result's files, one task per job; each row is claimed on its own."""
    done = 0
    for copy, ids in ((archive_song, song_ids), (archive_asset, asset_ids)):
        for pk in ids:
            try:
                done += bool(copy(pk))
            except Exception:  # the sweep tries this one again; go on with the others
                logger.exception("Archiving %s failed", pk)
    return done


def archive_later(song_ids: Iterable[UUID | str], asset_ids: Iterable[UUID | str] = ()) -> None:
    """Queue the copy of a result's files.

    When the queue is a table of this database (django-tasks-db), the task is written in
    the caller's transaction: it exists exactly when the result does, for one INSERT. Any
    other backend (which may run the task at once, over HTTP) gets it after commit.
    """
    args = archive_args(song_ids, asset_ids)
    if not (args[0] or args[1]):
        return
    if queueing.in_this_database(archive_files):
        archive_files.enqueue(*args)
    else:
        transaction.on_commit(partial(queueing.enqueue_quietly, archive_files, *args))


def archive_args(
    song_ids: Iterable[UUID | str], asset_ids: Iterable[UUID | str] = ()
) -> tuple[list[str], list[str]]:
    """`archive_files`' arguments: the ids as text, as the task's JSON arguments hold them."""
    return [str(pk) for pk in song_ids], [str(pk) for pk in asset_ids]


def archive_row(song_ids: Iterable[UUID | str], asset_ids: Iterable[UUID | str] = ()):
    """The queue row `archive_files.enqueue` would write, unsaved, or None when the queue is
    not a table of this database: for a statement that records a result and queues its
    archiving at once (`outputs.record_songs_at_once`)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    if not queueing.in_this_database(archive_files):
        return None
    return DBTaskResult(
        args_kwargs={"args": list(archive_args(song_ids, asset_ids)), "kwargs": {}},
        priority=archive_files.priority,
        task_path=archive_files.module_path,
        queue_name=archive_files.queue_name,
        backend_name=archive_files.get_backend().alias,
        # django-tasks-db stores "no run_after" as its far date (set by a pre_save signal).
        run_after=archive_files.run_after or get_date_max(),
    )
