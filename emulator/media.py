"""Encoders and decoders for the emulator's media: WAV, MP3, cover art, video."""

from __future__ import annotations

import numpy as np

from emulator.synth import Audio


def wav_bytes(audio: Audio, stem: str | None = None) -> bytes:
    """16-bit PCM stereo WAV of the mix, or of one stem."""
    raise NotImplementedError


def mp3_bytes(audio: Audio, stem: str | None = None) -> bytes:
    """MP3 (lameenc) of the mix, or of one stem."""
    raise NotImplementedError


def cover_png(recipe: dict, size: int = 512) -> bytes:
    """Deterministic square cover art: colours and shapes from the seed and the prompt's mood."""
    raise NotImplementedError


def video_mp4(audio: Audio, cover: bytes, preset: str = "simple", title: str = "") -> bytes:
    """Playable MP4 (H.264 + AAC, yuv420p, faststart) of the cover and the mix.

    Presets: "simple" (still cover), "player" (cover + progress bar), "modern" (cover + an
    animated waveform).
    """
    raise NotImplementedError


def decode_audio(data: bytes) -> Audio:
    """Decode any audio ffmpeg reads (WAV through a numpy fast path) into an `Audio`."""
    raise NotImplementedError


def peaks(samples: np.ndarray, count: int = 200) -> list[float]:
    """Max-abs per bucket, normalised to 0..1, for waveform pictures."""
    raise NotImplementedError
