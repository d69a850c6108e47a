"""What the emulator's URLs serve: real audio, images and video, with Range support."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from emulator.synth import SAMPLE_RATE, decode_audio

from .helpers import run, song


def get(emulator, url: str, **headers):
    response = emulator.http().get(url, headers=headers)
    assert response.status_code in (200, 206), (url, response.status_code)
    return response


def wav(emulator, url: str) -> np.ndarray:
    response = get(emulator, url)
    assert response.headers["content-type"] == "audio/wav"
    return decode_audio(response.content).mix


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.fixture
def tune(emulator) -> dict:
    return song(emulator, sound_prompt="bright pop with drums", lyrics_text="[Verse]\nSing it now")


def test_mp3_matches_its_duration_and_is_not_silent(emulator, tune):
    response = get(emulator, tune["audioUrl"])
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["accept-ranges"] == "bytes"
    audio = decode_audio(response.content)
    assert abs(audio.seconds - float(tune["durations"])) < 0.1
    assert rms(audio.mix) > 0.01

    part = get(emulator, tune["audioUrl"], Range="bytes=1000-4999")
    assert part.status_code == 206
    assert part.content == response.content[1000:5000]
    assert part.headers["content-range"] == f"bytes 1000-4999/{len(response.content)}"
    again = get(emulator, tune["audioUrl"])  # served from the cache, identical
    assert again.content == response.content


def test_cover_is_a_real_png_and_wav_has_the_exact_length(emulator, tune):
    cover = get(emulator, tune["imageUrl"])
    assert cover.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(cover.content))
    assert image.format == "PNG"
    assert image.size[0] == image.size[1] >= 256

    download = run(emulator, "download", {"music_id": tune["musicId"], "format": "wav"})
    samples = wav(emulator, download["data"]["url"])
    assert len(samples) / SAMPLE_RATE == pytest.approx(float(tune["durations"]), abs=0.01)


def test_files_of_unknown_or_unfinished_songs_are_404(emulator, tune):
    http = emulator.http()
    base = tune["audioUrl"].rsplit("/", 1)[0]
    assert http.get(f"{base}/secrets.txt").status_code == 404
    assert http.get(base.replace(tune["musicId"][:8], "00000000") + "/audio.mp3").status_code == 404


def test_extend_keeps_the_parents_first_seconds(emulator, tune):
    starts = 8.0
    result = run(
        emulator, "extend", {"music_id": tune["musicId"], "starts": starts, "sound_prompt": "go on"}
    )
    child = result["data"]["musics"][0]
    parent_wav = run(emulator, "download", {"music_id": tune["musicId"], "format": "wav"})
    child_wav = run(emulator, "download", {"music_id": child["musicId"], "format": "wav"})
    parent = wav(emulator, parent_wav["data"]["url"])
    extended = wav(emulator, child_wav["data"]["url"])
    keep = int((starts - 0.05) * SAMPLE_RATE)
    assert np.abs(parent[:keep] - extended[:keep]).max() < 2e-3
    assert len(extended) / SAMPLE_RATE == pytest.approx(float(child["durations"]), abs=0.01)
    assert rms(extended[keep + SAMPLE_RATE :]) > 0.01  # it goes on after the splice


def test_stems_sum_close_to_the_mix(emulator, tune):
    result = run(emulator, "stems", {"music_id": tune["musicId"]})
    stems = []
    for stem in result["data"]["musics"]:
        url = run(emulator, "download", {"music_id": stem["musicId"], "format": "wav"})
        stems.append(wav(emulator, url["data"]["url"]))
    mix = wav(
        emulator,
        run(emulator, "download", {"music_id": tune["musicId"], "format": "wav"})["data"]["url"],
    )
    total = np.sum(stems, axis=0)
    assert rms(total - mix) / rms(mix) < 0.05
    assert all(rms(s) > 0.001 for s in stems)  # vocals, drums, bass and other all sound


def test_video_is_an_mp4(emulator, tune):
    result = run(emulator, "generate-video", {"music_id": tune["musicId"], "preset": "simple"})
    response = get(emulator, result["data"]["videoUrl"])
    assert response.headers["content-type"] == "video/mp4"
    assert response.content[4:8] == b"ftyp"
    assert len(response.content) > 10_000


def test_upload_of_the_emulators_own_file_is_a_usable_parent(emulator, tune):
    uploaded = run(emulator, "upload", {"audio_url": tune["audioUrl"]})
    assert uploaded["status"] == "SUCCESS", uploaded
    assert uploaded["data"]["quota"] == "0"
    [music] = uploaded["data"]["musics"]
    assert abs(float(music["durations"]) - float(tune["durations"])) < 0.1

    extended = run(
        emulator, "extend", {"music_id": music["musicId"], "starts": 5, "sound_prompt": "more"}
    )
    assert extended["status"] == "SUCCESS", extended
    child = extended["data"]["musics"][0]
    audio = decode_audio(get(emulator, child["audioUrl"]).content)
    assert abs(audio.seconds - float(child["durations"])) < 0.1
