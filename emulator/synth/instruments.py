"""Instrument voices: one note or drum hit at a time, as mono float32 arrays.

Notes repeat a lot in a song, so each (instrument, pitch, length) is made once and cached;
the cached arrays are read-only and only ever added into the arrangement.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from emulator.synth.words import rng_for

SR = 44100
TABLE_SIZE = 4096
NYQUIST_GUARD = 15000.0


def hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12)


def _envelope(n: int, attack: float, release: float) -> np.ndarray:
    env = np.ones(n, dtype=np.float32)
    a = min(n, max(1, int(attack * SR)))
    r = min(n - a, max(1, int(release * SR)))
    env[:a] = np.linspace(0, 1, a, dtype=np.float32)
    if r > 0:
        env[n - r :] *= np.linspace(1, 0, r, dtype=np.float32)
    return env


def _additive(
    f: float, n: int, amps: list[float], decays: list[float], inharm: float = 0.0
) -> np.ndarray:
    """Sum of decaying partials; partials above the guard frequency are skipped."""
    t = np.arange(n, dtype=np.float32) / SR
    out = np.zeros(n, dtype=np.float32)
    for h, (a, d) in enumerate(zip(amps, decays, strict=True), start=1):
        fh = f * h * np.sqrt(1 + inharm * h * h)
        if fh > NYQUIST_GUARD or a == 0:
            continue
        live = n if d <= 0 else min(n, int(7.0 / d * SR) + 1)  # skip what has decayed away
        part = np.sin(np.float32(2 * np.pi * fh) * t[:live])
        if d > 0:
            part *= np.exp(np.float32(-d) * t[:live])
        out[:live] += np.float32(a) * part
    return out


@lru_cache(maxsize=16)
def _table(kind: str) -> np.ndarray:
    """One band-limited cycle for sustained timbres (pads, organ, strings)."""
    x = np.arange(TABLE_SIZE) / TABLE_SIZE * 2 * np.pi
    if kind == "organ":
        weights = {1: 1.0, 2: 0.7, 3: 0.5, 4: 0.35, 6: 0.2, 8: 0.15}
    elif kind == "strings":
        weights = {h: 1.0 / h for h in range(1, 13)}
    else:  # pad: soft saw
        weights = {h: 1.0 / h**1.4 for h in range(1, 9)}
    wave = sum(w * np.sin(h * x) for h, w in weights.items())
    return (wave / np.max(np.abs(wave))).astype(np.float32)


def _wavetable(kind: str, f: float, n: int, detune: tuple[float, ...], vibrato: float = 0.0):
    table = _table(kind)
    t = np.arange(n, dtype=np.float64) / SR
    out = np.zeros(n, dtype=np.float32)
    for cents in detune:
        fd = f * 2 ** (cents / 1200)
        phase = fd * t
        if vibrato:
            phase += vibrato * fd / (2 * np.pi * 5.5) * np.sin(2 * np.pi * 5.5 * t)
        idx = ((phase % 1.0) * TABLE_SIZE).astype(np.intp)
        out += table[idx]
    return out / len(detune)


@lru_cache(maxsize=384)
def note(kind: str, midi: int, n: int, bright: float = 1.0) -> np.ndarray:
    """One pitched note of `n` frames (release included); read-only."""
    f = hz(midi)
    b = bright
    if kind == "piano":
        k = f / 261.6
        amps = [1.0, 0.55 * b, 0.3 * b, 0.2 * b, 0.12 * b, 0.08 * b, 0.05 * b]
        decays = [(1.2 + 0.5 * h) * (0.6 + 0.4 * k) for h in range(1, 8)]
        wave = _additive(f, n, amps, decays, inharm=0.0004)
        env = _envelope(n, 0.003, min(0.08, n / SR / 3))
    elif kind == "epiano":
        t = np.arange(n, dtype=np.float32) / SR
        index = np.float32(1.6 * b) * np.exp(np.float32(-6.0) * t)
        wave = np.sin(np.float32(2 * np.pi * f) * t + index * np.sin(np.float32(2 * np.pi * f) * t))
        wave *= np.exp(np.float32(-1.3) * t)
        env = _envelope(n, 0.004, min(0.1, n / SR / 3))
    elif kind == "bell":
        t = np.arange(n, dtype=np.float32) / SR
        index = np.float32(2.5 * b) * np.exp(np.float32(-3.0) * t)
        wave = np.sin(
            np.float32(2 * np.pi * f) * t + index * np.sin(np.float32(2 * np.pi * f * 3.5) * t)
        )
        wave *= np.exp(np.float32(-2.2) * t)
        env = _envelope(n, 0.002, min(0.1, n / SR / 3))
    elif kind in ("guitar", "pluck", "slap"):
        amps = [1.0, 0.7 * b, 0.5 * b, 0.35 * b, 0.25 * b, 0.18 * b, 0.12 * b, 0.08 * b]
        base = 3.0 if kind == "slap" else 1.6
        decays = [base + 1.6 * h for h in range(1, 9)]
        wave = _additive(f, n, amps, decays, inharm=0.0002)
        env = _envelope(n, 0.002, min(0.05, n / SR / 3))
    elif kind == "distorted":
        amps = [1.0, 0.5, 0.33, 0.25, 0.2, 0.16]
        wave = _additive(f, n, amps, [0.6] * 6) + _additive(f * 1.5, n, amps, [0.6] * 6) * 0.8
        wave = np.tanh(wave * np.float32(3.0)).astype(np.float32) * np.float32(0.6)
        env = _envelope(n, 0.004, min(0.04, n / SR / 3))
    elif kind in ("pad", "strings", "organ"):
        detune = (0.0,) if kind == "organ" else (-9.0, 0.0, 8.0)
        wave = _wavetable(kind, f, n, detune, vibrato=0.004 if kind == "strings" else 0.0)
        attack = {"pad": 0.35, "strings": 0.18, "organ": 0.01}[kind]
        env = _envelope(n, min(attack, n / SR / 3), min(0.25, n / SR / 3))
    elif kind == "flute":
        wave = _wavetable("organ", f, n, (0.0,), vibrato=0.006) * np.float32(0.3)
        wave += np.sin(np.float32(2 * np.pi * f) * np.arange(n, dtype=np.float32) / SR)
        env = _envelope(n, 0.05, min(0.08, n / SR / 3))
    elif kind == "synth":
        amps = [1.0, 0.5 * b, 0.33 * b, 0.25 * b, 0.2 * b, 0.16 * b, 0.13 * b, 0.11 * b]
        decays = [0.2 + 0.9 * h for h in range(8)]
        wave = _additive(f, n, amps, decays) + _additive(f * 1.006, n, amps, decays)
        env = _envelope(n, 0.006, min(0.06, n / SR / 3))
    elif kind == "sub":
        t = np.arange(n, dtype=np.float32) / SR
        wave = np.sin(np.float32(2 * np.pi * f) * t) + np.float32(0.15) * np.sin(
            np.float32(4 * np.pi * f) * t
        )
        env = _envelope(n, 0.008, min(0.06, n / SR / 3))
    elif kind == "808":
        t = np.arange(n, dtype=np.float32) / SR
        sweep = np.float32(f) * (1 + np.float32(1.5) * np.exp(np.float32(-40) * t))
        phase = np.cumsum(sweep, dtype=np.float32) * np.float32(2 * np.pi / SR)
        wave = np.tanh(np.float32(1.6) * np.sin(phase)) * np.exp(np.float32(-1.1) * t)
        env = _envelope(n, 0.002, min(0.05, n / SR / 3))
    elif kind == "upright":
        amps = [1.0, 0.45, 0.2, 0.1]
        wave = _additive(f, n, amps, [2.5, 4.0, 6.0, 8.0])
        env = _envelope(n, 0.01, min(0.06, n / SR / 3))
    else:  # "synth" bass and anything unknown: a filtered saw with a closing filter
        amps = [1.0, 0.5 * b, 0.33 * b, 0.25 * b, 0.2 * b, 0.16 * b]
        wave = _additive(f, n, amps, [0.5 + 2.5 * h for h in range(6)])
        env = _envelope(n, 0.004, min(0.05, n / SR / 3))
    out = (wave * env).astype(np.float32)
    peak = float(np.max(np.abs(out))) or 1.0
    out /= np.float32(peak)
    out.setflags(write=False)
    return out


def _noise(seed: int, name: str, n: int) -> np.ndarray:
    return rng_for("noise", seed, name).standard_normal(n).astype(np.float32)


def _highpass(x: np.ndarray) -> np.ndarray:
    y = np.empty_like(x)
    y[0] = x[0]
    y[1:] = x[1:] - x[:-1]
    return y


@lru_cache(maxsize=32)
def drum_kit(seed: int, lofi: bool = False) -> dict[str, np.ndarray]:
    """The drum sounds of one song (slightly different per seed), each read-only mono."""
    rng = rng_for("kit", seed)
    kit: dict[str, np.ndarray] = {}
    n = int(0.45 * SR)
    t = np.arange(n, dtype=np.float32) / SR
    top, bottom = rng.uniform(120, 170), rng.uniform(42, 55)
    freq = bottom + (top - bottom) * np.exp(-t * np.float32(rng.uniform(25, 40)))
    phase = np.cumsum(freq, dtype=np.float32) * np.float32(2 * np.pi / SR)
    kick = np.sin(phase) * np.exp(-t * np.float32(rng.uniform(6, 9)))
    kick[:60] += _noise(seed, "click", 60) * np.linspace(0.6, 0, 60, dtype=np.float32)
    kit["kick"] = kick

    n = int(0.3 * SR)
    t = t[:n]
    tone = np.sin(np.float32(2 * np.pi * rng.uniform(170, 210)) * t) * np.exp(-t * 25)
    snare_noise = _highpass(_noise(seed, "snare", n)) * np.exp(-t * np.float32(rng.uniform(14, 20)))
    kit["snare"] = tone * 0.6 + snare_noise * 0.5
    kit["rim"] = (np.sin(np.float32(2 * np.pi * 1700) * t) * np.exp(-t * 90) * 0.6).astype(
        np.float32
    )
    clap = _highpass(_noise(seed, "clap", n)) * np.exp(-t * 18)
    for k in (0.0, 0.011, 0.022):
        s = int(k * SR)
        clap[s : s + 200] *= 1.8
    kit["clap"] = clap * 0.6

    for name, seconds, rate in (("hat", 0.08, 70.0), ("open", 0.4, 9.0)):
        n = int(seconds * SR)
        tt = np.arange(n, dtype=np.float32) / SR
        kit[name] = _highpass(_highpass(_noise(seed, name, n))) * np.exp(-tt * rate) * 0.25

    n = int(1.6 * SR)
    tt = np.arange(n, dtype=np.float32) / SR
    metal = sum(np.sin(np.float32(2 * np.pi * f) * tt) for f in rng.uniform(3000, 8000, 6)).astype(
        np.float32
    )
    kit["ride"] = (metal * 0.08 + _highpass(_noise(seed, "ride", n)) * 0.05) * np.exp(-tt * 2.5)
    kit["crash"] = (metal * 0.05 + _highpass(_noise(seed, "crash", n)) * 0.18) * np.exp(-tt * 2.0)

    for name, wave in kit.items():
        wave = np.asarray(wave, dtype=np.float32)
        if lofi:
            wave = np.round(wave * 24) / 24  # a touch of bit crush
        wave = wave / np.float32(np.max(np.abs(wave)) or 1.0)
        wave.setflags(write=False)
        kit[name] = wave
    return kit


@lru_cache(maxsize=128)
def chord(kind: str, notes: tuple[int, ...], n: int, bright: float = 1.0, spread: int = 0):
    """Several notes struck together (each `spread` frames after the last: a strum); read-only.

    Chords repeat with the progression, so summing them once saves most of the mixing work.
    """
    out = np.zeros(n + spread * max(len(notes) - 1, 0), dtype=np.float32)
    for k, midi in enumerate(notes):
        out[k * spread : k * spread + n] += note(kind, midi, n, bright)
    out.setflags(write=False)
    return out
