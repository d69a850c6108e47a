"""From an API request to synthesiser recipes, titles, lyrics and prices.

A recipe is what `emulator.synth.render` plays (see emulator/synth/__init__.py); derived
songs nest their parent's recipe, so any song can be re-rendered from its row alone.
"""

from __future__ import annotations

import json
from decimal import Decimal

from emulator import lyrics as lyricist
from emulator.models import Music
from emulator.synth.words import stable_int

# Quota charged per action once its job succeeds (the contract: about 3 per song; fetch,
# upload and video free).
PRICES: dict[str, Decimal] = {
    "music": Decimal(3),
    "extend": Decimal(3),
    "cover": Decimal(3),
    "variation": Decimal(3),
    "replace": Decimal(3),
    "vocals-swap": Decimal(3),
    "instrumentals-swap": Decimal(3),
    "stems": Decimal(3),
    "download": Decimal(1),
    "lyrics": Decimal(1),
    "upload": Decimal(0),
    "generate-video": Decimal(0),
}

# Flow Music: the same price per song; the contract leaves it to the account's plan.
FLOW_PRICES: dict[str, Decimal] = {
    "generations": Decimal(3),
    "cover": Decimal(3),
    "extend": Decimal(3),
    "replace": Decimal(3),
    "stems": Decimal(3),
}

# API action -> synthesiser op, for the actions that make a new song from a recipe.
SONG_OPS: dict[str, str] = {
    "music": "music",
    "extend": "extend",
    "cover": "cover",
    "variation": "variation",
    "replace": "replace",
    "vocals-swap": "vocals_swap",
    "instrumentals-swap": "instrumentals_swap",
}
# Request field -> recipe field.
FIELDS = {
    "sound_prompt": "prompt",
    "lyrics_text": "lyrics",
    "instrumental": "instrumental",
    "mv": "mv",
    "weirdness": "weirdness",
    "lyrics_strength": "lyrics_strength",
    "sound_strength": "sound_strength",
    "cover_strength": "cover_strength",
    "starts": "starts",
    "ends": "ends",
}
# Fields that do not change the music: left out of the seed a request picks.
NOT_MUSICAL = ("hook_url", "is_storage", "cover_art_url")
STEM_TITLES = {"vocals": "Vocals", "drums": "Drums", "bass": "Bass", "other": "Other"}
# Flow Music's stems, in the order its resellers list them.
FLOW_STEMS = ("drums", "bass", "vocals", "other")
# Flow Music action -> synthesiser op, and request field -> recipe field per action.
FLOW_OPS = {"generations": "music", "cover": "cover", "extend": "extend", "replace": "replace"}
FLOW_FIELDS = {
    "generations": {"sound_prompt": "prompt", "lyrics": "lyrics", "model": "mv", "bpm": "bpm",
                    "length": "length"},
    "cover": {"instruction": "prompt", "model": "mv"},
    "extend": {"instruction": "prompt", "model": "mv", "extend_from_s": "starts",
               "extend_s": "extend_s"},
    "replace": {"instruction": "prompt", "model": "mv", "start_s": "starts", "end_s": "ends"},
}  # fmt: skip
SEED_MODULO = 2**31


def seed_for(action: str, params: dict) -> str:
    """The request's seed, or one picked from the request itself (same request, same song)."""
    if params.get("seed"):
        return str(params["seed"])
    basis = {k: v for k, v in params.items() if k not in NOT_MUSICAL}
    return str(stable_int(action, json.dumps(basis, sort_keys=True)) % SEED_MODULO)


def song(action: str, params: dict, parent: Music | None) -> dict:
    """Recipe, title, lyrics and sound of the song an action makes (not upload or stems)."""
    instrumental = bool(params.get("instrumental"))
    prompt = params.get("sound_prompt", "")
    words = "" if instrumental else params.get("lyrics_text", "")
    title = params.get("title", "")
    if action == "music" and not instrumental and not words:
        # The provider writes lyrics when only a sound prompt is given.
        written_title, words = lyricist.write(prompt)
        title = title or written_title

    seed = seed_for(action, params)
    recipe: dict = {"op": SONG_OPS[action], "seed": seed}
    for field, key in FIELDS.items():
        if field in params:
            recipe[key] = params[field]
    if words:
        recipe["lyrics"] = words
    if parent is not None:
        recipe["parent"] = parent.recipe
        title = title or parent.title
        if not words and not instrumental and action != "extend":
            words = parent.lyrics  # covers, swaps and variations keep the words
        prompt = prompt or parent.sound
    return {
        "recipe": recipe,
        "title": title or lyricist.title_for(prompt, words),
        "lyrics": words,
        "sound": prompt,
        "seed": seed,
    }


def flow_song(action: str, params: dict, parent: Music | None) -> dict:
    """Recipe, title, lyrics and sound of a Flow Music clip (not stems).

    The instruction of an edit steers its new material the way a sound prompt does (its
    words pick genre, tempo and instruments); a cover keeps the source's words, an extend
    or a replace its key and tempo.
    """
    seed = seed_for(f"flowmusic-{action}", params)
    recipe: dict = {"op": FLOW_OPS[action], "seed": seed}
    for field, key in FLOW_FIELDS[action].items():
        if field in params:
            recipe[key] = params[field]
    title = params.get("title", "")
    prompt = params.get("sound_prompt", "") or params.get("instruction", "")
    words = params.get("lyrics", "")
    if action == "generations" and not words:
        written_title, words = lyricist.write(prompt)  # Lyria writes words for a prompt
        title = title or written_title
        recipe["lyrics"] = words
    if parent is not None:
        recipe["parent"] = parent.recipe
        title = title or parent.title
        if action == "cover":
            words = parent.lyrics
    return {
        "recipe": recipe,
        "title": title or lyricist.title_for(prompt, words),
        "lyrics": words,
        "sound": prompt,
        "seed": seed,
    }


def upload(path: str, audio_url: str) -> dict:
    name = audio_url.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "Upload"
    return {
        "recipe": {"op": "upload", "path": path},
        "title": name[:80],
        "lyrics": "",
        "sound": "",
        "seed": "",
    }


def stem_title(parent_title: str, stem: str) -> str:
    return f"{parent_title or 'Untitled'} ({STEM_TITLES[stem]})"


def flow_stem_title(parent_title: str, stem: str) -> str:
    return f"{parent_title or 'Untitled'} - {stem}"
