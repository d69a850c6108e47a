"""From a sound prompt's words to a musical style, and stable seeds from text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

import numpy as np


def stable_int(*parts: object) -> int:
    """A 63-bit integer from any values; stable across runs (unlike `hash`)."""
    text = "\x1f".join(repr(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def rng_for(*parts: object) -> np.random.Generator:
    return np.random.default_rng(stable_int(*parts))


@dataclass(frozen=True)
class Style:
    """How a song sounds: everything the arranger needs besides the notes."""

    genre: str = "pop"
    bpm_range: tuple[int, int] = (96, 124)
    mode: str = ""  # "major", "minor" or "" (left to the seed)
    drums: str = "pop"  # none, pop, rock, hiphop, dnb, four, jazz, ballad, trap, reggae
    bass: str = "synth"  # none, sub, pluck, synth, upright, 808, slap
    keys: str = "piano"  # piano, epiano, pad, strings, organ, guitar, distorted, bell
    pad: str = ""  # a second sustained layer or ""
    lead: str = "synth"  # melody instrument when nobody sings
    swing: float = 0.0
    energy: float = 0.6
    lofi: bool = False
    sevenths: bool = False
    beats_per_bar: int = 4
    brightness: float = 1.0


GENRES: dict[str, Style] = {
    "pop": Style(),
    "ballad": Style(
        "ballad", (60, 76), "", "ballad", "pluck", "piano", "strings", "piano", energy=0.35
    ),
    "rock": Style("rock", (110, 140), "", "rock", "pluck", "distorted", "", "guitar", energy=0.85),
    "metal": Style(
        "metal", (140, 180), "minor", "rock", "pluck", "distorted", "", "distorted", energy=1.0
    ),
    "dnb": Style("dnb", (164, 176), "minor", "dnb", "sub", "pad", "", "synth", energy=0.9),
    "hiphop": Style("hiphop", (80, 96), "minor", "hiphop", "sub", "epiano", "", "bell", swing=0.18),
    "lofi": Style(
        "lofi",
        (70, 88),
        "",
        "hiphop",
        "upright",
        "epiano",
        "",
        "epiano",
        swing=0.22,
        energy=0.4,
        lofi=True,
        sevenths=True,
        brightness=0.6,
    ),
    "house": Style("house", (120, 128), "", "four", "synth", "organ", "pad", "synth", energy=0.85),
    "techno": Style("techno", (126, 134), "minor", "four", "synth", "pad", "", "synth", energy=0.9),
    "ambient": Style("ambient", (60, 80), "", "none", "sub", "pad", "strings", "bell", energy=0.15),
    "jazz": Style(
        "jazz",
        (100, 150),
        "",
        "jazz",
        "upright",
        "epiano",
        "",
        "piano",
        swing=0.3,
        sevenths=True,
        energy=0.5,
    ),
    "folk": Style(
        "folk", (88, 116), "major", "ballad", "pluck", "guitar", "", "flute", energy=0.45
    ),
    "classical": Style(
        "classical", (66, 96), "", "none", "none", "piano", "strings", "strings", energy=0.3
    ),
    "trap": Style("trap", (130, 150), "minor", "trap", "808", "bell", "pad", "bell", energy=0.8),
    "reggae": Style("reggae", (70, 90), "", "reggae", "upright", "organ", "", "guitar", swing=0.1),
    "funk": Style("funk", (100, 116), "", "pop", "slap", "epiano", "", "synth", swing=0.12),
    "waltz": Style(
        "waltz",
        (84, 108),
        "",
        "ballad",
        "pluck",
        "piano",
        "strings",
        "strings",
        beats_per_bar=3,
        energy=0.4,
    ),
}

# A word selects a genre ...
GENRE_WORDS: dict[str, str] = {
    "pop": "pop",
    "ballad": "ballad",
    "love": "ballad",
    "rock": "rock",
    "punk": "rock",
    "grunge": "rock",
    "metal": "metal",
    "dnb": "dnb",
    "jungle": "dnb",
    "drum and bass": "dnb",
    "drum & bass": "dnb",
    "breakbeat": "dnb",
    "hip hop": "hiphop",
    "hip-hop": "hiphop",
    "hiphop": "hiphop",
    "rap": "hiphop",
    "boom bap": "hiphop",
    "lofi": "lofi",
    "lo-fi": "lofi",
    "lo fi": "lofi",
    "chillhop": "lofi",
    "house": "house",
    "disco": "house",
    "edm": "house",
    "dance": "house",
    "club": "house",
    "techno": "techno",
    "trance": "techno",
    "ambient": "ambient",
    "drone": "ambient",
    "meditation": "ambient",
    "new age": "ambient",
    "jazz": "jazz",
    "swing": "jazz",
    "bossa": "jazz",
    "blues": "jazz",
    "folk": "folk",
    "acoustic": "folk",
    "country": "folk",
    "classical": "classical",
    "orchestral": "classical",
    "cinematic": "classical",
    "piano solo": "classical",
    "trap": "trap",
    "drill": "trap",
    "reggae": "reggae",
    "dub": "reggae",
    "ska": "reggae",
    "funk": "funk",
    "soul": "funk",
    "r&b": "funk",
    "rnb": "funk",
    "waltz": "waltz",
    "synthwave": "house",
    "electro": "house",
}

# ... and these words adjust it.
SAD = (
    "sad",
    "dark",
    "melancholy",
    "melancholic",
    "minor",
    "gloomy",
    "lonely",
    "moody",
    "blue",
    "tragic",
    "haunting",
    "somber",
    "sombre",
    "grief",
    "heartbreak",
    "rain",
)
HAPPY = (
    "happy",
    "bright",
    "uplifting",
    "major",
    "joyful",
    "cheerful",
    "sunny",
    "summer",
    "hopeful",
    "fun",
    "playful",
    "triumphant",
    "party",
)
SLOW = (
    "slow",
    "calm",
    "chill",
    "relaxed",
    "relaxing",
    "gentle",
    "soft",
    "lullaby",
    "sleepy",
    "peaceful",
    "downtempo",
    "quiet",
    "dreamy",
)
FAST = (
    "fast",
    "energetic",
    "upbeat",
    "hard",
    "aggressive",
    "intense",
    "driving",
    "hyper",
    "frantic",
    "powerful",
    "epic",
    "wild",
)
INSTRUMENT_WORDS: dict[str, tuple[str, str]] = {
    # word: (field, value)
    "piano": ("keys", "piano"),
    "rhodes": ("keys", "epiano"),
    "electric piano": ("keys", "epiano"),
    "keys": ("keys", "epiano"),
    "organ": ("keys", "organ"),
    "guitar": ("keys", "guitar"),
    "acoustic guitar": ("keys", "guitar"),
    "electric guitar": ("keys", "distorted"),
    "distorted": ("keys", "distorted"),
    "pad": ("pad", "pad"),
    "synth": ("lead", "synth"),
    "synths": ("lead", "synth"),
    "strings": ("pad", "strings"),
    "violin": ("lead", "strings"),
    "cello": ("pad", "strings"),
    "orchestra": ("pad", "strings"),
    "bell": ("lead", "bell"),
    "bells": ("lead", "bell"),
    "flute": ("lead", "flute"),
    "whistle": ("lead", "flute"),
    "808": ("bass", "808"),
    "sub bass": ("bass", "sub"),
    "bassline": ("bass", "synth"),
    "slap bass": ("bass", "slap"),
    "upright bass": ("bass", "upright"),
    "no drums": ("drums", "none"),
    "drumless": ("drums", "none"),
}


def _has(text: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", text) is not None


def style_for(prompt: str, seed: int, pulse: bool = False) -> Style:
    """The style a prompt asks for; words it does not settle are chosen by the seed.

    `pulse` (a tempo was asked for) gives a drumless genre a soft kit, so the tempo can be
    heard; "no drums" in the prompt still has the last word.
    """
    text = " ".join(prompt.lower().split())
    found = [(text.find(w), g) for w, g in GENRE_WORDS.items() if _has(text, w)]
    if found:
        genre = min(found)[1]
    else:
        pool = ("pop", "pop", "ballad", "rock", "hiphop", "lofi", "house", "folk", "funk", "jazz")
        genre = pool[stable_int("genre", seed) % len(pool)]
    style = GENRES[genre]
    if pulse and style.drums == "none":
        style = replace(style, drums="ballad")
    lo, hi = style.bpm_range
    sad = sum(_has(text, w) for w in SAD)
    happy = sum(_has(text, w) for w in HAPPY)
    if sad > happy:
        style = replace(style, mode="minor")
    elif happy > sad:
        style = replace(style, mode="major")
    slow = sum(_has(text, w) for w in SLOW)
    fast = sum(_has(text, w) for w in FAST)
    if slow > fast:
        lo, hi = int(lo * 0.75), int(hi * 0.8)
        style = replace(style, energy=max(0.1, style.energy - 0.25))
    elif fast > slow:
        lo, hi = int(lo * 1.1), int(hi * 1.2)
        style = replace(style, energy=min(1.0, style.energy + 0.25))
    for word in sorted(INSTRUMENT_WORDS, key=len, reverse=True):
        if _has(text, word):
            name, value = INSTRUMENT_WORDS[word]
            style = replace(style, **{name: value})
            text = text.replace(word, " ")
    return replace(style, bpm_range=(max(50, lo), min(190, max(hi, lo + 1))))
