"""Deterministic song synthesiser behind the emulator's media.

A recipe (a JSON-serialisable dict built from an API request) becomes an `Audio`: four real
stems (vocals, drums, bass, other) whose sum is the mix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 44100
STEM_NAMES = ("vocals", "drums", "bass", "other")


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
        """Sum of the stems, soft-limited to [-1, 1], float32 (n, 2)."""
        raise NotImplementedError

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def render(recipe: dict) -> Audio:
    """Render a recipe; deterministic (the same recipe gives identical samples)."""
    raise NotImplementedError


def duration(recipe: dict) -> float:
    """Exact length in seconds of `render(recipe)`, computed without rendering."""
    raise NotImplementedError
