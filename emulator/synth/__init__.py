"""Deterministic song synthesiser behind the emulator's media.

A recipe (a JSON-serialisable dict built from an API request) becomes an `Audio`: four real
stems (vocals, drums, bass, other) whose sum is the mix. The same recipe always gives the same
samples. Fields (all optional but `op`): seed (int or string), prompt, lyrics, instrumental,
mv, title, weirdness; numbers may come as strings, `starts` as a one-item list.

- music: a song from the prompt's words (genre, tempo, mood, instruments) with intro, verses,
  choruses and an outro; lyrics are sung (formant vowels, syllables timed from the words)
  unless instrumental. 30 s at least; long enough to sing all the lyrics.
- extend (parent, starts): the parent's samples up to `starts`, then new material in its key
  and tempo, on its beat; past the parent's end it continues from the end.
- replace (parent, starts, ends|None): the parent outside [starts, ends], new inside, with
  short fades just inside the borders.
- cover (parent): the parent's notes, tempo and length played by a new band and singer.
- vocals_swap / instrumentals_swap (parent): one side kept sample for sample, the other new.
- variation (parent): a sibling from the parent's seed, prompt and lyrics.
- upload (path): a decoded file, split into four bands that sum to it.
The strength sliders are accepted and ignored, as the provider does since its model change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import mediatools
from emulator.synth.bands import band_split
from emulator.synth.ops import duration_frames, render_stems

SAMPLE_RATE = 44100
STEM_NAMES = ("vocals", "drums", "bass", "other")
LIMIT_KNEE = 0.9  # the mix is the plain sum below this level


@dataclass
class Audio:
    """Stereo stems at `sample_rate`; each float32 of shape (n, 2), all the same n."""

    stems: dict[str, np.ndarray] = field(default_factory=dict)
    sample_rate: int = SAMPLE_RATE

    @property
    def frames(self) -> int:
        return len(next(iter(self.stems.values()))) if self.stems else 0

    @property
    def mix(self) -> np.ndarray:
        """Sum of the stems, soft-limited to [-1, 1], float32 (n, 2).

        Identical to the plain sum wherever its magnitude stays below 0.9; above that a tanh
        knee bends peaks into (0.9, 1.0).
        """
        if not self.stems:
            return np.zeros((0, 2), dtype=np.float32)
        stems = list(self.stems.values())
        if len(stems) == 1:
            return soft_limit(np.array(stems[0], dtype=np.float32, order="C"))
        total = np.empty(stems[0].shape, dtype=np.float32)
        np.add(stems[0], stems[1], out=total)
        for stem in stems[2:]:
            total += stem
        return soft_limit(total)

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def soft_limit(x: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Bend samples above the knee smoothly towards 1.0, in place.

    Works chunk by chunk and skips chunks that stay under the knee: peaks are rare.
    """
    room = 1.0 - LIMIT_KNEE
    for start in range(0, len(x), chunk):
        part = x[start : start + chunk]
        if part.max() <= LIMIT_KNEE and part.min() >= -LIMIT_KNEE:
            continue
        over = np.abs(part) > LIMIT_KNEE
        v = part[over]
        part[over] = np.sign(v) * (LIMIT_KNEE + room * np.tanh((np.abs(v) - LIMIT_KNEE) / room))
    return x


def render(recipe: dict) -> Audio:
    """Render a recipe; deterministic (the same recipe gives identical samples)."""
    return Audio(render_stems(recipe), SAMPLE_RATE)


def duration(recipe: dict) -> float:
    """Exact length in seconds of `render(recipe)`, computed without rendering."""
    return duration_frames(recipe) / SAMPLE_RATE


def decode_audio(data: bytes) -> Audio:
    """Decode any audio ffmpeg reads into an `Audio` at 44.1 kHz stereo (DecodeError if not).

    A WAV at that rate is read sample for sample; the signal is split into four bands (see
    `band_split`), so the stems still sum to what was decoded.
    """
    samples, _ = mediatools.decode(data, channels=2, rate=SAMPLE_RATE)
    return Audio(band_split(samples), SAMPLE_RATE)
