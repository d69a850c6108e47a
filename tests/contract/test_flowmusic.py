"""The Flow Music contract's request rules and result reading, from ttapi-flowmusic.md."""

import pytest

from contract import flowmusic
from contract.errors import MalformedResult, PayloadInvalid, Rejected
from contract.flowmusic import FIELDS, Action, parse_job_result, parse_submit, validate

CLIP = "07d737cf-7b1e-4b1a-9d55-3d2d3d1f0a11"


def errors_of(action, params, **kwargs) -> dict:
    with pytest.raises(PayloadInvalid) as caught:
        validate(action, params, **kwargs)
    return caught.value.errors


def test_actions_and_their_paths():
    assert Action.values == ["generations", "cover", "extend", "replace", "stems"]
    assert flowmusic.API_PATH == "/flowmusic/v1/"


def test_generate_needs_a_prompt_or_lyrics():
    errors = errors_of("generations", {"title": "x"})
    assert set(errors) == {"sound_prompt", "lyrics"}
    assert validate("generations", {"lyrics": " la la "}) == {"lyrics": "la la"}


def test_generate_wire_types():
    body = validate(
        "generations",
        {"sound_prompt": "jazz", "bpm": 92, "length": "120", "seed": 42, "model": "Lyria 3 Pro"},
    )
    assert body == {
        "sound_prompt": "jazz",
        "model": "Lyria 3 Pro",
        "seed": "42",
        "bpm": "92",
        "length": 120,
    }
    assert validate("generations", {"sound_prompt": "x", "bpm": "92.5"})["bpm"] == "92.5"
    assert validate("generations", {"sound_prompt": "x", "length": 240.0})["length"] == 240


@pytest.mark.parametrize("bpm", [0, "0.5", -3, "fast", True, "nan"])
def test_bpm_must_be_a_number_of_at_least_one(bpm):
    assert "bpm" in errors_of("generations", {"sound_prompt": "x", "bpm": bpm})


@pytest.mark.parametrize("length", [0, 241, "12.5", "long", 1000])
def test_length_is_whole_seconds_from_1_to_240(length):
    assert "length" in errors_of("generations", {"sound_prompt": "x", "length": length})


def test_model_defaults_to_lyria_3_pro_and_follows_the_list_given():
    assert flowmusic.DEFAULT_MODEL == "Lyria 3 Pro"
    assert "model" in errors_of("generations", {"sound_prompt": "x", "model": "FUZZ-2.0"})
    body = validate("generations", {"sound_prompt": "x", "model": "L4"}, models=["L4"])
    assert body["model"] == "L4"


@pytest.mark.parametrize(
    "field", ["instrumental", "weirdness", "lyrics_strength", "sound_strength", "mv"]
)
def test_producer_fields_are_not_flow_fields(field):
    assert field in errors_of("generations", {"sound_prompt": "x", field: "0.5"})


def test_edits_need_a_clip_and_an_instruction():
    for action in (Action.COVER, Action.EXTEND, Action.REPLACE):
        errors = errors_of(action, {})
        assert {"clip_id", "instruction"} <= set(errors)
    assert errors_of(Action.STEMS, {}) == {"clip_id": "This field is required."}
    assert "instruction" in errors_of(Action.STEMS, {"clip_id": CLIP, "instruction": "x"})


def test_cover_strength_from_0_to_1_default_half():
    body = validate("cover", {"clip_id": CLIP, "instruction": "make it jazz"})
    assert body == {"clip_id": CLIP, "strength": 0.5, "instruction": "make it jazz"}
    assert validate("cover", {"clip_id": CLIP, "instruction": "x", "strength": "1"})[
        "strength"
    ] == pytest.approx(1.0)
    for bad in (-0.1, 1.01, "lots"):
        assert "strength" in errors_of(
            "cover", {"clip_id": CLIP, "instruction": "x", "strength": bad}
        )


def test_extend_adds_at_most_327_seconds():
    params = {"clip_id": CLIP, "instruction": "more", "extend_from_s": "30", "extend_s": 327}
    assert validate("extend", params) == {
        "clip_id": CLIP,
        "extend_from_s": 30.0,
        "extend_s": 327.0,
        "instruction": "more",
    }
    for bad in (327.01, 0, -5):
        assert "extend_s" in errors_of("extend", {**params, "extend_s": bad})
    assert "extend_from_s" in errors_of("extend", {**params, "extend_from_s": -1})


def test_replace_end_after_start():
    params = {"clip_id": CLIP, "instruction": "a drum fill", "start_s": 10, "end_s": 20}
    assert validate("replace", params)["end_s"] == 20.0
    assert "end_s" in errors_of("replace", {**params, "end_s": 10})
    assert "end_s" in errors_of("replace", {**params, "end_s": 5})


def test_points_past_the_source_are_refused_when_its_duration_is_known():
    extend = {"clip_id": CLIP, "instruction": "x", "extend_from_s": 61, "extend_s": 10}
    assert "extend_from_s" in errors_of("extend", extend, source_duration=60.0)
    assert validate("extend", {**extend, "extend_from_s": 60}, source_duration=60.0)
    replace = {"clip_id": CLIP, "instruction": "x", "start_s": 10, "end_s": 60.5}
    assert "end_s" in errors_of("replace", replace, source_duration=60.0)
    assert validate("replace", replace)  # unknown duration: the provider decides


def test_every_field_is_documented():
    documented = {
        "generations": {"sound_prompt", "lyrics", "title", "model", "seed", "bpm", "length"},
        "cover": {"clip_id", "instruction", "strength", "model", "title", "seed"},
        "extend": {"clip_id", "extend_from_s", "extend_s", "instruction", "model", "title"}
        | {"seed"},
        "replace": {"clip_id", "start_s", "end_s", "instruction", "model", "title", "seed"},
        "stems": {"clip_id"},
    }
    for action, names in documented.items():
        assert set(FIELDS[Action(action)]) == names | {"hook_url"}


def test_submit_answer_in_both_spellings():
    assert parse_submit({"status": "SUCCESS", "data": {"job_id": "j1"}}).job_id == "j1"
    assert parse_submit({"status": "SUCCESS", "data": {"jobId": "j2"}}).job_id == "j2"
    with pytest.raises(Rejected):
        parse_submit({"status": "FAILED", "message": "Parameter error", "data": None})
    with pytest.raises(MalformedResult):
        parse_submit("<html>502</html>")


def test_result_clips_read_loosely():
    body = {
        "status": "SUCCESS",
        "message": "success",
        "jobId": "ffd6870b",
        "data": {
            "jobId": "ffd6870b",
            "action": "generations",
            "progress": "100%",
            "mv": "Lyria 3 Pro",
            "quota": "4",
            "clips": [
                {
                    "clip_id": CLIP,
                    "title": "Work It Out",
                    "lyrics_id": "837e6f94",
                    "lyrics_timing_markers": "[Verse 1]\nBeat beats",
                    "audioUrl": "https://cdn.example/a.mp3",
                    "image_url": "https://cdn.example/a.png",
                    "duration_s": "181.5",
                },
                {"clipId": "c2", "audio_url": "https://cdn.example/b.mp3", "durations": 12},
                {"title": "no id: skipped"},
            ],
        },
    }
    result = parse_job_result(body)
    assert result.job_id == "ffd6870b"
    assert result.status == "SUCCESS"
    assert result.progress == 100
    assert str(result.quota) == "4"
    assert result.mv == "Lyria 3 Pro"
    first, second = result.musics
    assert first.music_id == CLIP
    assert first.title == "Work It Out"
    assert first.lyrics_id == "837e6f94"
    assert first.lyrics.startswith("[Verse 1]")
    assert first.audio_url.endswith("a.mp3")
    assert first.image_url.endswith("a.png")
    assert first.duration == 181.5
    assert second.music_id == "c2"
    assert second.duration == 12.0
    assert first.raw["duration_s"] == "181.5"


def test_result_failed_and_running():
    failed = parse_job_result({"status": "FAILED", "message": "bad", "data": {"job_id": "j"}})
    assert failed.status == "FAILED"
    assert failed.message == "bad"
    assert failed.musics == ()
    queued = parse_job_result({"status": "PENDING_QUEUE", "data": {"jobId": "j"}})
    assert queued.status == "ON_QUEUE"
    assert not queued.finished
