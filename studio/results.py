"""What a finished job leaves behind: songs, files (stems, downloads, videos), lyrics drafts.

Called once per job, inside the transaction whose compare-and-set moved the job to SUCCESS,
so a result delivered twice never records twice. Songs are still upserted by musicId: two
jobs may name the same song (an upload sent twice). Archiving starts after commit.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from studio.models import Asset, AssetKind, Job, LyricsDraft, Song, Verb
from studio.models.activity import record
from studio.models.music import RELATION_OF_ACTION, ArchiveStatus
from studio.ttapi.actions import SONG_ACTIONS, Action
from studio.ttapi.results import JobResult, Music

STEM_LABEL = re.compile(r"\(([^()]{1,60})\)\s*$")
ARCHIVE_GRACE_SECONDS = 120  # the sweep copies files whose archive task was lost


def record_outputs(job: Job, result: JobResult) -> str:
    """Create what the result holds. Returns a reason when it holds nothing usable."""
    action = Action(job.action)
    if action in SONG_ACTIONS:
        songs = [_upsert_song(job, result, music) for music in result.musics]
        return "" if songs else "The music service finished but sent no song."
    if action == Action.LYRICS:
        return _lyrics(job, result)
    parent = _parent(job)
    if parent is None:
        return "The song this job worked on no longer exists, so its files have nowhere to go."
    if action == Action.STEMS:
        return _stems(job, result, parent)
    if action == Action.DOWNLOAD:
        url = result.file_url or next((m.audio_url for m in result.musics if m.audio_url), "")
        kind = AssetKind.WAV if job.params.get("format") == "wav" else AssetKind.MP3
        made = _asset(job, parent, kind, kind.label, url)
        return "" if made else "The music service sent no file."
    if action == Action.VIDEO:
        url = result.video_url or next((m.video_url for m in result.musics if m.video_url), "")
        if not _asset(job, parent, AssetKind.VIDEO, job.params.get("preset", ""), url):
            return "The music service sent no video."
        Song.objects.filter(pk=parent.pk).update(video_url=url)
        return ""
    return ""


def _parent(job: Job) -> Song | None:
    if job.parent is not None:
        return job.parent
    music_id = str(job.params.get("music_id") or "")
    return Song.objects.filter(workspace_id=job.workspace_id, music_id=music_id).first()


def _archive_later(kind: str, pk: uuid.UUID) -> None:
    from studio import tasks

    task = tasks.archive_song if kind == "song" else tasks.archive_asset
    transaction.on_commit(partial(tasks.enqueue_quietly, task, str(pk)))


def _clip(text: str, length: int) -> str:
    return (text or "")[:length]


def _upsert_song(job: Job, result: JobResult, music: Music) -> Song | None:
    if len(music.music_id) > 64:
        return None
    params = job.params
    action = Action(job.action)
    parent = _parent(job) if action not in (Action.MUSIC, Action.UPLOAD) else None
    new_id = uuid.uuid4()
    fields = {
        "job": job,
        "title": _clip(music.title or params.get("title") or "", 200),
        "prompt": params.get("sound_prompt") or music.sound or "",
        "lyrics": music.lyrics or params.get("lyrics_text") or "",
        "model": _clip(result.mv or params.get("mv") or "", 40),
        "seed": _clip(music.seed, 40),
        "duration": music.duration,
        "instrumental": bool(params.get("instrumental")),
        "audio_url": music.audio_url,
        "image_url": music.image_url,
        "video_url": music.video_url,
        "raw": music.raw,
    }
    try:
        with transaction.atomic():
            song = Song.objects.create(
                id=new_id,
                workspace_id=job.workspace_id,
                music_id=music.music_id,
                parent=parent,
                # Roots (generated, uploaded) are their own root.
                root_id=(parent.root_id or parent.pk) if parent else new_id,
                relation=RELATION_OF_ACTION[action],
                created_by=job.user,
                archive_next_at=timezone.now() + timedelta(seconds=ARCHIVE_GRACE_SECONDS),
                **fields,
            )
            _record_new_song(job, song, action, parent)
    except IntegrityError:
        # Already known (another job named it): fill in what it lacks, keep its lineage.
        song = Song.objects.get(workspace_id=job.workspace_id, music_id=music.music_id)
        missing = {k: v for k, v in fields.items() if v and not getattr(song, k) and k != "job"}
        if not missing:
            return song
        if any(k.endswith("_url") for k in missing):
            missing["archive_status"] = ArchiveStatus.PENDING
        Song.objects.filter(pk=song.pk).update(**missing)
    _archive_later("song", song.pk)
    return song


def _record_new_song(job: Job, song: Song, action: Action, parent: Song | None) -> None:
    """The workspace's activity log: once per new song, in the transaction that made it."""
    if action == Action.MUSIC:
        verb, subject = Verb.SONG_CREATED, str(song)
    elif action == Action.UPLOAD:
        verb, subject = Verb.SONG_UPLOADED, str(song)
    else:
        verb, subject = Verb.SONG_REMIXED, str(song)
        if parent:
            subject = f"{song} ({song.get_relation_display().lower()} of {parent})"
    record(job.workspace, job.user, verb, subject, song)


def _lyrics(job: Job, result: JobResult) -> str:
    if not (result.lyrics or result.title):
        return "The music service sent no lyrics."
    LyricsDraft.objects.get_or_create(
        job=job,
        defaults={
            "workspace_id": job.workspace_id,
            "user": job.user,
            "prompt": job.params.get("prompt", ""),
            "title": _clip(result.title, 200),
            "text": result.lyrics,
        },
    )
    return ""


def stem_label(title: str, index: int) -> str:
    """ "Song (Vocals)" -> "Vocals"."""
    match = STEM_LABEL.search(title or "")
    if match:
        return match.group(1).strip()
    return _clip(title, 100) or f"Stem {index + 1}"


def _stems(job: Job, result: JobResult, parent: Song) -> str:
    made = 0
    for index, music in enumerate(result.musics):
        label = stem_label(music.title, index)
        made += bool(_asset(job, parent, AssetKind.STEM, label, music.audio_url, music.music_id))
    if not made and result.file_url:
        made += bool(_asset(job, parent, AssetKind.STEM, "Stems", result.file_url))
    return "" if made else "The music service sent no stems."


def _asset(
    job: Job, song: Song, kind: str, label: str, url: str, music_id: str = ""
) -> Asset | None:
    if not url:
        return None
    asset = Asset.objects.create(
        song=song,
        workspace_id=job.workspace_id,
        job=job,
        kind=kind,
        label=_clip(label, 100),
        music_id=_clip(music_id, 64),
        remote_url=url,
        archive_next_at=timezone.now() + timedelta(seconds=ARCHIVE_GRACE_SECONDS),
    )
    _archive_later("asset", asset.pk)
    return asset
