"""Media encoders and decoders: every file decodes to what was rendered."""

from __future__ import annotations

import io
import re
import subprocess
import wave
from functools import cache

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from emulator import media
from emulator.synth import SAMPLE_RATE, STEM_NAMES, Audio, decode_audio, duration, render

RECIPE = {"op": "music", "seed": 3, "prompt": "fast energetic drum and bass", "lyrics": "go go go"}


@cache
def song() -> Audio:
    return render(RECIPE)


def five_seconds() -> Audio:
    return Audio({name: stem[: 5 * SAMPLE_RATE] for name, stem in song().stems.items()})


def test_wav_decodes_with_stdlib_to_the_right_length():
    audio = song()
    for stem in (None, "drums"):
        with wave.open(io.BytesIO(media.wav_bytes(audio, stem))) as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, SAMPLE_RATE)
            assert w.getnframes() == audio.frames
            assert abs(w.getnframes() / SAMPLE_RATE - duration(RECIPE)) < 0.001
            frames = np.frombuffer(w.readframes(SAMPLE_RATE), "<i2").reshape(-1, 2)
        expected = (audio.mix if stem is None else audio.stems[stem])[:SAMPLE_RATE]
        assert np.allclose(frames / 32767, expected, atol=1e-4)
    with pytest.raises(KeyError):
        media.wav_bytes(audio, "kazoo")


def test_mp3_decodes_through_ffmpeg_to_the_duration():
    audio = song()
    data = media.mp3_bytes(audio)
    assert data[:3] == b"ID3" or data[0] == 0xFF
    decoded = decode_audio(data)
    assert abs(decoded.seconds - audio.seconds) < 0.1
    assert float(np.sqrt(np.mean(decoded.mix**2))) > 0.03
    vocals = decode_audio(media.mp3_bytes(audio, "vocals"))
    assert abs(vocals.seconds - audio.seconds) < 0.1


def test_cover_is_a_real_deterministic_image():
    data = media.cover_png(RECIPE, size=256)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (256, 256)
    assert np.asarray(image.convert("L")).std() > 5, "a flat picture"
    assert media.cover_png(RECIPE, size=256) == data
    assert media.cover_png({**RECIPE, "seed": 4}, size=256) != data
    child = {"op": "extend", "parent": RECIPE, "starts": 5}
    assert Image.open(io.BytesIO(media.cover_png(child))).size == (512, 512)


@pytest.mark.parametrize("preset", ["simple", "player", "modern"])
def test_video_has_video_and_audio_of_the_song_length(preset, tmp_path):
    cover = media.cover_png(RECIPE, size=256)
    data = media.video_mp4(five_seconds(), cover, preset=preset, title="Night Drive")
    path = tmp_path / "v.mp4"
    path.write_bytes(data)
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    info = probe.stderr
    assert re.search(r"Video: h264.*yuv420p", info), info
    assert "Audio: aac" in info, info
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    assert abs(int(hours) * 3600 + int(minutes) * 60 + float(seconds) - 5.0) < 0.5
    assert data.index(b"moov") < data.index(b"mdat"), "not faststart"


def test_decode_wav_fast_path_mono_and_band_split():
    clip = five_seconds()
    decoded = decode_audio(media.wav_bytes(clip))
    assert decoded.frames == clip.frames
    assert set(decoded.stems) == set(STEM_NAMES)
    total = sum(decoded.stems.values())
    assert np.allclose(total, clip.mix, atol=1e-4)
    assert float(np.abs(decoded.stems["bass"]).max()) > 0.01

    mono = (clip.mix[:, 0] * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)  # another rate: goes through ffmpeg
        w.writeframes(mono.tobytes())
    resampled = decode_audio(buf.getvalue())
    assert abs(resampled.seconds - 10.0) < 0.01
    with pytest.raises(ValueError):
        decode_audio(b"this is not audio at all")


def test_streamed_wav_header_without_sizes_decodes():
    clip = five_seconds()
    data = bytearray(media.wav_bytes(clip))
    data[40:44] = b"\xff\xff\xff\xff"  # what a pipe writer leaves in the data size
    assert decode_audio(bytes(data)).frames == clip.frames
