"""Decoding audio files into float samples: WAV in numpy, anything else through ffmpeg."""

from __future__ import annotations

import struct
import subprocess
import tempfile

import numpy as np

FFMPEG_TIMEOUT = 600  # seconds; a long song decodes in a few


class DecodeError(ValueError):
    """The data is not audio ffmpeg can read; `reason` is ffmpeg's last word on it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"not audio ffmpeg can read: {reason}")


def ffmpeg_exe() -> str:
    import imageio_ffmpeg  # finding (or unpacking) the binary is slow: only when needed

    return imageio_ffmpeg.get_ffmpeg_exe()


def _fmt_and_body(data: bytes) -> tuple[tuple, bytes] | None:
    """The `fmt ` fields and the sample bytes of a RIFF/WAVE file, or None."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunk = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt " and len(chunk) >= 16:
            fmt = struct.unpack("<HHIIHH", chunk[:16])
            if fmt[0] == 0xFFFE and len(chunk) >= 26:  # extensible: the real tag is in the GUID
                fmt = (struct.unpack("<H", chunk[24:26])[0], *fmt[1:])
        elif cid == b"data":
            if fmt is None:
                return None
            # A streamed WAV may say 0 or 0xFFFFFFFF here: then the data runs to the end.
            body = chunk if 0 < size <= len(data) - pos - 8 else data[pos + 8 :]
            return fmt, body
        pos += 8 + size + (size & 1)
    return None


def read_wav(data: bytes) -> tuple[np.ndarray, int] | None:
    """Float32 samples (frames, channels) and the rate of a PCM or float WAV.

    None when it is not a WAV numpy can read (another encoding, a broken header): the
    caller then lets ffmpeg try.
    """
    found = _fmt_and_body(data)
    if found is None:
        return None
    (tag, channels, rate, _, _, bits), body = found
    if rate <= 0 or channels < 1:
        return None
    width = bits // 8
    body = body[: len(body) // (width * channels) * width * channels] if width else b""
    if tag == 1 and bits == 8:
        x = (np.frombuffer(body, np.uint8).astype(np.float32) - 128) / 128
    elif tag == 1 and bits == 16:
        x = np.frombuffer(body, "<i2").astype(np.float32) / 32768
    elif tag == 1 and bits == 24:
        b = np.frombuffer(body, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = (np.where(v >= 1 << 23, v - (1 << 24), v) / 2**23).astype(np.float32)
    elif tag == 1 and bits == 32:
        x = (np.frombuffer(body, "<i4") / 2**31).astype(np.float32)
    elif tag == 3 and bits == 32:
        x = np.frombuffer(body, "<f4").astype(np.float32)
    else:
        return None
    return x.reshape(-1, channels), rate


def _ffmpeg(data: bytes, channels: int, rate: int, max_seconds: float | None) -> np.ndarray:
    with tempfile.NamedTemporaryFile(prefix="decode-") as source:
        source.write(data)
        source.flush()
        command = [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", source.name,
            *(["-t", f"{max_seconds:g}"] if max_seconds else []),
            "-vn", "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(rate),
            "pipe:1",
        ]  # fmt: skip
        done = subprocess.run(  # noqa: S603 (our own arguments)
            command, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False
        )
    if done.returncode != 0 or len(done.stdout) < 4 * channels:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise DecodeError((lines[-1] if lines else "no audio")[:200])
    x = np.frombuffer(done.stdout[: len(done.stdout) // (4 * channels) * 4 * channels], "<f4")
    return x.reshape(-1, channels).copy()


def _channels(x: np.ndarray, channels: int) -> np.ndarray:
    if x.shape[1] == channels:
        return x
    if channels == 1:
        return x.mean(axis=1, keepdims=True, dtype=np.float32)
    if x.shape[1] == 1:
        return np.repeat(x, channels, axis=1)
    return x[:, :channels]


def decode(
    data: bytes,
    *,
    channels: int,
    rate: int,
    any_wav_rate: bool = False,
    max_seconds: float | None = None,
) -> tuple[np.ndarray, int]:
    """Float32 samples (frames, `channels`) and their rate, from any audio ffmpeg reads.

    A WAV at `rate` (at any rate with `any_wav_rate`) is read in numpy, sample for sample;
    anything else is decoded and resampled to `rate` by ffmpeg. Only the first
    `max_seconds` are decoded, when given: a small file cannot expand into hours of
    samples. Raises DecodeError.
    """
    wav = read_wav(data)
    if wav is not None and (any_wav_rate or wav[1] == rate):
        samples, found_rate = wav
        if max_seconds:
            samples = samples[: int(found_rate * max_seconds)]
        return np.ascontiguousarray(_channels(samples, channels), dtype=np.float32), found_rate
    return _ffmpeg(data, channels, rate, max_seconds), rate
