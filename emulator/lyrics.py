"""A small lyricist: structured lyrics ([Verse], [Chorus] ...) on a prompt's theme.

Deterministic: the same prompt always gives the same title and words.
"""

from __future__ import annotations

import hashlib
import random
import re

# Theme word -> images the lines are built from (the first is also a title word).
THEMES: dict[str, tuple[str, ...]] = {
    "love": ("heart", "your hand in mine", "a promise", "the way you smile", "forever"),
    "night": ("midnight", "the city lights", "a silver moon", "the empty streets", "the stars"),
    "rain": ("rain", "grey skies", "the falling water", "a window pane", "the thunder"),
    "summer": ("summer", "the golden sun", "the long days", "the salty air", "the waves"),
    "road": ("highway", "the open road", "the engine's hum", "a thousand miles", "the dust"),
    "ocean": ("ocean", "the deep blue", "the tide", "the harbour lights", "the shore"),
    "city": ("city", "the neon signs", "the subway train", "the crowded street", "the skyline"),
    "dream": ("dreams", "the morning light", "a quiet sky", "the open door", "tomorrow"),
    "fire": ("fire", "the burning sky", "the embers", "a spark", "the flame"),
    "home": ("home", "the kitchen light", "the old front door", "the garden", "my mother's song"),
    "dance": ("dance floor", "the beat", "the flashing lights", "your body moving", "the bass"),
    "winter": ("winter", "the falling snow", "the frozen lake", "a cold wind", "the fireplace"),
    "heartbreak": ("goodbye", "the broken glass", "an empty room", "your last letter", "the tears"),
}
SYNONYMS: dict[str, str] = {
    "romance": "love",
    "romantic": "love",
    "kiss": "love",
    "moon": "night",
    "midnight": "night",
    "storm": "rain",
    "sad": "heartbreak",
    "breakup": "heartbreak",
    "lonely": "heartbreak",
    "beach": "summer",
    "sun": "summer",
    "sunny": "summer",
    "drive": "road",
    "driving": "road",
    "travel": "road",
    "sea": "ocean",
    "waves": "ocean",
    "urban": "city",
    "neon": "city",
    "sleep": "dream",
    "hope": "dream",
    "party": "dance",
    "club": "dance",
    "edm": "dance",
    "snow": "winter",
    "cold": "winter",
    "family": "home",
}
FEELINGS = ("alive", "free", "brave", "young", "lost", "found", "awake", "on fire")
VERBS = (
    "I keep chasing",
    "we were dancing in",
    "I still remember",
    "we ran through",
    "I hold on to",
)
HOOKS = (
    "Oh, {a} is calling me",
    "Take me back to {a}",
    "We'll be {f} tonight",
    "Hold on, hold on to {a}",
    "Never let it go",
)


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def theme_of(prompt: str) -> str:
    words = re.findall(r"[a-z']+", prompt.lower())
    for word in words:
        # "nights", "rainy": a crude stem is enough for a theme.
        for form in (word, word.removesuffix("s"), word.removesuffix("y")):
            if form in THEMES:
                return form
            if form in SYNONYMS:
                return SYNONYMS[form]
    return sorted(THEMES)[int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % len(THEMES)]


def _cap(line: str) -> str:
    return line[:1].upper() + line[1:]


def write(prompt: str) -> tuple[str, str]:
    """(title, lyrics) on the prompt's theme."""
    theme = theme_of(prompt)
    images = THEMES[theme]
    rng = _rng("lyrics", prompt)
    feeling = rng.choice(FEELINGS)

    def verse() -> list[str]:
        picks = rng.sample(images, 4)
        return [
            _cap(f"{rng.choice(VERBS)} {picks[0]}"),
            _cap(f"{picks[1]} is all I see"),
            _cap(f"walking slow through {picks[2]}"),
            _cap(f"and {picks[3]} follows me"),
        ]

    anchor = rng.choice(images[1:])
    hook = rng.choice(HOOKS).format(a=anchor, f=feeling)
    chorus = [hook, _cap(f"{anchor}, feeling {feeling}"), hook, "Until the morning comes"]
    bridge = [_cap(f"and if {images[0]} fades away"), f"I will find my way to {anchor}"]
    sections = [
        ("[Verse 1]", verse()),
        ("[Chorus]", chorus),
        ("[Verse 2]", verse()),
        ("[Chorus]", chorus),
        ("[Bridge]", bridge),
        ("[Chorus]", chorus),
    ]
    text = "\n\n".join("\n".join([name, *lines]) for name, lines in sections)
    title = _cap(f"{images[0]} {rng.choice(('tonight', 'song', 'again', 'forever', 'calling'))}")
    return title.title(), text


def title_for(prompt: str, lyrics: str = "") -> str:
    """A short title from the prompt's first words, else the lyrics' first sung line."""
    for text in (prompt, *(ln for ln in lyrics.splitlines() if not ln.strip().startswith("["))):
        words = re.findall(r"[\w']+", re.sub(r"\[[^\]]*\]", " ", text))
        if words:
            return " ".join(words[:4]).title()[:80]
    return "Untitled"
