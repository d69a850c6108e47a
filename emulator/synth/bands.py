"""Splitting recorded audio (an upload) into four stems that sum to it."""

from __future__ import annotations

import numpy as np


def _lowpass(x: np.ndarray, width: int) -> np.ndarray:
    """Running mean over `width` frames (centred), per channel."""
    pad = np.concatenate([np.zeros((width, x.shape[1])), x, np.zeros((width, x.shape[1]))])
    c = np.cumsum(pad, axis=0)
    half = width // 2
    out = (c[width:] - c[:-width]) / width
    return out[half : half + len(x)].astype(np.float32)


def band_split(x: np.ndarray) -> dict[str, np.ndarray]:
    """Four stems that sum to `x`: lows (bass), highs (drums), centred mids (vocals), the rest."""
    bass = _lowpass(_lowpass(x, 220), 220)
    highs = x - _lowpass(x, 4)
    band = x - bass - highs
    centre = band.mean(axis=1, keepdims=True)
    vocals = np.repeat(centre, 2, axis=1).astype(np.float32)
    other = (x - bass - highs - vocals).astype(np.float32)
    return {"vocals": vocals, "drums": highs.astype(np.float32), "bass": bass, "other": other}
