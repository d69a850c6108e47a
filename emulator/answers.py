"""The bodies the emulator answers with: submit answers, errors, and the fetch/webhook body,
in each API's shape (the Producer API's `musics`, Flow Music's `clips`)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from contract.engines import Engine
from emulator import clock, faults
from emulator.models import Job, Music

# Where lyrics ids come from: the same words of the same clip always get the same id.
LYRICS_NAMESPACE = uuid.UUID("8f0cf0b4-4c1e-4a43-9e8a-5f8b7f0d1a11")
SECTION_MARKER = re.compile(r"^\s*\[[^\]]+\]", re.MULTILINE)


def ok(job: Job, *, spelling_flipped: bool = False) -> dict:
    """The submit answer: `data.jobId` on the Producer API, `data.job_id` on Flow Music
    (the other way round with the `job-id` fault)."""
    snake = (job.api == Engine.FLOWMUSIC) != spelling_flipped
    message = "success" if job.api == Engine.FLOWMUSIC else ""
    return {
        "status": "SUCCESS",
        "message": message,
        "data": {"job_id" if snake else "jobId": str(job.job_id)},
    }


def failed(message: str) -> dict:
    return {"status": "FAILED", "message": message, "data": None}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _quota(price) -> str:
    return str(int(price)) if price == price.to_integral_value() else str(price.normalize())


def file_url(job: Job, music_id, name: str) -> str:
    return f"{job.base_url}files/{music_id}/{name}"


def music_entry(job: Job, music: Music) -> dict:
    """One item of `musics`, in the documented shape; its URLs are the job's host's."""
    return {
        "musicId": str(music.music_id),
        "title": music.title,
        "lyrics": music.lyrics,
        "imageUrl": file_url(job, music.music_id, "cover.png"),
        "audioUrl": file_url(job, music.music_id, "audio.mp3"),
        "videoUrl": None,
        "imageId": str(music.music_id),
        "topic": None,
        "sound": music.sound,
        "seed": music.seed,
        "durations": repr(music.duration) if music.duration is not None else None,
        "createdAt": _iso(music.created_at),
    }


def timing_markers(lyrics: str) -> str:
    """The lyrics with their section markers: words without any are one verse."""
    words = lyrics.strip()
    if not words or SECTION_MARKER.search(words):
        return words
    return f"[Verse 1]\n{words}"


def clip_entry(job: Job, music: Music) -> dict:
    """One item of Flow Music's `clips`: the documented fields, then the media and timing
    fields the contract leaves undocumented (snake_case, as its documented ones are)."""
    markers = timing_markers(music.lyrics)
    lyrics_id = uuid.uuid5(LYRICS_NAMESPACE, f"{music.music_id}:{markers}") if markers else None
    return {
        "clip_id": str(music.music_id),
        "title": music.title,
        "lyrics_id": str(lyrics_id) if lyrics_id else None,
        "lyrics_timing_markers": markers,
        "audio_url": file_url(job, music.music_id, "audio.mp3"),
        "wav_url": file_url(job, music.music_id, "audio.wav"),
        "image_url": file_url(job, music.music_id, "cover.png"),
        "duration": music.duration,
        "seed": music.seed,
        "created_at": _iso(music.created_at),
    }


def _parent(job: Job) -> Music | None:
    return Music.objects.filter(music_id=job.params.get("music_id")).first()


def _success_data(job: Job, data: dict) -> None:
    if job.api == Engine.FLOWMUSIC:
        data["clips"] = [clip_entry(job, m) for m in job.musics.all()]
        return
    if job.action == "lyrics":
        title, words = job.extra.get("title", ""), job.extra.get("lyrics", "")
        data.update(title=title, lyrics=words)
        data["musics"] = [{"musicId": None, "title": title, "lyrics": words}]
        return
    if job.action in ("download", "generate-video"):
        parent = _parent(job)
        if parent is None:
            return
        entry = music_entry(job, parent)
        if job.action == "download":
            url = file_url(job, parent.music_id, f"audio.{job.extra.get('format', 'mp3')}")
            entry["audioUrl"] = data["url"] = url
        else:
            url = file_url(job, parent.music_id, f"video-{job.extra.get('preset', 'simple')}.mp4")
            entry["videoUrl"] = data["videoUrl"] = url
        data["musics"] = [entry]
        return
    data["musics"] = [music_entry(job, m) for m in job.musics.all()]


def _flipped(value: object) -> object:
    """A number as a string, a numeric string as a number (the `numbers` fault)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        text = value.removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in text else number
    return value


NUMERIC_FIELDS = ("progress", "quota", "durations", "duration", "seed")


def _flip_numbers(data: dict) -> None:
    for name in NUMERIC_FIELDS:
        if name in data:
            data[name] = _flipped(data[name])
    for key in ("musics", "clips"):
        for entry in data.get(key) or ():
            for name in NUMERIC_FIELDS:
                if name in entry:
                    entry[name] = _flipped(entry[name])


def job_body(job: Job, state: clock.State | None = None) -> dict:
    """The fetch answer, which is also what the webhook posts."""
    state = state or clock.state_of(job)
    flow = job.api == Engine.FLOWMUSIC
    data: dict = {
        "jobId": str(job.job_id),
        "action": job.action,
        "progress": f"{state.progress}%",
        "mv": job.mv or None,
        "quota": _quota(job.price) if state.status == "SUCCESS" else "0",
    }
    if flow:
        data["hookUrl"] = job.hook_url or None
    data["clips" if flow else "musics"] = []
    if state.status == "SUCCESS":
        _success_data(job, data)
        status, message = "SUCCESS", "success"
    elif state.status == "FAILED":
        status, message = "FAILED", job.reason or "Generation failed."
    else:
        status, message = state.status, None
    if job.fault == faults.NUMBERS:
        _flip_numbers(data)
    if flow:
        return {"status": status, "message": message, "jobId": str(job.job_id), "data": data}
    return {"status": status, "message": message, "data": data}
