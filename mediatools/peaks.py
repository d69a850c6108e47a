"""Waveform peaks: the loudest sample of each of `count` equal stretches, scaled to 0..1."""

from __future__ import annotations

import numpy as np

PEAK_COUNT = 200
DIGITS = 3  # stored as JSON: three digits draw the same picture in fewer bytes


def peaks(samples: np.ndarray, count: int = PEAK_COUNT) -> list[float]:
    """Max-abs per bucket of mono (n,) or multichannel (n, channels) samples, normalised."""
    x = np.abs(np.asarray(samples, dtype=np.float32))
    if x.ndim == 2:
        x = x.max(axis=1) if x.shape[1] else np.zeros(len(x), np.float32)
    if count <= 0:
        return []
    if not len(x):
        return [0.0] * count
    edges = np.linspace(0, len(x), count + 1).astype(np.intp)
    starts = np.minimum(edges[:-1], len(x) - 1)
    buckets = np.maximum.reduceat(x, starts)
    buckets[edges[1:] <= edges[:-1]] = 0  # fewer samples than buckets: empty ones stay flat
    top = float(buckets.max())
    if top <= 0:
        return [0.0] * count
    return [round(float(v) / top, DIGITS) for v in buckets]
