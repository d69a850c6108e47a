"""Deterministic song synthesiser behind the emulator's media.

A recipe (a JSON-serialisable dict built from an API request) becomes an `Audio`: four real
stems (vocals, drums, bass, other) whose sum is the mix. Ops: music, extend, replace, cover,
vocals_swap, instrumentals_swap, variation, upload; parents nest to any depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
        stems = iter(self.stems.values())
        total = np.array(next(stems), dtype=np.float32, copy=True)
        for stem in stems:
            total += stem
        return soft_limit(total)

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def soft_limit(x: np.ndarray) -> np.ndarray:
    """Bend samples above the knee smoothly towards 1.0, in place."""
    if x.size == 0 or (x.max() <= LIMIT_KNEE and x.min() >= -LIMIT_KNEE):
        return x
    over = np.abs(x) > LIMIT_KNEE
    if over.any():
        v = x[over]
        room = 1.0 - LIMIT_KNEE
        x[over] = np.sign(v) * (LIMIT_KNEE + room * np.tanh((np.abs(v) - LIMIT_KNEE) / room))
    return x


def render(recipe: dict) -> Audio:
    """Render a recipe; deterministic (the same recipe gives identical samples)."""
    return Audio(render_stems(recipe), SAMPLE_RATE)


def duration(recipe: dict) -> float:
    """Exact length in seconds of `render(recipe)`, computed without rendering."""
    return duration_frames(recipe) / SAMPLE_RATE
