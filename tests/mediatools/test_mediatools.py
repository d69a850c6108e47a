"""The shared audio helpers: WAV read in numpy at any width, the rest through ffmpeg, peaks."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest

import mediatools

RATE = 44100


def pcm_wav(samples: np.ndarray, rate: int = RATE, width: int = 2) -> bytes:
    """A WAV written by the standard library from float (n, channels) samples."""
    scale = float(2 ** (8 * width - 1) - 1)
    ints = np.round(samples * scale).astype(np.int64)
    if width == 1:
        raw = (ints + 128).astype(np.uint8).tobytes()
    elif width == 3:
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints.ravel())
    else:
        raw = ints.astype(f"<i{width}").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return buf.getvalue()


def tone(seconds: float = 0.5, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    return np.stack([left, -0.25 * np.sin(2 * np.pi * 220 * t)], axis=1).astype(np.float32)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_pcm_wav_of_every_width_reads_in_numpy(width):
    x = tone(0.05)
    samples, rate = mediatools.read_wav(pcm_wav(x, width=width))
    assert rate == RATE
    assert samples.shape == x.shape
    assert samples.dtype == np.float32
    assert np.allclose(samples, x, atol=2.0 / 2 ** (8 * width - 1) + 1e-6)


def test_float_and_extensible_wav():
    x = tone(0.05)
    body = x.astype("<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 2, RATE, RATE * 8, 8, 32)
    data = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt " + struct.pack("<I", 16)
    data += fmt + b"data" + struct.pack("<I", len(body)) + body
    samples, _ = mediatools.read_wav(data)
    assert np.array_equal(samples, x)
    # WAVE_FORMAT_EXTENSIBLE: the real tag sits in the sub-format GUID.
    ext = struct.pack("<HHIIHHHHIH", 0xFFFE, 2, RATE, RATE * 8, 8, 32, 22, 32, 3, 3) + bytes(14)
    data = b"RIFF" + struct.pack("<I", 4 + 8 + len(ext) + 8 + len(body)) + b"WAVEfmt "
    data += struct.pack("<I", len(ext)) + ext + b"data" + struct.pack("<I", len(body)) + body
    assert np.array_equal(mediatools.read_wav(data)[0], x)


def test_decode_mixes_down_keeps_a_wav_rate_on_request_and_resamples_otherwise():
    x = tone(1.0, rate=22050)
    data = pcm_wav(x, rate=22050)
    mono, rate = mediatools.decode(data, channels=1, rate=8000, any_wav_rate=True)
    assert rate == 22050
    assert mono.shape == (22050, 1)
    assert np.allclose(mono[:, 0], x.mean(axis=1), atol=1e-4)
    stereo, rate = mediatools.decode(data, channels=2, rate=RATE)  # through ffmpeg
    assert rate == RATE
    assert abs(len(stereo) - RATE) < 50
    assert stereo.shape[1] == 2
    assert 0.4 < float(np.abs(stereo[:, 0]).max()) < 0.6


def test_not_audio_is_a_decode_error_with_ffmpegs_reason():
    with pytest.raises(mediatools.DecodeError) as caught:
        mediatools.decode(b"this is not audio at all", channels=1, rate=8000)
    assert caught.value.reason
    assert isinstance(caught.value, ValueError)
    assert mediatools.read_wav(b"RIFF\x00\x00\x00\x00WAVEjunk") is None


def test_peaks():
    x = np.zeros((1000, 2), dtype=np.float32)
    x[500, 1] = -0.5
    x[900, 0] = 0.25
    p = mediatools.peaks(x, count=10)
    assert len(p) == 10
    assert p[5] == 1.0
    assert p[9] == 0.5
    assert p[0] == 0.0
    assert mediatools.peaks(np.zeros(50), count=4) == [0.0] * 4
    assert mediatools.peaks(np.zeros(0), count=3) == [0.0] * 3
    assert len(mediatools.peaks(np.ones(3), count=8)) == 8
    mono = np.sin(np.linspace(0, 20, 10_000)) * np.linspace(0, 1, 10_000)
    assert mediatools.peaks(mono)[-1] == 1.0
    assert len(mediatools.peaks(mono)) == 200
