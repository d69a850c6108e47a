"""What a finished job leaves behind: songs, files (stems, downloads, videos), lyrics drafts.

Called once per job, inside the transaction whose compare-and-set moved the job to SUCCESS,
so a result delivered twice never records twice. Songs are still upserted by musicId: two
jobs may name the same song (an upload sent twice). A result's songs and their activity
events are written in bulk, and its files are queued for archiving in one task
(`archive.archive_later`).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from functools import cache

from django.db import connection
from django.utils import timezone

from contract.parsing import JobResult, Music
from contract.producer import SONG_ACTIONS, Action
from studio import archive, rows
from studio.models import ActivityEvent, Asset, AssetKind, Job, LyricsDraft, Song, Verb
from studio.models.music import RELATION_OF_ACTION, ArchiveStatus

STEM_LABEL = re.compile(r"\(([^()]{1,60})\)\s*$")
ARCHIVE_GRACE_SECONDS = 120  # the sweep copies files whose archive task was lost


def record_outputs(job: Job, result: JobResult) -> str:
    """Create what the result holds. Returns a reason when it holds nothing usable."""
    action = Action(job.action)
    if action in SONG_ACTIONS:
        songs = _record_songs(job, result, action)
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
        made = _save_assets([_asset(job, parent, kind, kind.label, url)])
        return "" if made else "The music service sent no file."
    if action == Action.VIDEO:
        url = result.video_url or next((m.video_url for m in result.musics if m.video_url), "")
        if not _save_assets(
            [_asset(job, parent, AssetKind.VIDEO, job.params.get("preset", ""), url)]
        ):
            return "The music service sent no video."
        Song.objects.filter(pk=parent.pk).update(video_url=url)
        return ""
    return ""


def _parent(job: Job) -> Song | None:
    if job.parent is not None:
        return job.parent
    music_id = str(job.params.get("music_id") or "")
    return Song.objects.filter(workspace_id=job.workspace_id, music_id=music_id).first()


def _archive_later(songs: list[Song] = (), assets: list[Asset] = ()) -> None:
    archive.archive_later([s.pk for s in songs], [a.pk for a in assets])


def _clip(text: str, length: int) -> str:
    return (text or "")[:length]


def _wanted_songs(job: Job, result: JobResult, action: Action) -> tuple[list[Song], Song | None]:
    """The result's songs as unsaved rows, one per musicId, and the song they came from."""
    params = job.params
    parent = _parent(job) if action not in (Action.MUSIC, Action.UPLOAD) else None
    relation = RELATION_OF_ACTION[action]
    archive_at = timezone.now() + timedelta(seconds=ARCHIVE_GRACE_SECONDS)
    wanted: dict[str, Song] = {}
    for music in result.musics:
        if len(music.music_id) > 64 or music.music_id in wanted:
            continue
        new_id = uuid.uuid4()  # known before the insert, so a root can name itself
        wanted[music.music_id] = Song(
            id=new_id,
            workspace_id=job.workspace_id,
            music_id=music.music_id,
            parent=parent,
            root_id=(parent.root_id or parent.pk) if parent else new_id,
            relation=relation,
            created_by_id=job.user_id,
            archive_next_at=archive_at,
            **_song_fields(job, params, result, music),
        )
    return list(wanted.values()), parent


def _record_songs(job: Job, result: JobResult, action: Action) -> list[Song]:
    """Insert the result's new songs at once; songs already known get what they lack."""
    wanted, parent = _wanted_songs(job, result, action)
    if not wanted:
        return []
    # A musicId another job already recorded is skipped; the insert names the rows it made.
    inserted = rows.insert(Song, wanted, skip_conflicts_on=("workspace", "music_id"))
    return _after_insert(job, wanted, inserted, action, parent)


def _after_insert(
    job: Job, wanted: list[Song], inserted: set, action: Action, parent: Song | None
) -> list[Song]:
    new = [song for song in wanted if song.pk in inserted]
    known = [_fill_known(job, song) for song in wanted if song.pk not in inserted]
    if new:
        rows.insert(ActivityEvent, _events(job, new, action, parent))
    _archive_later([*new, *(song for song, filled in known if filled)])
    return [*new, *(song for song, _ in known)]


def record_songs_at_once(
    job: Job, result: JobResult, won: tuple[str, list], *, relax: bool = False
) -> bool | None:
    """PostgreSQL: move the job, record its new songs, their events and their archiving task
    in one statement (one round trip; one transaction unless the caller holds one).

    `won` is the job's compare-and-set, an UPDATE returning the job's id: the rest is written
    only if it moved the job, so a delivery that lost the race writes nothing. With `relax`,
    the commit does not wait for the disk (see `jobs._relax_commit`). Songs another job
    already recorded are filled in after it. Returns whether the job moved, or None for a
    result this does not take (no song, or not a song action): the general path records it.
    """
    action = Action(job.action)
    if action not in SONG_ACTIONS:
        return None
    wanted, parent = _wanted_songs(job, result, action)
    if not wanted:
        return None
    queued = archive.archive_row([song.pk for song in wanted])
    with connection.cursor() as cursor:
        cursor.execute(
            _at_once_sql(won[0], queue=queued is not None),
            [
                *won[1],
                relax,
                rows.as_json(wanted),
                rows.as_json(_events(job, wanted, action, parent)),
                *([rows.as_json([queued])] if queued is not None else []),
            ],
        )
        moved, _, inserted = cursor.fetchone()
    if not moved:
        return False
    inserted = set(inserted)
    new = [song for song in wanted if song.pk in inserted]
    known = [_fill_known(job, song) for song in wanted if song.pk not in inserted]
    filled = [song for song, filled in known if filled]
    # Queued with the result when the queue is this database: songs that were known already
    # are skipped by that task (no row has their id), so they get one of their own.
    _archive_later(filled if queued is not None else [*new, *filled])
    return True


@cache
def _at_once_sql(won: str, *, queue: bool) -> str:
    """The statement of `record_songs_at_once`. Rows travel as JSON arrays, so its text is the
    same for every result; only the models' own names are formatted in."""
    from django_tasks_db.models import DBTaskResult

    def insert(model, name: str, condition: str) -> str:
        return (
            f"{name} AS (INSERT INTO {rows.table(model)} ({rows.columns(model)}) "  # noqa: S608
            f"SELECT {rows.columns(model)} "
            f"FROM jsonb_populate_recordset(NULL::{rows.table(model)}, %s::jsonb) AS v "
            f"WHERE {condition}"
        )

    song_id = connection.ops.quote_name(ActivityEvent._meta.get_field("song").column)
    unique = rows.columns(Song, ("workspace", "music_id"))
    parts = [
        f"won AS ({won})",
        # set_config(…, true) is SET LOCAL: it ends with the transaction.
        "relaxed AS (SELECT set_config('synchronous_commit', 'off', true) FROM won WHERE %s)",
        insert(Song, "new", "EXISTS (SELECT FROM won)")
        + f" ON CONFLICT ({unique}) DO NOTHING RETURNING id)",
        insert(ActivityEvent, "logged", f"v.{song_id} IN (SELECT id FROM new))"),  # noqa: S608
    ]
    if queue:
        parts.append(insert(DBTaskResult, "queued", "EXISTS (SELECT FROM new))"))
    return (
        f"WITH {', '.join(parts)} SELECT EXISTS (SELECT FROM won), "  # noqa: S608
        "(SELECT count(*) FROM relaxed), ARRAY(SELECT id FROM new)"
    )


def _song_fields(job: Job, params: dict, result: JobResult, music: Music) -> dict:
    return {
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


FILLABLE = ("title", "prompt", "lyrics", "model", "seed", "duration", "instrumental")
FILLABLE_URLS = ("audio_url", "image_url", "video_url")


def _fill_known(job: Job, ours: Song) -> tuple[Song, bool]:
    """Already known (another job named it): fill in what it lacks, keep its lineage."""
    song = Song.objects.get(workspace_id=job.workspace_id, music_id=ours.music_id)
    missing = {
        name: getattr(ours, name)
        for name in (*FILLABLE, *FILLABLE_URLS, "raw")
        if getattr(ours, name) and not getattr(song, name)
    }
    if not missing:
        return song, False
    if any(name in FILLABLE_URLS for name in missing):
        missing["archive_status"] = ArchiveStatus.PENDING
    Song.objects.filter(pk=song.pk).update(**missing)
    return song, True


def _events(job: Job, songs: list[Song], action: Action, parent: Song | None) -> list:
    """The workspace's activity log: an event per new song, written with the song."""
    verb = {Action.MUSIC: Verb.SONG_CREATED, Action.UPLOAD: Verb.SONG_UPLOADED}.get(
        action, Verb.SONG_REMIXED
    )
    events = []
    for song in songs:
        subject = str(song)
        if verb == Verb.SONG_REMIXED and parent:
            subject = f"{song} ({song.get_relation_display().lower()} of {parent})"
        events.append(
            ActivityEvent(
                workspace_id=job.workspace_id,
                actor_id=job.user_id,
                verb=verb,
                subject=subject[:200],
                song=song,
            )
        )
    return events


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
    stems = [
        _asset(job, parent, AssetKind.STEM, stem_label(m.title, n), m.audio_url, m.music_id)
        for n, m in enumerate(result.musics)
    ]
    if not any(stems) and result.file_url:
        stems = [_asset(job, parent, AssetKind.STEM, "Stems", result.file_url)]
    return "" if _save_assets(stems) else "The music service sent no stems."


def _asset(
    job: Job, song: Song, kind: str, label: str, url: str, music_id: str = ""
) -> Asset | None:
    """The file `url` names, not saved yet; None without a URL."""
    if not url:
        return None
    return Asset(
        song=song,
        workspace_id=job.workspace_id,
        job=job,
        kind=kind,
        label=_clip(label, 100),
        music_id=_clip(music_id, 64),
        remote_url=url,
        archive_next_at=timezone.now() + timedelta(seconds=ARCHIVE_GRACE_SECONDS),
    )


def _save_assets(assets: list[Asset | None]) -> int:
    """Insert the files at once and queue their copy; returns how many there were."""
    assets = [asset for asset in assets if asset is not None]
    if assets:
        Asset.objects.bulk_create(assets)
        _archive_later(assets=assets)
    return len(assets)
