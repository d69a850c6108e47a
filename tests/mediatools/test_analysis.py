"""Tempo, key and loudness of audio made here, whose answers are known.

Loudness is checked against ffmpeg's ebur128 filter (the binary imageio-ffmpeg ships), an
implementation independent of libebur128 and of the true-peak interpolator measured here.
"""

from __future__ import annotations

import math
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import mediatools
from mediatools import analysis

RATE = 44100


def float_wav(samples: np.ndarray, rate: int = RATE) -> bytes:
    """A 32-bit float WAV of (n, channels) samples, written by hand (no rounding)."""
    body = np.ascontiguousarray(samples, "<f4").tobytes()
    channels = samples.shape[1]
    fmt = struct.pack("<HHIIHH", 3, channels, rate, rate * 4 * channels, 4 * channels, 32)
    return (
        b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(body)) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", len(body)) + body
    )  # fmt: skip


def ffmpeg_ebur128(samples: np.ndarray, rate: int = RATE) -> dict[str, float]:
    """ffmpeg's own EBU R 128 summary: I (LUFS), LRA (LU) and true peak (dBTP)."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        f.write(float_wav(samples, rate))
        f.flush()
        done = subprocess.run(
            [mediatools.ffmpeg_exe(), "-hide_banner", "-nostats", "-i", f.name,
             "-af", "ebur128=peak=true", "-f", "null", "-"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    summary = done.stderr[done.stderr.rindex("Summary:") :]
    found = {
        name: float(re.search(rf"{label}:\s+(-?[\d.]+|-inf)", summary).group(1))
        for name, label in (("I", "I"), ("LRA", "LRA"), ("peak", "Peak"))
    }
    return found


def sine(freq: float, seconds: float, amplitude: float, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def stereo(mono: np.ndarray) -> np.ndarray:
    return np.stack([mono, mono], axis=1)


@pytest.mark.parametrize("target", [-14.0, -23.0])
def test_integrated_loudness_of_a_tone_matches_ffmpeg(target):
    # At 1 kHz the K-weighting's gain and BS.1770's -0.691 offset cancel: a stereo sine of
    # amplitude A sits at 20 log10(A) LUFS.
    x = stereo(sine(1000, 5, 10 ** (target / 20)))
    lufs, lra = analysis.loudness(x, RATE)
    reference = ffmpeg_ebur128(x)
    assert abs(lufs - reference["I"]) <= 0.5
    assert abs(lufs - target) <= 0.1
    assert lra == pytest.approx(0, abs=0.5)


def test_loudness_range_of_a_loud_and_a_quiet_half_matches_ffmpeg():
    loud = sine(440, 8, 0.3) + sine(660, 8, 0.1)
    x = stereo(np.concatenate([loud, loud * 10 ** (-8 / 20)]))
    lufs, lra = analysis.loudness(x, RATE)
    reference = ffmpeg_ebur128(x)
    assert abs(lufs - reference["I"]) <= 0.5
    assert abs(lra - reference["LRA"]) <= 0.5
    assert 6.5 < lra < 9.5  # two levels 8 LU apart


@pytest.mark.parametrize(
    ("freq", "phase", "sample_peak"),
    [
        # A quarter-rate sine at 45 degrees: every sample lands at 0.707 of the crest.
        (RATE / 4, math.pi / 4, -9.03),
        # A sixth-rate sine from 0: samples at 0 and 0.866 of the crest.
        (RATE / 6, 0.0, -7.27),
    ],
)
def test_true_peak_finds_the_peak_between_samples(freq, phase, sample_peak):
    # The wave itself reaches 0.5 (-6.02 dBTP) while no sample does. BS.1770's 4x
    # interpolator is allowed a few tenths of a dB here; ffmpeg's reads these 0.6 to 0.7 dB
    # high, so the exact value is the reference.
    x = stereo(sine(freq, 2, 0.5, phase=phase))
    assert 20 * math.log10(float(np.abs(x).max())) == pytest.approx(sample_peak, abs=0.01)
    assert analysis.true_peak(x) == pytest.approx(-6.02, abs=0.35)


def test_true_peak_of_music_matches_ffmpeg():
    x = stereo(np.concatenate([chord(c, 1.0) for c in A_MINOR]) + click_track(128, 4) * 0.5)
    assert abs(analysis.true_peak(x) - ffmpeg_ebur128(x)["peak"]) <= 0.5


def test_true_peak_of_a_low_tone_is_its_sample_peak():
    x = sine(100, 1, 0.25)  # mono (n,) is accepted too
    assert analysis.true_peak(x) == pytest.approx(20 * math.log10(0.25), abs=0.05)


def click_track(bpm: float, seconds: float) -> np.ndarray:
    x = np.zeros(int(seconds * RATE), np.float32)
    click = sine(1500, 0.02, 0.8) * np.exp(-np.arange(int(0.02 * RATE)) / 150).astype(np.float32)
    for beat in np.arange(0, seconds, 60 / bpm):
        start = round(beat * RATE)
        part = x[start : start + len(click)]
        part += click[: len(part)]
    return x


@pytest.mark.parametrize("bpm", [128.0, 93.0])
def test_tempo_of_a_click_track(bpm):
    result = analysis.analyse(stereo(click_track(bpm, 8)), RATE)
    assert abs(result.bpm - bpm) <= 1.0


def chord(midi_notes: tuple[int, ...], seconds: float) -> np.ndarray:
    """Piano-like notes: a few decaying harmonics each."""
    t = np.arange(int(seconds * RATE)) / RATE
    out = np.zeros_like(t)
    for note in midi_notes:
        f = 440 * 2 ** ((note - 69) / 12)
        for harmonic, weight in ((1, 1.0), (2, 0.5), (3, 0.25), (4, 0.12)):
            out += weight * np.sin(2 * np.pi * f * harmonic * t)
    return (0.08 * out * np.exp(-t * 1.5)).astype(np.float32)


# i - iv - V - i, with the V's raised leading tone (G#): A minor, not its relative C major.
A_MINOR = ((45, 57, 60, 64), (50, 57, 62, 65), (40, 56, 59, 64), (45, 57, 60, 64))
C_MAJOR = ((48, 60, 64, 67), (53, 60, 65, 69), (43, 59, 62, 67), (48, 60, 64, 67))


@pytest.mark.parametrize(("progression", "expected"), [(A_MINOR, "A minor"), (C_MAJOR, "C major")])
def test_key_of_a_chord_progression(progression, expected):
    x = np.concatenate([chord(c, 1.0) for c in progression * 2])
    result = analysis.analyse(stereo(x), RATE)
    assert result.key == expected
    assert (result.tonic, result.mode) == tuple(expected.split())


def test_a_file_is_decoded_and_analysed():
    x = stereo(click_track(128, 6) + np.concatenate([chord(c, 1.5) for c in A_MINOR]))
    result = analysis.analyse_file(float_wav(x))
    assert result.seconds == pytest.approx(6.0)
    assert abs(result.bpm - 128) <= 1
    assert result.key == "A minor"
    assert result.lufs is not None
    assert result.true_peak is not None
    assert result.lra is not None
    with pytest.raises(mediatools.DecodeError):
        analysis.analyse_file(b"not audio")


def test_silence_has_no_figures_and_bad_input_is_refused():
    result = analysis.analyse(np.zeros((RATE * 4, 2), np.float32), RATE)
    assert (result.bpm, result.key, result.lufs, result.lra, result.true_peak) == (None,) * 5
    with pytest.raises(ValueError, match="rate"):
        analysis.analyse(np.zeros(RATE, np.float32), 0)
    with pytest.raises(ValueError, match="finite"):
        analysis.analyse(np.full(RATE, np.nan, np.float32), RATE)


def test_noise_has_loudness_but_no_tempo_or_key():
    noise = np.random.default_rng(7).standard_normal((RATE * 3, 2)).astype(np.float32) * 0.1
    result = analysis.analyse(noise, RATE)
    assert (result.bpm, result.key) == (None, None)
    assert result.lufs is not None
    assert result.true_peak is not None


def test_gain_to_a_target_respects_the_true_peak_ceiling():
    assert analysis.normalisation_gain(-23.0, -10.0) == pytest.approx(9.0)  # peak ends at -1
    assert analysis.normalisation_gain(-20.0, -3.0) == pytest.approx(2.0)  # the ceiling binds
    assert analysis.normalisation_gain(-9.0, -0.2) == pytest.approx(-5.0)  # turned down
    assert analysis.normalisation_gain(None, None) == 0.0


def test_normalised_copy_measures_the_target_by_ffmpeg():
    x = stereo(sine(440, 5, 10 ** (-23 / 20)) + sine(1000, 5, 0.02))
    out, gain = analysis.normalised(x, RATE, target=-14.0, ceiling=-1.0)
    assert out.shape == x.shape
    assert out.dtype == np.float32
    assert gain > 0
    assert np.array_equal(x, stereo(sine(440, 5, 10 ** (-23 / 20)) + sine(1000, 5, 0.02)))
    reference = ffmpeg_ebur128(out)
    assert abs(reference["I"] - -14.0) <= 0.5
    assert reference["peak"] <= -1.0 + 0.1
    # A spiky signal: the ceiling, not the target, sets the gain.
    spiky = stereo(click_track(120, 5) * 0.5)
    out, gain = analysis.normalised(spiky, RATE)
    assert analysis.true_peak(out) == pytest.approx(-1.0, abs=0.02)
    assert analysis.loudness(out, RATE)[0] < -14.0


def test_importing_mediatools_loads_no_analysis_library():
    code = (
        "import sys, mediatools, mediatools.analysis, mediatools.tags; "
        "print(sorted(m for m in ('pyebur128', 'mutagen') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
