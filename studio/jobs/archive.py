"""Copying result files into our own storage (provider URLs expire), and waveform peaks.

Each attempt is claimed with a compare-and-set on `archive_next_at`, so the task enqueued
after commit and the worker's sweep never copy the same row at once. A failed attempt keeps
the provider URL, notes the reason and schedules the next one with backoff.
"""

from __future__ import annotations

import logging
import posixpath
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit
from uuid import UUID

import numpy as np
from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify

import mediatools
import outbound
from mediatools import peaks
from studio.jobs import providers, queueing
from studio.models import ArchiveStatus, Asset, AssetKind, Song
from studio.models.workspaces import touch

logger = logging.getLogger(__name__)

QUEUE = "archive"  # the task queue copies run on (see settings.TASKS, ARCHIVE_WORKERS)
DECODE_RATE = 8000  # Hz: plenty for peaks and durations
# Decoding stops after this much audio: a small file cannot expand into hours in memory
# (3 hours at DECODE_RATE is 170 MB of samples).
DECODE_MAX_SECONDS = 3 * 3600
LEASE = timedelta(minutes=10)  # an attempt still running after this is presumed dead
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
    help (the address is refused), so it is not retried."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


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


def _download(url: str) -> tuple[tempfile.SpooledTemporaryFile, str]:
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (returned)
    try:
        kind = outbound.download(
            url,
            spool,
            limit=max_bytes(),
            deadline=settings.ARCHIVE_DEADLINE_SECONDS,
            transport=providers.TRANSPORT,
        )
    except outbound.FetchError as exc:
        spool.close()
        # Refused or too large: the same answer next time, so it is not retried.
        final = isinstance(exc, outbound.Refused | outbound.TooLarge)
        raise ArchiveError(str(exc), final=final) from exc
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, kind


def _filename(url: str, content_type: str, stem: str, family: str) -> str:
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    if ext not in KNOWN_EXTENSIONS:
        ext = EXTENSIONS.get(content_type) or DEFAULT_EXTENSION[family]
    return f"{slugify(stem)[:60] or family}{ext}"


def _copy(instance: models.Model, field: str, url: str, stem: str, family: str) -> str:
    """Download `url` into the instance's FileField; returns the content type."""
    spool, content_type = _download(url)
    with spool:
        getattr(instance, field).save(
            _filename(url, content_type, stem, family), File(spool), save=False
        )
    type(instance).objects.filter(pk=instance.pk).update(**{field: getattr(instance, field).name})
    if field == "audio_file":
        touch(instance.workspace_id)  # playable from now on: the team's pages offer play
    return content_type


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


def _failed(model: type[models.Model], obj: models.Model, exc: Exception) -> None:
    """Record a failed copy: retried later with backoff, or given up with the reason."""
    if not isinstance(exc, ArchiveError):
        logger.exception("Archiving %s %s failed", model._meta.model_name, obj.pk)
    attempts = obj.archive_attempts + 1
    message = str(exc) if isinstance(exc, ArchiveError) else "The copy failed unexpectedly."
    gave_up = attempts >= max_attempts() or getattr(exc, "final", False)
    model.objects.filter(pk=obj.pk).update(
        archive_attempts=attempts,
        archive_status=ArchiveStatus.FAILED if gave_up else ArchiveStatus.PENDING,
        archive_error=(
            f"{message} Gave up after {attempts} attempt{'s' if attempts > 1 else ''}; "
            "the provider's link is kept."
            if gave_up
            else f"{message} Trying again (attempt {attempts + 1} of {max_attempts()})."
        ),
        archive_next_at=None if gave_up else timezone.now() + retry_delay(attempts),
    )


def archive_song(song_id) -> bool:
    """Copy the song's audio, cover and video, then compute its peaks. True when done."""
    song = Song.objects.filter(pk=song_id).first()
    if song is None or song.archive_status != ArchiveStatus.PENDING or not _claim(Song, song):
        return False
    stem = song.title or song.music_id
    try:
        for url_field, file_field, family in (
            ("audio_url", "audio_file", "audio"),
            ("image_url", "image_file", "image"),
            ("video_url", "video_file", "video"),
        ):
            url = getattr(song, url_field)
            if url and not getattr(song, file_field):
                _copy(song, file_field, url, stem, family)
        extra = {}
        if song.audio_file and not song.peaks:
            with song.audio_file.open("rb") as handle:
                samples, duration = decode(handle.read())
            extra["peaks"] = peaks(samples)
            if not song.duration:
                extra["duration"] = round(duration, 3)
    except Exception as exc:
        _failed(Song, song, exc)
        return False
    Song.objects.filter(pk=song.pk).update(
        archive_status=ArchiveStatus.DONE, archive_error="", archive_next_at=None, **extra
    )
    touch(song.workspace_id)  # playable now: the team's pages show it
    return True


def archive_asset(asset_id) -> bool:
    """Copy one stem, download or video. True when done."""
    asset = Asset.objects.select_related("song").filter(pk=asset_id).first()
    if asset is None or asset.archive_status != ArchiveStatus.PENDING or not _claim(Asset, asset):
        return False
    family = "video" if asset.kind == AssetKind.VIDEO else "audio"
    stem = f"{asset.song.title or asset.song.music_id} {asset.label}".strip()
    try:
        if not asset.file:
            content_type = _copy(asset, "file", asset.remote_url, stem, family)
            asset.content_type = content_type[:100]
        size = asset.file.size
    except Exception as exc:
        _failed(Asset, asset, exc)
        return False
    Asset.objects.filter(pk=asset.pk).update(
        archive_status=ArchiveStatus.DONE,
        archive_error="",
        archive_next_at=None,
        content_type=asset.content_type,
        size=size,
    )
    if asset.kind == AssetKind.VIDEO:
        # The song's video is this file: no second copy.
        Song.objects.filter(pk=asset.song_id, video_file="").update(video_file=asset.file.name)
    touch(asset.song.workspace_id)
    return True


def retry_archiving(song_or_asset: Song | Asset) -> None:
    """Start copying again from the first attempt (staff action, management command)."""
    model = type(song_or_asset)
    model.objects.filter(pk=song_or_asset.pk).exclude(archive_status=ArchiveStatus.DONE).update(
        archive_status=ArchiveStatus.PENDING,
        archive_attempts=0,
        archive_error="",
        archive_next_at=timezone.now() + LEASE,
    )
    ids = ([str(song_or_asset.pk)], []) if model is Song else ([], [str(song_or_asset.pk)])
    transaction.on_commit(partial(queueing.enqueue_quietly, archive_files, *ids))


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
