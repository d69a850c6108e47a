"""Loose parsing of the provider's answers (submit answers, job results) into typed results.

The provider sends numbers as strings and strings as numbers, leaves fields out or null,
and documents only the music action's result. Everything here tolerates that; only a body
that is not a job result at all raises MalformedResult. The raw body is always kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import MalformedResult, Rejected

ON_QUEUE = "ON_QUEUE"
SUCCESS = "SUCCESS"
FAILED = "FAILED"
FINISHED = frozenset({SUCCESS, FAILED})

_SUCCESS_WORDS = {"SUCCESS", "SUCCEEDED", "SUCCEED", "COMPLETE", "COMPLETED", "DONE"}
_FAILED_WORDS = {"FAILED", "FAILURE", "FAIL", "ERROR", "CANCELLED", "CANCELED"}
_JOB_ID_KEYS = ("jobId", "job_id", "jobID", "JobId")
_FILE_URL_KEYS = (
    "url",
    "fileUrl",
    "file_url",
    "downloadUrl",
    "download_url",
    "wavUrl",
    "wav_url",
    "mp3Url",
    "mp3_url",
    "audioUrl",
    "audio_url",
)
VIDEO_URL_KEYS = ("videoUrl", "video_url")


@dataclass(frozen=True)
class SubmitResult:
    job_id: str
    raw: dict


@dataclass(frozen=True)
class Music:
    music_id: str
    title: str
    lyrics: str
    image_url: str
    audio_url: str
    video_url: str
    sound: str
    seed: str
    duration: float | None
    created_at: datetime | None
    raw: dict
    lyrics_id: str = ""  # Flow Music: the id of the clip's lyrics
    wav_url: str = ""


@dataclass(frozen=True)
class JobResult:
    job_id: str
    status: str  # ON_QUEUE (anything still running), SUCCESS or FAILED
    action: str
    progress: int | None  # 0..100
    quota: Decimal | None  # amount actually charged
    message: str
    mv: str
    musics: tuple[Music, ...]
    title: str  # lyrics action
    lyrics: str  # lyrics action
    file_url: str  # download action
    video_url: str  # generate-video action
    raw: dict

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


# Loose readers: each returns a typed value or an empty one, never raises. The public ones
# are shared with the engines' own result readers.


def text_of(value: Any) -> str:
    if value is None or isinstance(value, dict | list | tuple):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    try:
        return str(value).strip()
    except ValueError:  # ints too long for str()
        return ""


def first_text(mapping: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        text = text_of(mapping.get(key))
        if text:
            return text
    return ""


def number_of(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _progress(value: Any) -> int | None:
    number = number_of(value)
    if number is None:
        return None
    return max(0, min(100, round(number)))


def _decimal(value: Any) -> Decimal | None:
    number = number_of(value)
    if number is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())  # keeps "3.50" exact
        except InvalidOperation:
            pass
    return Decimal(str(number))


def moment_of(value: Any) -> datetime | None:
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
            return datetime.fromtimestamp(seconds, tz=UTC)
        if isinstance(value, str) and value.strip():
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    return None


def _status(value: Any) -> str | None:
    word = text_of(value).upper().replace(" ", "_")
    if word in _SUCCESS_WORDS:
        return SUCCESS
    if word in _FAILED_WORDS:
        return FAILED
    return ON_QUEUE if word else None


def _job_id(body: dict, data: dict) -> str:
    return first_text(data, _JOB_ID_KEYS) or first_text(body, _JOB_ID_KEYS)


def _data(body: dict) -> dict:
    data = body.get("data")
    if isinstance(data, dict):
        return data
    # A webhook may post the job fields without the envelope.
    return body if first_text(body, _JOB_ID_KEYS) else {}


def _song_entries(data: dict, key: str) -> list[dict]:
    musics = data.get(key)
    if isinstance(musics, dict):
        musics = [musics]
    if not isinstance(musics, list):
        return []
    return [entry for entry in musics if isinstance(entry, dict)]


def _music(entry: dict) -> Music:
    return Music(
        music_id=first_text(entry, ("musicId", "music_id", "id")),
        title=text_of(entry.get("title")),
        lyrics=text_of(entry.get("lyrics")),
        image_url=first_text(entry, ("imageUrl", "image_url")),
        audio_url=first_text(entry, ("audioUrl", "audio_url")),
        video_url=first_text(entry, VIDEO_URL_KEYS),
        sound=text_of(entry.get("sound")),
        seed=text_of(entry.get("seed")),
        duration=duration_of(entry),
        created_at=moment_of(entry.get("createdAt", entry.get("created_at"))),
        raw=entry,
    )


def duration_of(entry: dict, keys: tuple[str, ...] = ("durations", "duration")) -> float | None:
    for key in keys:
        seconds = number_of(entry.get(key))
        if seconds is not None and seconds >= 0:
            return seconds
    return None


def _lyrics_text(value: Any) -> str:
    # Lyrics may come as a list of options; take the first readable one.
    if isinstance(value, list):
        for item in value:
            text = _lyrics_text(item)
            if text:
                return text
        return ""
    if isinstance(value, dict):
        return first_text(value, ("lyrics", "text", "content"))
    return text_of(value)


def parse_submit(body: Any) -> SubmitResult:
    """The answer to a POST: the job id, or Rejected when the provider refused it."""
    if not isinstance(body, dict):
        raise MalformedResult(raw=body if isinstance(body, str) else repr(body))
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    job_id = _job_id(body, data)
    if job_id:
        return SubmitResult(job_id=job_id, raw=body)
    if _status(body.get("status")) == FAILED:
        reason = text_of(body.get("message"))
        message = f"The music service refused the request: {reason}" if reason else None
        raise Rejected(message, status=200, raw=body)
    raise MalformedResult("The music service accepted the request without a job id.", raw=body)


def parse_job_result(
    body: Any, *, songs: str = "musics", read_song: Callable[[dict], Music] = _music
) -> JobResult:
    """A fetch answer or webhook body, read as loosely as the provider writes it.

    `songs` names the list of results (`musics` on the Producer API) and `read_song` reads
    one of its entries."""
    if not isinstance(body, dict):
        raise MalformedResult(raw=body if isinstance(body, str) else repr(body))
    data = _data(body)
    job_id = _job_id(body, data)
    if not job_id:
        raise MalformedResult("The music service sent a result without a job id.", raw=body)

    status = _status(body.get("status")) or _status(data.get("status")) or ON_QUEUE
    entries = _song_entries(data, songs)
    musics = tuple(m for m in map(read_song, entries) if m.music_id)
    first = entries[0] if entries else {}
    message = text_of(body.get("message")) or text_of(data.get("message"))

    return JobResult(
        job_id=job_id,
        status=status,
        action=text_of(data.get("action")),
        progress=_progress(data.get("progress", body.get("progress"))),
        quota=_decimal(data.get("quota")),
        message=message,
        mv=text_of(data.get("mv")),
        musics=musics,
        title=text_of(data.get("title")) or text_of(first.get("title")),
        lyrics=_lyrics_text(data.get("lyrics")) or text_of(first.get("lyrics")),
        file_url=first_text(data, _FILE_URL_KEYS) or first_text(first, _FILE_URL_KEYS),
        video_url=first_text(data, VIDEO_URL_KEYS) or first_text(first, VIDEO_URL_KEYS),
        raw=body,
    )
