"""A singing voice: a glottal source shaped by vowel formants, one syllable at a time."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from emulator.synth.instruments import SR
from emulator.synth.plan import Syllable, Voice
from emulator.synth.words import rng_for

# Formant centre frequencies, bandwidths and gains of five vowels (adult male averages).
FORMANTS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "a": ((800, 80, 1.0), (1150, 90, 0.5), (2900, 120, 0.25), (3900, 130, 0.1)),
    "e": ((400, 70, 1.0), (1700, 80, 0.35), (2600, 100, 0.25), (3300, 120, 0.1)),
    "i": ((290, 50, 1.0), (2250, 90, 0.3), (2900, 100, 0.25), (3500, 120, 0.1)),
    "o": ((450, 70, 1.0), (800, 80, 0.6), (2830, 100, 0.12), (3500, 130, 0.06)),
    "u": ((325, 50, 1.0), (700, 60, 0.35), (2530, 170, 0.08), (3500, 180, 0.04)),
}
GLIDE_SECONDS = 0.05
RELEASE_SECONDS = 0.07
NOISE_SECONDS = 8

# Shared curves, sliced per syllable: time, the glide's fade and vibrato's fade-in.
_TIME = np.arange(20 * SR, dtype=np.float32) / SR
_GLIDE = ((1 - np.clip(_TIME / GLIDE_SECONDS, 0, 1)) ** 2).astype(np.float32)
_VIB_RAMP = np.clip((_TIME - 0.15) / 0.25, 0, 1).astype(np.float32)


@lru_cache(maxsize=8)
def _noise(seed: int) -> np.ndarray:
    noise = rng_for("breath", seed).standard_normal(NOISE_SECONDS * SR).astype(np.float32)
    noise.setflags(write=False)
    return noise


def _breath(seed: int, length: int, start: int) -> np.ndarray:
    """Breath noise for a syllable: a window of one long cached noise buffer."""
    noise = _noise(seed)
    if length >= len(noise):
        return np.resize(noise, length)  # only for syllables longer than the buffer
    at = (start * 7919) % (len(noise) - length)
    return noise[at : at + length]


@lru_cache(maxsize=64)
def _response(vowel: str, size: int, shift: float, brightness: float) -> np.ndarray:
    """Spectral envelope of a vowel on an rfft grid of `size` points."""
    f = np.fft.rfftfreq(size, 1 / SR)
    h = np.zeros_like(f)
    for centre, width, gain in FORMANTS.get(vowel, FORMANTS["a"]):
        c = centre * shift
        h += gain / (1 + ((f - c) / (width * shift / 2)) ** 2)
    h *= f / (f + 80)  # no rumble
    h *= np.exp(-f / (6000 * brightness))
    h[f > 9000] *= 0.1
    return h.astype(np.complex64)


def _polyblep_saw(phase: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Band-limited sawtooth from a running phase (in cycles) and per-sample increment."""
    t = (phase % 1.0).astype(np.float32)
    out = 2.0 * t - 1.0
    lo = t < dt
    x = t[lo] / dt[lo]
    out[lo] -= x + x - x * x - 1.0
    hi = t > 1.0 - dt
    x = (t[hi] - 1.0) / dt[hi]
    out[hi] -= x * x + x + x + 1.0
    return out


def _fast_size(n: int) -> int:
    """The next FFT-friendly length (a power of two times 1, 3, 5 or 15/8)."""
    best = 1 << (n - 1).bit_length()
    for k in (3, 5, 15):
        m = k
        while m < n:
            m *= 2
        best = min(best, m)
    return best


@lru_cache(maxsize=16)
def _consonants(seed: int) -> dict[str, np.ndarray]:
    rng = rng_for("consonants", seed)
    out = {}
    for name, seconds, lo, hi in (("p", 0.018, 1500, 6000), ("f", 0.07, 3500, 9000)):
        n = int(seconds * SR)
        spec = np.fft.rfft(rng.standard_normal(n))
        f = np.fft.rfftfreq(n, 1 / SR)
        spec[(f < lo) | (f > hi)] = 0
        wave = np.fft.irfft(spec, n) * np.hanning(n)
        wave = (wave / (np.max(np.abs(wave)) or 1.0)).astype(np.float32)
        wave.setflags(write=False)
        out[name] = wave
    return out


def sing(
    syllables: tuple[Syllable, ...],
    voice: Voice,
    seconds_per_beat: float,
    frame_of,
    n: int,
    seed: int,
) -> np.ndarray:
    """The vocal line as mono float32 of `n` frames. `frame_of(beat)` places a beat in time."""
    out = np.zeros(n, dtype=np.float32)
    consonants = _consonants(seed)
    previous_pitch: float | None = None
    previous_end = -1
    for beat, beats, midi, vowel, onset in syllables:
        start = frame_of(beat)
        length = int((beats * seconds_per_beat + RELEASE_SECONDS) * SR)
        if start >= n or length <= 0:
            continue
        length = min(length, n - start, len(_TIME))
        t = _TIME[:length]
        pitch = np.full(length, np.float32(midi - 69), dtype=np.float32)
        if previous_pitch is not None and start - previous_end < 0.05 * SR:
            g = min(length, int(GLIDE_SECONDS * SR))
            pitch[:g] += np.float32(previous_pitch - midi) * _GLIDE[:g]
        vibrato = np.sin(np.float32(2 * np.pi * voice.vibrato_rate) * t)
        vibrato *= np.float32(voice.vibrato_depth) * _VIB_RAMP[:length]
        pitch += vibrato
        dt = np.exp2(pitch * np.float32(1 / 12)) * np.float32(440.0 / SR)
        phase = np.cumsum(dt, dtype=np.float64)
        source = _polyblep_saw(phase, dt)
        source += np.float32(voice.breath) * _breath(seed, length, start)
        size = _fast_size(length + 512)
        spectrum = np.fft.rfft(source, size)
        spectrum *= _response(vowel, size, voice.formant_shift, voice.brightness)
        wave = np.fft.irfft(spectrum, size)[:length].astype(np.float32)
        env = np.ones(length, dtype=np.float32)
        attack = min(length, int((0.04 if onset == "n" else 0.02) * SR))
        release = min(length - attack, int(RELEASE_SECONDS * SR))
        env[:attack] = np.linspace(0, 1, attack, dtype=np.float32)
        if release > 0:
            env[length - release :] *= np.linspace(1, 0, release, dtype=np.float32)
        wave *= env
        wave /= np.float32(np.max(np.abs(wave)) or 1.0)
        out[start : start + length] += wave
        if onset in consonants:
            burst = consonants[onset]
            a = max(0, start - len(burst) // 2)
            b = min(n, a + len(burst))
            out[a:b] += burst[: b - a] * np.float32(0.35 if onset == "f" else 0.5)
        previous_pitch = float(midi)
        previous_end = start + length
    return out
