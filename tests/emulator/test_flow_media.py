"""Flow Music's media properties: the requested length and tempo, an extend that keeps its
source sample for sample, a replace that changes only its span, a cover steered by the
instruction's words, stems that sum to the mix, 44.1 kHz stereo MP3."""

from __future__ import annotations

import numpy as np
import pytest

import mediatools
from emulator.synth import SAMPLE_RATE, render
from emulator.synth.ops import score

from .helpers import clip, flow_run
from .measure import relative_error, residual, tempo

SR = SAMPLE_RATE


def wav(emulator, url: str) -> np.ndarray:
    response = emulator.http().get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    samples, rate = mediatools.decode(response.content, channels=2, rate=SR)
    assert rate == SR
    return samples


def only_clip(result: dict) -> dict:
    assert result["status"] == "SUCCESS", result
    [item] = result["data"]["clips"]
    return item


@pytest.mark.parametrize("seconds", [1, 7, 31])
def test_generation_has_the_requested_length(emulator, seconds):
    item = clip(emulator, length=seconds, sound_prompt="funky bass groove")
    assert item["duration"] == seconds
    assert len(wav(emulator, item["wav_url"])) == seconds * SR
    mp3 = emulator.http().get(item["audio_url"]).content
    decoded, _ = mediatools.decode(mp3, channels=2, rate=SR)
    assert abs(len(decoded) / SR - seconds) < 0.1


def test_mp3_is_44100_hz_stereo():
    from emulator import media

    data = media.mp3_bytes(render({"op": "music", "seed": 1, "prompt": "pop", "length": 2}))
    sync = next(i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] & 0xE0 == 0xE0)
    header = data[sync : sync + 4]
    version, rate_index, mode = (header[1] >> 3) & 3, (header[2] >> 2) & 3, header[3] >> 6
    assert (version, rate_index) == (3, 0)  # MPEG-1, 44100 Hz
    assert mode != 3  # not mono


@pytest.mark.parametrize(
    ("prompt", "bpm"),
    [("upbeat pop with drums", 128), ("calm ambient pads", 72), ("trap", 150), ("rock", 95)],
)
def test_generation_plays_the_requested_tempo(prompt, bpm):
    audio = render({"op": "music", "seed": "4", "prompt": prompt, "bpm": str(bpm), "length": 20})
    assert relative_error(tempo(audio.mix.mean(axis=1), SR, near=bpm), bpm) < 0.03


def test_extend_keeps_the_source_sample_for_sample_and_adds_extend_s(emulator):
    source = clip(emulator, length=15, bpm="110")
    extended = only_clip(
        flow_run(emulator, "extend", {"clip_id": source["clip_id"], "extend_from_s": 9.5,
                                      "extend_s": 12, "instruction": "a big chorus"})
    )  # fmt: skip
    before, after = wav(emulator, source["wav_url"]), wav(emulator, extended["wav_url"])
    join = round(9.5 * SR)
    assert len(after) == join + 12 * SR
    assert np.array_equal(after[:join], before[:join])
    assert not np.array_equal(after[join : join + SR], before[join : join + SR])
    assert float(np.abs(after[join:]).max()) > 0.05  # the added seconds are music


def test_replace_changes_only_its_span(emulator):
    source = clip(emulator, length=12)
    replaced = only_clip(
        flow_run(emulator, "replace", {"clip_id": source["clip_id"], "start_s": 3, "end_s": 7.25,
                                       "instruction": "a quiet piano break"})
    )  # fmt: skip
    before, after = wav(emulator, source["wav_url"]), wav(emulator, replaced["wav_url"])
    lo, hi = 3 * SR, round(7.25 * SR)
    assert len(after) == len(before)
    assert np.array_equal(after[:lo], before[:lo])
    assert np.array_equal(after[hi:], before[hi:])
    assert residual([after[lo:hi]], before[lo:hi]) > 0.3


def test_cover_follows_the_instructions_words():
    source = {"op": "music", "seed": "9", "prompt": "upbeat pop with drums", "length": 8}
    jazz = {"op": "cover", "parent": source, "seed": "1", "prompt": "Change this song to jazz"}
    metal = {**jazz, "prompt": "Make it heavy metal"}
    assert score(jazz)[1][0].plan.style.genre == "jazz"
    assert score(metal)[1][0].plan.style.genre == "metal"
    a, b = render(jazz), render(metal)
    assert a.frames == b.frames == render(source).frames
    assert residual([a.mix], b.mix) > 0.3


def test_stems_sum_to_the_mix(emulator):
    source = clip(emulator, length=6, sound_prompt="rock anthem")
    result = flow_run(emulator, "stems", {"clip_id": source["clip_id"]})
    stems = [wav(emulator, c["wav_url"]) for c in result["data"]["clips"]]
    mix = wav(emulator, source["wav_url"])
    assert all(len(s) == len(mix) for s in stems)
    assert residual(stems, mix) < 0.01  # 16-bit rounding of five files
    assert all(float(np.abs(s).max()) > 0.01 for s in stems[:2])  # drums and bass play
