"""The synthesiser: determinism, exact durations, and what each recipe op keeps or changes."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

from emulator.media import wav_bytes
from emulator.synth import SAMPLE_RATE, STEM_NAMES, Audio, duration, render
from emulator.synth.ops import FADE, score

LYRICS = "[Verse]\nI walk alone beneath the rain\nand call your name again\n[Chorus]\nOh my love"


def _short_seed(prompt: str, lyrics: str = "", instrumental: bool = False) -> int:
    """A seed whose song is short, so the tests stay quick."""
    recipes = (
        {"op": "music", "seed": s, "prompt": prompt, "lyrics": lyrics, "instrumental": instrumental}
        for s in range(60)
    )
    return min(recipes, key=duration)["seed"]


SONG = {"op": "music", "seed": _short_seed("lofi hip hop", LYRICS), "prompt": "lofi hip hop",
        "lyrics": LYRICS}  # fmt: skip
INSTRUMENTAL = {"op": "music", "seed": _short_seed("rock guitar", "", True),
                "prompt": "rock guitar", "instrumental": True}  # fmt: skip


@cache
def _render(key: str) -> Audio:
    return render(json.loads(key))


def rendered(recipe: dict) -> Audio:
    return _render(json.dumps(recipe, sort_keys=True))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


OPS = {
    "music": SONG,
    "instrumental": INSTRUMENTAL,
    "extend": {"op": "extend", "parent": SONG, "starts": 12.5, "prompt": "jazz", "seed": 9},
    "extend_past_end": {"op": "extend", "parent": INSTRUMENTAL, "starts": 999, "seed": 4},
    "replace": {"op": "replace", "parent": SONG, "starts": 8.0, "ends": 16.0, "seed": 3,
                "prompt": "ambient synth pad"},
    "replace_to_end": {"op": "replace", "parent": SONG, "starts": 20.0, "ends": None, "seed": 3},
    "cover": {"op": "cover", "parent": SONG, "prompt": "rock guitar", "seed": 11},
    "vocals_swap": {"op": "vocals_swap", "parent": SONG, "lyrics": "la di da and away we go",
                    "seed": 12},
    "instrumentals_swap": {"op": "instrumentals_swap", "parent": SONG, "prompt": "house",
                           "seed": 13},
    "variation": {"op": "variation", "parent": INSTRUMENTAL},
}  # fmt: skip
OPS["nested"] = {"op": "extend", "parent": OPS["cover"], "starts": 10.0, "prompt": "pop", "seed": 5}


@pytest.mark.parametrize("name", OPS)
def test_duration_is_exact_for_every_op(name):
    recipe = OPS[name]
    audio = rendered(recipe)
    assert abs(duration(recipe) - audio.seconds) < 0.001
    assert set(audio.stems) == set(STEM_NAMES)
    for stem in audio.stems.values():
        assert stem.dtype == np.float32
        assert stem.shape == (audio.frames, 2)
    assert rms(audio.mix) > 0.03, "silent"


def test_same_recipe_gives_identical_samples_and_seeds_differ():
    first = render(INSTRUMENTAL).mix
    again = render(json.loads(json.dumps(INSTRUMENTAL))).mix
    assert np.array_equal(first, again)
    assert wav_bytes(Audio({"other": first})) == wav_bytes(Audio({"other": again}))
    other = render({**INSTRUMENTAL, "seed": INSTRUMENTAL["seed"] + 1}).mix
    assert len(other) != len(first) or not np.allclose(other, first, atol=1e-3)


def test_songs_are_long_enough_to_be_songs():
    for seed in range(8):
        seconds = duration({"op": "music", "seed": seed, "prompt": "pop"})
        assert 30 <= seconds <= 220
    long_lyrics = "\n".join(["one more line of words to sing out loud tonight"] * 40)
    assert duration({"op": "music", "seed": 1, "lyrics": long_lyrics}) > 60


def test_instrumental_has_silent_vocals_and_lyrics_are_sung():
    assert not np.any(rendered(INSTRUMENTAL).stems["vocals"])
    no_lyrics = {"op": "music", "seed": 2, "prompt": "ambient"}
    assert score(no_lyrics)[1][0].plan.voice is None
    ignored = {**SONG, "instrumental": True}
    assert score(ignored)[1][0].plan.syllables == ()
    assert rms(rendered(SONG).stems["vocals"]) > 0.02


def test_prompt_words_steer_tempo_mode_and_instruments():
    def plan(prompt):
        return score({"op": "music", "seed": 7, "prompt": prompt})[1][0].plan

    slow, fast = plan("slow sad piano ballad"), plan("fast energetic drum and bass")
    assert slow.bpm < 80 < 160 < fast.bpm
    assert slow.mode == "minor"
    assert slow.style.keys == "piano"
    assert fast.style.drums == "dnb"
    assert plan("happy pop").mode == "major"
    assert plan("ambient synth pad").style.drums == "none"
    assert plan("jazz").style.swing > 0


def test_stems_sum_to_the_mix():
    # The mix is the plain sum below the limiter's knee (0.9); above it peaks bend towards 1.
    for recipe in (SONG, OPS["extend"], OPS["vocals_swap"]):
        audio = rendered(recipe)
        total = sum(audio.stems[name] for name in STEM_NAMES)
        mix = audio.mix
        below = np.abs(total) < 0.9
        assert np.allclose(mix[below], total[below], atol=1e-6)
        assert float(np.mean(np.abs(mix - total))) < 1e-3
        assert float(np.max(np.abs(mix))) <= 1.0


def test_extend_keeps_the_parent_up_to_starts():
    parent, child = rendered(SONG), rendered(OPS["extend"])
    cut = round(12.5 * SAMPLE_RATE)
    for name in STEM_NAMES:
        assert np.array_equal(child.stems[name][:cut], parent.stems[name][:cut])
    assert not np.allclose(child.mix[cut + FADE : cut + 5 * SAMPLE_RATE],
                           parent.mix[cut + FADE : cut + 5 * SAMPLE_RATE], atol=1e-3)  # fmt: skip
    parent_plan = score(SONG)[1][0].plan
    continuation = score(OPS["extend"])[1][-1].plan
    assert (continuation.bpm, continuation.root, continuation.mode) == (
        parent_plan.bpm, parent_plan.root, parent_plan.mode,
    )  # fmt: skip


def test_extend_past_the_end_continues_from_the_end():
    parent, child = rendered(INSTRUMENTAL), rendered(OPS["extend_past_end"])
    assert child.frames > parent.frames
    assert np.array_equal(child.mix[: parent.frames], parent.mix)


def test_replace_changes_only_the_span():
    parent, child = rendered(SONG), rendered(OPS["replace"])
    lo, hi = round(8.0 * SAMPLE_RATE), round(16.0 * SAMPLE_RATE)
    assert child.frames == parent.frames
    assert np.array_equal(child.mix[:lo], parent.mix[:lo])
    assert np.array_equal(child.mix[hi:], parent.mix[hi:])
    assert rms(child.mix[lo + FADE : hi - FADE] - parent.mix[lo + FADE : hi - FADE]) > 0.01
    to_end = rendered(OPS["replace_to_end"])
    lo = round(20.0 * SAMPLE_RATE)
    assert np.array_equal(to_end.mix[:lo], parent.mix[:lo])
    assert rms(to_end.mix[lo + FADE :] - parent.mix[lo + FADE :]) > 0.01


def test_cover_keeps_notes_and_changes_the_sound():
    parent_plan = score(SONG)[1][0].plan
    cover_plan = score(OPS["cover"])[1][0].plan
    assert cover_plan.melody == parent_plan.melody
    assert cover_plan.chords == parent_plan.chords
    assert cover_plan.syllables == parent_plan.syllables
    assert cover_plan.bpm == parent_plan.bpm
    assert cover_plan.style != parent_plan.style
    parent, cover = rendered(SONG), rendered(OPS["cover"])
    assert cover.frames == parent.frames
    assert rms(cover.stems["other"] - parent.stems["other"]) > 0.01


def test_vocals_swap_keeps_the_backing():
    parent, child = rendered(SONG), rendered(OPS["vocals_swap"])
    for name in ("drums", "bass", "other"):
        assert np.array_equal(child.stems[name], parent.stems[name])
    assert rms(child.stems["vocals"]) > 0.02
    assert rms(child.stems["vocals"] - parent.stems["vocals"]) > 0.01


def test_instrumentals_swap_keeps_the_vocals():
    parent, child = rendered(SONG), rendered(OPS["instrumentals_swap"])
    assert np.array_equal(child.stems["vocals"], parent.stems["vocals"])
    assert rms(child.stems["drums"] - parent.stems["drums"]) > 0.01


def test_variation_is_a_different_sibling_of_similar_length():
    parent, child = rendered(INSTRUMENTAL), rendered(OPS["variation"])
    assert 0.6 < child.seconds / parent.seconds < 1.5
    n = min(parent.frames, child.frames)
    assert rms(child.mix[:n] - parent.mix[:n]) > 0.02
    parent_style = score(INSTRUMENTAL)[1][0].plan.style
    assert score(OPS["variation"])[1][0].plan.style.genre == parent_style.genre


def test_upload_splits_a_file_into_stems_that_sum_to_it(tmp_path):
    source = rendered(INSTRUMENTAL)
    clip = Audio({name: stem[: 3 * SAMPLE_RATE] for name, stem in source.stems.items()})
    path = tmp_path / "clip.wav"
    path.write_bytes(wav_bytes(clip))
    recipe = {"op": "upload", "path": str(path)}
    upload = render(recipe)
    assert abs(duration(recipe) - 3.0) < 0.001
    total = sum(upload.stems[name] for name in STEM_NAMES)
    assert np.allclose(total, clip.mix, atol=2e-4)
    assert all(rms(upload.stems[name]) > 1e-4 for name in STEM_NAMES)
    extended = {"op": "extend", "parent": recipe, "starts": 2.0, "seed": 1, "prompt": "pop"}
    out = render(extended)
    assert abs(out.seconds - duration(extended)) < 0.001
    assert np.array_equal(out.mix[: 2 * SAMPLE_RATE], upload.mix[: 2 * SAMPLE_RATE])
    cover = render({"op": "cover", "parent": recipe, "prompt": "jazz", "seed": 2})
    assert cover.frames == upload.frames
    assert rms(cover.mix) > 0.02


def test_duration_renders_nothing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("duration() rendered audio")

    monkeypatch.setattr("emulator.synth.ops.render_plan", refuse)
    for recipe in OPS.values():
        assert duration(recipe) > 0


def test_loose_fields_from_requests():
    base = {"op": "music", "seed": "1680274481", "prompt": "pop", "lyrics": "la la la"}
    assert score({**base, "instrumental": "true"})[1][0].plan.voice is None
    assert score({**base, "instrumental": "false"})[1][0].plan.voice is not None
    as_list = {"op": "extend", "parent": base, "starts": ["10.5"]}
    as_number = {"op": "extend", "parent": base, "starts": 10.5}
    assert duration(as_list) == duration(as_number)
    empty_end = {"op": "replace", "parent": base, "starts": "5", "ends": ""}
    assert duration(empty_end) == duration(base)
