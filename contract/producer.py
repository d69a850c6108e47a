"""The Producer API (`/producer/v1/`): its actions and the rules of their requests.

`validate` returns the body exactly as it goes on the wire: the API's field names, typed
values, whitespace stripped, unset optional fields left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

from . import fields
from .errors import PayloadInvalid

API_PATH = "/producer/v1/"


class Action(models.TextChoices):
    MUSIC = "music", "Generate"
    LYRICS = "lyrics", "Lyrics"
    EXTEND = "extend", "Extend"
    COVER = "cover", "Cover"
    VARIATION = "variation", "Variation"
    REPLACE = "replace", "Replace section"
    VOCALS_SWAP = "vocals-swap", "Swap vocals"
    INSTRUMENTALS_SWAP = "instrumentals-swap", "Swap instrumentals"
    STEMS = "stems", "Stems"
    DOWNLOAD = "download", "Download"
    UPLOAD = "upload", "Upload"
    VIDEO = "generate-video", "Video"


# Actions that work on an existing song (`music_id` is the parent's musicId).
PARENT_ACTIONS = frozenset(
    {
        Action.EXTEND,
        Action.COVER,
        Action.VARIATION,
        Action.REPLACE,
        Action.VOCALS_SWAP,
        Action.INSTRUMENTALS_SWAP,
        Action.STEMS,
        Action.DOWNLOAD,
        Action.VIDEO,
    }
)

# Actions whose result is a new song in the library.
SONG_ACTIONS = frozenset(
    {
        Action.MUSIC,
        Action.EXTEND,
        Action.COVER,
        Action.VARIATION,
        Action.REPLACE,
        Action.VOCALS_SWAP,
        Action.INSTRUMENTALS_SWAP,
        Action.UPLOAD,
    }
)

# The provider charges nothing for these.
FREE_ACTIONS = frozenset({Action.UPLOAD, Action.VIDEO})

# The models the provider documents, newest first; FUZZ-2.0 is the provider's default.
# Lyria 3 preview is Lyria 3 behind this API (Flow Music's own API is `contract.flowmusic`).
FUZZ_MODELS: tuple[str, ...] = (
    "FUZZ-2.0 Pro",
    "FUZZ-2.0",
    "FUZZ-2.0 Raw",
    "FUZZ-1.1 Pro",
    "FUZZ-1.0 Pro",
    "FUZZ-1.0",
    "FUZZ-1.1",
    "FUZZ-0.8",
)
LYRIA_PREVIEW = "Lyria 3 preview"
DEFAULT_MODEL = "FUZZ-2.0"
DEFAULT_MODELS: tuple[str, ...] = (*FUZZ_MODELS, LYRIA_PREVIEW)

PROMPT_FIELDS = ("sound_prompt", "lyrics_text", "instrumental")
GEN_FIELDS = (
    "mv",
    "title",
    "cover_art_url",
    "seed",
    "lyrics_strength",
    "sound_strength",
    "weirdness",
    "is_storage",
    "hook_url",
)

# The fields each action accepts. `hook_url` is accepted everywhere: the provider calls back
# for any job, and the studio attaches it uniformly.
FIELDS: dict[Action, tuple[str, ...]] = {
    Action.MUSIC: (*PROMPT_FIELDS, *GEN_FIELDS),
    Action.LYRICS: ("prompt", "hook_url"),
    Action.EXTEND: ("music_id", "starts", *PROMPT_FIELDS, *GEN_FIELDS),
    Action.COVER: ("music_id", *PROMPT_FIELDS, *GEN_FIELDS),
    Action.VARIATION: ("music_id", "is_storage", "hook_url"),
    Action.REPLACE: ("music_id", "starts", "ends", *PROMPT_FIELDS, *GEN_FIELDS),
    Action.VOCALS_SWAP: ("music_id", *PROMPT_FIELDS, *GEN_FIELDS, "cover_strength"),
    Action.INSTRUMENTALS_SWAP: ("music_id", *PROMPT_FIELDS, *GEN_FIELDS, "cover_strength"),
    Action.STEMS: ("music_id", "hook_url"),
    Action.DOWNLOAD: ("music_id", "format", "hook_url"),
    Action.UPLOAD: ("audio_url", "hook_url"),
    Action.VIDEO: ("music_id", "preset", "hook_url"),
}

REQUIRED: dict[Action, tuple[str, ...]] = {
    Action.LYRICS: ("prompt",),
    Action.UPLOAD: ("audio_url",),
    **{action: ("music_id",) for action in PARENT_ACTIONS},
    Action.DOWNLOAD: ("music_id", "format"),
}

# Actions where at least one of sound_prompt / lyrics_text must be non-empty.
PROMPT_RULE = frozenset(
    action for action in FIELDS if {"sound_prompt", "lyrics_text"} <= set(FIELDS[action])
)

EXTEND_DEFAULT_STARTS = 30.0
FORMATS = ("wav", "mp3")
PRESETS = ("modern", "player", "simple")
MAX_LENGTH = {
    "title": 200,
    "sound_prompt": 1000,
    "lyrics_text": 5000,
    "prompt": 1000,
    "music_id": 200,
    "seed": 32,
}
URL_FIELDS = ("cover_art_url", "hook_url", "audio_url")
SLIDERS = {
    "lyrics_strength": (0.0, 1.0),
    "sound_strength": (0.2, 1.0),
    "weirdness": (0.0, 1.0),
    "cover_strength": (0.2, 1.0),
}
BOOLEANS = ("instrumental", "is_storage")


def action_of(value: Action | str) -> Action:
    """The action a caller named (an Action or its value), or PayloadInvalid."""
    try:
        return Action(getattr(value, "value", value))
    except ValueError:
        raise PayloadInvalid({"action": f"Unknown action {value!r}."}) from None


def validate(action: Action | str, params: dict, *, models: Sequence[str] | None = None) -> dict:
    """Check `params` for `action` and return the body to send, or raise PayloadInvalid.

    `models` are the names `mv` may take (the contract's FUZZ models when not given)."""
    action = action_of(action)
    if not isinstance(params, dict):
        raise PayloadInvalid({"params": "Must be a mapping of field names to values."})
    allowed = FIELDS[action]
    model_names = tuple(models) if models is not None else DEFAULT_MODELS
    checks: dict[str, Callable[[Any], Any]] = {
        "mv": fields.choice(model_names, "the available models"),
        "format": fields.choice(FORMATS, "the formats"),
        "preset": fields.choice(PRESETS, "the presets"),
        "seed": lambda v: fields.seed(v, MAX_LENGTH["seed"]),
        "starts": fields.seconds,
        "ends": fields.seconds,
        **{name: fields.boolean for name in BOOLEANS},
        **{name: fields.url for name in URL_FIELDS},
        **{name: fields.between(*SLIDERS[name]) for name in SLIDERS},
    }

    cleaned, errors = fields.check_all(params, allowed, checks, MAX_LENGTH, action.value)
    fields.require(cleaned, errors, REQUIRED.get(action, ()))
    if action in PROMPT_RULE and not {"sound_prompt", "lyrics_text"} & (cleaned.keys() | errors):
        message = "Write a sound prompt or lyrics (at least one is needed)."
        errors["sound_prompt"] = errors["lyrics_text"] = message
    if action is Action.EXTEND and "starts" not in cleaned and "starts" not in errors:
        cleaned["starts"] = EXTEND_DEFAULT_STARTS
    if "ends" in cleaned and "starts" not in errors and cleaned["ends"] <= cleaned.get("starts", 0):
        errors["ends"] = "Must be after the start."

    if errors:
        raise PayloadInvalid(errors)
    # Keep the contract's field order, whatever order the caller used.
    return {name: cleaned[name] for name in allowed if name in cleaned}
