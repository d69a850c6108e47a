"""The Flow Music API (`/flowmusic/v1/`, Lyria 3 Pro): its actions, the rules of their
requests and the reading of its results.

`validate` returns the body exactly as it goes on the wire: the API's field names, typed
values (`bpm` and `seed` as strings, `length` as an integer), whitespace stripped, unset
optional fields left out. Edits work on a clip (`clip_id`) and take an `instruction` in
place of the sound prompt and lyrics.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

from . import fields, parsing
from .errors import PayloadInvalid
from .parsing import JobResult, Music, SubmitResult

API_PATH = "/flowmusic/v1/"


class Action(models.TextChoices):
    GENERATE = "generations", "Generate"
    COVER = "cover", "Cover"
    EXTEND = "extend", "Extend"
    REPLACE = "replace", "Replace section"
    STEMS = "stems", "Stems"


# Actions that work on an existing clip (`clip_id` is the source's clip id).
PARENT_ACTIONS = frozenset({Action.COVER, Action.EXTEND, Action.REPLACE, Action.STEMS})
# Actions whose result is a new song in the library.
SONG_ACTIONS = frozenset({Action.GENERATE, Action.COVER, Action.EXTEND, Action.REPLACE})

DEFAULT_MODEL = "Lyria 3 Pro"
DEFAULT_MODELS: tuple[str, ...] = (DEFAULT_MODEL,)

EDIT_FIELDS = ("instruction", "model", "title", "seed", "hook_url")
FIELDS: dict[Action, tuple[str, ...]] = {
    Action.GENERATE: (
        "sound_prompt",
        "lyrics",
        "title",
        "model",
        "seed",
        "bpm",
        "length",
        "hook_url",
    ),
    Action.COVER: ("clip_id", "strength", *EDIT_FIELDS),
    Action.EXTEND: ("clip_id", "extend_from_s", "extend_s", *EDIT_FIELDS),
    Action.REPLACE: ("clip_id", "start_s", "end_s", *EDIT_FIELDS),
    Action.STEMS: ("clip_id", "hook_url"),
}

REQUIRED: dict[Action, tuple[str, ...]] = {
    Action.COVER: ("clip_id", "instruction"),
    Action.EXTEND: ("clip_id", "extend_from_s", "extend_s", "instruction"),
    Action.REPLACE: ("clip_id", "start_s", "end_s", "instruction"),
    Action.STEMS: ("clip_id",),
}

DEFAULT_STRENGTH = 0.5  # cover: sent when not given (the contract requires the field)
STRENGTH = (0.0, 1.0)
MIN_BPM = 1.0
LENGTH = (1, 240)  # seconds of a generated song
MAX_EXTEND_S = 327.0
MAX_LENGTH = {
    "title": 200,
    "sound_prompt": 1000,
    "lyrics": 5000,
    "instruction": 1000,
    "clip_id": 200,
    "seed": 32,
}


def action_of(value: Action | str) -> Action:
    """The action a caller named (an Action or its value), or PayloadInvalid."""
    try:
        return Action(getattr(value, "value", value))
    except ValueError:
        raise PayloadInvalid({"action": f"Unknown action {value!r}."}) from None


def _bpm(value: Any) -> str:
    number = fields.number(value)
    if number < MIN_BPM:
        raise fields.Invalid(f"Must be a number of at least {MIN_BPM:g}.")
    return str(int(number)) if number.is_integer() else repr(number)


def _length(value: Any) -> int:
    number = fields.number(value)
    low, high = LENGTH
    if not number.is_integer():
        raise fields.Invalid("Must be a whole number of seconds.")
    if not low <= number <= high:
        raise fields.Invalid(f"Must be between {low} and {high} seconds.")
    return int(number)


def _extend_s(value: Any) -> float:
    number = fields.number(value)
    if not 0 < number <= MAX_EXTEND_S:
        raise fields.Invalid(f"Must be more than 0 and at most {MAX_EXTEND_S:g} seconds.")
    return number


def validate(
    action: Action | str,
    params: dict,
    *,
    models: Sequence[str] | None = None,
    source_duration: float | None = None,
) -> dict:
    """Check `params` for `action` and return the body to send, or raise PayloadInvalid.

    `models` are the names `model` may take (Lyria 3 Pro when not given); `source_duration`
    is the length in seconds of the clip an edit works on, when known: no point of an edit
    may lie past it."""
    action = action_of(action)
    if not isinstance(params, dict):
        raise PayloadInvalid({"params": "Must be a mapping of field names to values."})
    allowed = FIELDS[action]
    model_names = tuple(models) if models is not None else DEFAULT_MODELS
    checks: dict[str, Callable[[Any], Any]] = {
        "model": fields.choice(model_names, "the available models"),
        "seed": lambda v: fields.seed(v, MAX_LENGTH["seed"]),
        "bpm": _bpm,
        "length": _length,
        "strength": fields.between(*STRENGTH),
        "extend_from_s": fields.seconds,
        "extend_s": _extend_s,
        "start_s": fields.seconds,
        "end_s": fields.seconds,
        "hook_url": fields.url,
    }

    cleaned, errors = fields.check_all(params, allowed, checks, MAX_LENGTH, action.value)
    fields.require(cleaned, errors, REQUIRED.get(action, ()))
    if action is Action.GENERATE and not {"sound_prompt", "lyrics"} & (cleaned.keys() | errors):
        message = "Write a sound prompt or lyrics (at least one is needed)."
        errors["sound_prompt"] = errors["lyrics"] = message
    if action is Action.COVER and "strength" not in cleaned and "strength" not in errors:
        cleaned["strength"] = DEFAULT_STRENGTH
    if "end_s" in cleaned and "start_s" in cleaned and cleaned["end_s"] <= cleaned["start_s"]:
        errors["end_s"] = "Must be after the start."
    if source_duration is not None and source_duration >= 0:
        _check_within(cleaned, errors, source_duration)

    if errors:
        raise PayloadInvalid(errors)
    return {name: cleaned[name] for name in allowed if name in cleaned}


def _check_within(cleaned: dict, errors: dict, duration: float) -> None:
    """No point of an edit past the end of its source."""
    for name in ("extend_from_s", "start_s", "end_s"):
        if name in cleaned and name not in errors and cleaned[name] > duration:
            errors[name] = f"Must not be past the end of the song ({duration:.2f} s)."


# Results. The documented clip fields are `clip_id`, `title`, `lyrics_id` and
# `lyrics_timing_markers`; the media and timing fields are not documented, so they are looked
# for under the snake_case and camelCase names a reseller may use.

CLIP_ID_KEYS = ("clip_id", "clipId", "id")
AUDIO_URL_KEYS = ("audio_url", "audioUrl", "mp3_url", "mp3Url")
IMAGE_URL_KEYS = ("image_url", "imageUrl", "cover_url", "coverUrl")
WAV_URL_KEYS = ("wav_url", "wavUrl")
DURATION_KEYS = ("duration", "duration_s", "durationS", "durations")
LYRICS_KEYS = ("lyrics_timing_markers", "lyricsTimingMarkers", "lyrics")


def read_clip(entry: dict) -> Music:
    """One clip of a result, as the studio's song record reads it."""
    t, first = parsing.text_of, parsing.first_text
    return Music(
        music_id=first(entry, CLIP_ID_KEYS),
        title=t(entry.get("title")),
        lyrics=first(entry, LYRICS_KEYS),
        image_url=first(entry, IMAGE_URL_KEYS),
        audio_url=first(entry, AUDIO_URL_KEYS),
        video_url=first(entry, parsing.VIDEO_URL_KEYS),
        sound=first(entry, ("sound_prompt", "soundPrompt", "sound")),
        seed=t(entry.get("seed")),
        duration=parsing.duration_of(entry, DURATION_KEYS),
        created_at=parsing.moment_of(entry.get("created_at", entry.get("createdAt"))),
        raw=entry,
        lyrics_id=first(entry, ("lyrics_id", "lyricsId")),
        wav_url=first(entry, WAV_URL_KEYS),
    )


def parse_submit(body: Any) -> SubmitResult:
    """The answer to a POST: `data.job_id` (or `jobId`), or Rejected when refused."""
    return parsing.parse_submit(body)


def parse_job_result(body: Any) -> JobResult:
    """A fetch answer or webhook body: `clips` instead of `musics`."""
    return parsing.parse_job_result(body, songs="clips", read_song=read_clip)
