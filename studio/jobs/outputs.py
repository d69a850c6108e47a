"""What a finished job leaves behind: songs, files (stems, downloads, videos), lyrics drafts.

Written once per job, with the compare-and-set that moved the job to SUCCESS, so a result
delivered twice never records twice. A song result's rows are built here (`new_songs`) and
written by `studio.db.record_songs`; songs are still upserted by musicId, as two jobs may
name the same song (an upload sent twice). Files are queued for archiving in one task per
result (`archive.archive_later`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from django.utils import timezone

from contract.parsing import JobResult, Music
from contract.producer import SONG_ACTIONS, Action
from studio.jobs import archive
from studio.models import ActivityEvent, Asset, AssetKind, Job, LyricsDraft, Song, Verb
from studio.models.music import RELATION_OF_ACTION, ArchiveStatus, Relation

# "Song (Vocals)" on the Producer API, "Song - vocals" on Flow Music.
STEM_LABEL = re.compile(r"\(([^()]{1,60})\)\s*$|\s-\s+([^-()]{1,60}?)\s*$")
ARCHIVE_GRACE_SECONDS = 120  # the sweep copies files whose archive task was lost


def record_outputs(job: Job, result: JobResult) -> str:
    """Create what a result without new songs holds (files, lyrics). Returns a reason when it
    holds nothing usable."""
    action = Action(job.action)
    if action in SONG_ACTIONS:  # a result with songs is written by `db.record_songs`
        return "The music service finished but sent no song."
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
    music_id = str(job.params.get("music_id") or job.params.get("clip_id") or "")
    return Song.objects.filter(workspace_id=job.workspace_id, music_id=music_id).first()


def _archive_later(songs: list[Song] = (), assets: list[Asset] = ()) -> None:
    archive.archive_later([s.pk for s in songs], [a.pk for a in assets])


def _clip(text: str, length: int) -> str:
    return (text or "")[:length]


# The short word a remix's title ends with ("Aurora · extend 2"): stored with the song,
# so a title reads the same for everyone whatever language their pages are in.
REMIX_WORDS = {
    Relation.EXTEND: "extend",
    Relation.COVER: "cover",
    Relation.VARIATION: "variation",
    Relation.REPLACE: "replace",
    Relation.VOCALS_SWAP: "vocals swap",
    Relation.INSTRUMENTALS_SWAP: "instrumentals swap",
}


def remix_title(title: str, relation: Relation) -> str:
    """ "Aurora · extend", then "Aurora · extend 2", "Aurora · extend 3" down a chain of
    the same remix: the parent's title and what was done to it, counted rather than
    repeated. Titles of the older form ("Aurora (extension) (extension)") count too."""
    word = REMIX_WORDS.get(relation, relation.label.lower())
    counted = re.fullmatch(rf"(.+?) · {re.escape(word)}(?: (\d+))?", title)
    if counted:
        base, times = counted[1], int(counted[2] or 1)
    else:
        legacy = f" ({relation.label.lower()})"
        base, times = title, 0
        while base.endswith(legacy) and len(base) > len(legacy):
            base, times = base[: -len(legacy)], times + 1
    times += 1
    suffix = f" · {word}" + (f" {times}" if times > 1 else "")
    return _clip(base, 200 - len(suffix)) + suffix


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
        fields = _song_fields(job, params, result, music)
        if parent is not None and fields["title"] in ("", parent.title):
            # A remix under its parent's exact title cannot be told apart from it.
            fields["title"] = remix_title(parent.title or parent.music_id, relation)
        wanted[music.music_id] = Song(
            id=new_id,
            workspace_id=job.workspace_id,
            music_id=music.music_id,
            parent=parent,
            root_id=(parent.root_id or parent.pk) if parent else new_id,
            relation=relation,
            created_by_id=job.user_id,
            archive_next_at=archive_at,
            **fields,
        )
    return list(wanted.values()), parent


@dataclass
class NewSongs:
    """A song result's rows, unsaved: one song per musicId, an activity event for each."""

    songs: list[Song]
    events: list[ActivityEvent]


def new_songs(job: Job, result: JobResult) -> NewSongs | None:
    """The rows a song result writes (`db.record_songs`); None for a result of another action
    or one with no usable song, which `record_outputs` records."""
    action = Action(job.action)
    if action not in SONG_ACTIONS:
        return None
    wanted, parent = _wanted_songs(job, result, action)
    if not wanted:
        return None
    return NewSongs(wanted, _events(job, wanted, action, parent))


def after_songs(job: Job, new: NewSongs, inserted: set, *, queued: bool) -> None:
    """After the songs were written: those another job already recorded get what they lack,
    and their files are copied. `queued`: the new songs' copy was written with them; else
    it is queued here too."""
    known = [_fill_known(job, song) for song in new.songs if song.pk not in inserted]
    filled = [song for song, filled in known if filled]
    fresh = [] if queued else [song for song in new.songs if song.pk in inserted]
    _archive_later([*fresh, *filled])


AUDIO_SUFFIXES = ("mp3", "wav", "ogg", "flac", "m4a", "aac", "opus", "webm")


def uploaded_name(url: str) -> str:
    """ "My Demo" from ".../My%20Demo.wav": what the user called the file they uploaded."""
    last = unquote(urlsplit(url or "").path.rstrip("/").rsplit("/", 1)[-1])
    stem, dot, suffix = last.rpartition(".")
    return stem.strip() if dot and suffix.lower() in AUDIO_SUFFIXES else ""


def _song_fields(job: Job, params: dict, result: JobResult, music: Music) -> dict:
    # Flow Music names its fields `lyrics` and `model`, and its edits take an instruction.
    prompt = params.get("sound_prompt") or params.get("instruction") or music.sound
    # An upload is named after its file, whatever the provider calls it.
    named = uploaded_name(params.get("audio_url", "")) if job.action == Action.UPLOAD else ""
    return {
        "job": job,
        "engine": job.engine,
        "title": _clip(named or music.title or params.get("title") or "", 200),
        "prompt": prompt or "",
        "lyrics": music.lyrics or params.get("lyrics_text") or params.get("lyrics") or "",
        "model": _clip(result.mv or params.get("mv") or params.get("model") or "", 40),
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
        return match.group(1).strip() if match.group(1) else match.group(2).strip().capitalize()
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
