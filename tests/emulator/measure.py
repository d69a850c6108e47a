"""Measurements of rendered audio, shared by the media tests and bench/emulator_media.py."""

from __future__ import annotations

import numpy as np

HOP = 256
WINDOW = 1024


def onset_envelope(mono: np.ndarray, rate: int) -> np.ndarray:
    """Spectral flux: how much new energy each hop brings, the usual onset-strength curve."""
    x = np.asarray(mono, dtype=np.float32)
    count = 1 + max(0, len(x) - WINDOW) // HOP
    index = np.arange(WINDOW)[None, :] + HOP * np.arange(count)[:, None]
    frames = x[index] * np.hanning(WINDOW).astype(np.float32)
    spectrum = np.log1p(100 * np.abs(np.fft.rfft(frames, axis=1)))
    flux = np.maximum(np.diff(spectrum, axis=0), 0).sum(axis=1)
    return flux - np.convolve(flux, np.ones(16) / 16, mode="same")  # drop the slow trend


def tempo(mono: np.ndarray, rate: int, near: float) -> float:
    """Beats per minute from the onset envelope's autocorrelation.

    A tempo is defined only up to its metrical level (eighths, beats and half bars all
    repeat), so the strongest period is sought in the one octave centred on `near`
    (near/sqrt 2 .. near*sqrt 2): one candidate of each factor-of-two family. A song at
    another tempo shows up as an error of up to 41 %; within the octave the estimate is the
    song's. The period is refined on its first eight multiples, to a fraction of a hop.
    """
    env = onset_envelope(mono, rate)
    fps = rate / HOP
    size = 1 << int(np.ceil(np.log2(2 * len(env))))
    spectrum = np.fft.rfft(env, size)
    ac = np.fft.irfft(spectrum * np.conj(spectrum))[: len(env)]
    lo = int(60 * fps / (near * np.sqrt(2)))
    hi = int(np.ceil(60 * fps / (near / np.sqrt(2))))
    lags = np.arange(max(lo, 2), min(hi + 1, len(ac) // 2))
    lag = float(lags[np.argmax(ac[lags])])
    estimates = []
    for k in range(1, 9):
        centre = round(k * lag)
        if centre + 2 >= len(ac):
            break
        near = np.arange(centre - 2, centre + 3)
        peak = int(near[np.argmax(ac[near])])
        a, b, c = ac[peak - 1], ac[peak], ac[peak + 1]
        shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
        estimates.append((peak + float(np.clip(shift, -0.5, 0.5))) / k)
    return 60 * fps / float(np.median(estimates))


def relative_error(measured: float, wanted: float) -> float:
    return abs(measured - wanted) / wanted


def residual(parts: list[np.ndarray], whole: np.ndarray) -> float:
    """RMS of (sum of parts - whole) relative to the RMS of the whole."""
    total = np.sum([np.asarray(p, dtype=np.float64) for p in parts], axis=0)
    err = np.sqrt(np.mean((total - whole) ** 2))
    return float(err / max(np.sqrt(np.mean(np.asarray(whole, np.float64) ** 2)), 1e-12))
