"""The Flow Music API (`/flowmusic/v1/`) as the emulator speaks it: ttapi-flowmusic.md's
answers, validation and errors, jobs that advance, webhooks."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from emulator import clock, hooks
from emulator.models import Job

from .helpers import clip, flow_fetch, flow_post, flow_run, flow_submit, song

HOOK = "https://studio.example/hooks/flow"
CLIP_FIELDS = {"clip_id", "title", "lyrics_id", "lyrics_timing_markers"}


def test_generation_submit_answer_fetch_shape_and_clip(emulator, settings):
    settings.EMULATOR_JOB_SECONDS = 60
    http = emulator.http()
    answer = flow_post(http, "generations", {"sound_prompt": "dreamy synth-pop", "length": 12})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "SUCCESS"
    assert body["message"] == "success"
    job_id = body["data"]["job_id"]  # snake_case on this API

    running = flow_fetch(http, job_id)
    assert running["status"] == "ON_QUEUE"
    assert running["message"] is None
    assert running["jobId"] == running["data"]["jobId"] == job_id
    assert running["data"]["clips"] == []
    assert running["data"]["progress"].endswith("%")
    assert running["data"]["quota"] == "0"

    emulator.finish_all()
    done = flow_fetch(http, job_id)
    assert done["status"] == "SUCCESS"
    assert done["message"] == "success"
    assert done["jobId"] == done["data"]["jobId"] == job_id
    data = done["data"]
    assert data["action"] == "generations"
    assert data["progress"] == "100%"
    assert data["mv"] == "Lyria 3 Pro"
    assert data["quota"] == "3"
    assert data["hookUrl"] is None
    assert "musics" not in data
    [item] = data["clips"]
    assert set(item) >= CLIP_FIELDS
    assert item["title"]
    assert item["lyrics_id"]
    assert item["lyrics_timing_markers"].startswith("[")  # written lyrics, with markers
    assert item["duration"] == 12.0
    for url_field in ("audio_url", "wav_url", "image_url"):
        assert item[url_field].startswith("http://testserver/emulator/files/")
    audio = http.get(item["audio_url"])
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/mpeg"


def test_lyrics_get_a_marker_and_the_title_is_kept(emulator):
    item = clip(emulator, sound_prompt="", lyrics="Walking on the wire\nnever looking down",
                title="Wire")  # fmt: skip
    assert item["title"] == "Wire"
    assert item["lyrics_timing_markers"] == "[Verse 1]\nWalking on the wire\nnever looking down"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("generations", {}, "sound_prompt"),
        ("generations", {"sound_prompt": "x", "length": 241}, "length"),
        ("generations", {"sound_prompt": "x", "length": "12.5"}, "length"),
        ("generations", {"sound_prompt": "x", "bpm": "0"}, "bpm"),
        ("generations", {"sound_prompt": "x", "bpm": "fast"}, "bpm"),
        ("generations", {"sound_prompt": "x", "model": "FUZZ-2.0"}, "model"),
        ("cover", {"clip_id": "CLIP"}, "instruction"),
        ("cover", {"clip_id": "CLIP", "instruction": "jazz", "strength": 1.5}, "strength"),
        ("extend", {"clip_id": "CLIP", "extend_from_s": 1, "instruction": "x"}, "extend_s"),
        ("extend", {"clip_id": "CLIP", "extend_from_s": 1, "extend_s": 328, "instruction": "x"},
         "extend_s"),
        ("extend", {"clip_id": "CLIP", "extend_from_s": 99, "extend_s": 5, "instruction": "x"},
         "extend_from_s"),
        ("replace", {"clip_id": "CLIP", "start_s": 4, "end_s": 2, "instruction": "x"}, "end_s"),
        ("replace", {"clip_id": "CLIP", "start_s": 1, "end_s": 60, "instruction": "x"}, "end_s"),
        ("stems", {}, "clip_id"),
    ],
)  # fmt: skip
def test_requests_break_the_contracts_rules_with_400(emulator, action, body, field):
    source = clip(emulator, length=10)["clip_id"]
    body = {k: (source if v == "CLIP" else v) for k, v in body.items()}
    response = flow_post(emulator.http(), action, body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["status"] == "FAILED"
    assert answer["data"] is None
    assert answer["message"].startswith("Parameter error")
    assert field in answer["message"]
    assert Job.objects.count() == 1  # only the source


def test_unknown_fields_are_ignored_as_the_provider_does(emulator):
    item = clip(emulator, length=5, instrumental=True, weirdness=0.9)
    assert item["duration"] == 5.0


def test_sources_must_be_flow_clips_that_exist(emulator):
    http = emulator.http()
    producer_song = song(emulator)["musicId"]
    for clip_id in (producer_song, "0d1e5f3a-1111-4c8a-acaa-71185d23a2f3", "not-an-id"):
        response = flow_post(http, "cover", {"clip_id": clip_id, "instruction": "jazz"})
        assert response.status_code == 404, response.text
        assert response.json()["message"] == "Clip not found."
    flow_clip = clip(emulator, length=5)["clip_id"]
    response = http.post("/producer/v1/cover", json={"music_id": flow_clip, "sound_prompt": "x"},
                         headers={"TT-API-KEY": "test-key"})  # fmt: skip
    assert response.status_code == 404
    assert response.json()["message"] == "Music not found."


def test_edits_make_clips_of_the_right_length(emulator):
    source = clip(emulator, length=20, title="Source")
    sid = source["clip_id"]
    edits = {
        "extend": ({"extend_from_s": 12.5, "extend_s": 30, "instruction": "a guitar solo"}, 42.5),
        "replace": ({"start_s": 4, "end_s": 9, "instruction": "a drum break"}, 20.0),
        "cover": ({"instruction": "Change this song to jazz style"}, 20.0),
    }
    for action, (body, seconds) in edits.items():
        result = flow_run(emulator, action, {"clip_id": sid, **body})
        assert result["status"] == "SUCCESS", result
        [item] = result["data"]["clips"]
        assert result["data"]["action"] == action
        assert item["duration"] == pytest.approx(seconds, abs=1e-6)
        assert item["title"] == "Source"
        assert item["clip_id"] != sid


def test_stems_are_four_titled_clips(emulator):
    source = clip(emulator, length=6, title="Work It Out")
    result = flow_run(emulator, "stems", {"clip_id": source["clip_id"]})
    assert result["status"] == "SUCCESS"
    titles = [c["title"] for c in result["data"]["clips"]]
    assert titles == [f"Work It Out - {s}" for s in ("drums", "bass", "vocals", "other")]
    assert all(c["duration"] == 6.0 for c in result["data"]["clips"])
    stem = result["data"]["clips"][0]["clip_id"]
    response = flow_post(emulator.http(), "cover", {"clip_id": stem, "instruction": "jazz"})
    assert response.status_code == 400
    assert "stem" in response.json()["message"]


def test_an_edit_waits_for_its_source(emulator, settings):
    settings.EMULATOR_JOB_SECONDS = 60
    http = emulator.http()
    job_id = flow_submit(http, "generations", {"sound_prompt": "x", "length": 5})
    Job.objects.filter(pk=job_id).update(outcome="SUCCESS")
    source = Job.objects.get(pk=job_id).musics.get().music_id
    response = flow_post(http, "stems", {"clip_id": str(source)})
    assert response.status_code == 400
    assert response.json()["message"] == "Only after the parent job succeeded."


def test_each_api_fetches_its_own_jobs(emulator):
    http = emulator.http()
    job_id = flow_submit(http, "generations", {"sound_prompt": "x", "length": 3})
    other = http.get("/producer/v1/fetch", params={"jobId": job_id},
                     headers={"TT-API-KEY": "test-key"})  # fmt: skip
    assert other.status_code == 404
    assert flow_post(http, "lyrics", {"prompt": "x"}).status_code == 404
    assert http.get("/flowmusic/v1/generations", headers={"TT-API-KEY": "k"}).status_code == 405
    assert flow_post(http, "generations", {"sound_prompt": "x"}, key="").status_code == 401


def test_progress_advances_in_fine_steps_and_never_shows_100_early(emulator, settings):
    settings.EMULATOR_JOB_SECONDS = 100
    job_id = flow_submit(emulator.http(), "generations", {"sound_prompt": "x", "length": 3})
    job = Job.objects.get(pk=job_id)
    seen = [clock.state_of(job, job.created_at + timedelta(seconds=s)) for s in range(0, 101, 5)]
    progress = [state.progress for state in seen]
    assert progress == sorted(progress)
    assert len(set(progress)) == len(progress)
    assert {state.status for state in seen[:-1]} == {"ON_QUEUE"}
    assert max(progress[:-1]) < 100
    assert seen[-1].status == "SUCCESS"
    assert seen[-1].progress == 100


def test_hook_url_gets_the_fetch_shaped_body(emulator, monkeypatch):
    bodies: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append({"url": str(request.url), **json.loads(request.content)})
        return httpx.Response(200)

    monkeypatch.setattr(hooks, "TRANSPORT", httpx.MockTransport(handler))
    job_id = flow_submit(
        emulator.http(), "generations", {"sound_prompt": "x", "length": 4, "hook_url": HOOK}
    )
    emulator.finish_all()
    [body] = bodies
    assert body["url"] == HOOK
    assert body["status"] == "SUCCESS"
    assert body["jobId"] == body["data"]["jobId"] == job_id
    assert body["data"]["hookUrl"] == HOOK
    assert body["data"]["clips"][0]["duration"] == 4.0


@pytest.mark.parametrize(
    "numbers",
    [{"length": 6, "bpm": 100, "seed": 42}, {"length": "6", "bpm": "100", "seed": "42"}],
)
def test_request_numbers_come_as_numbers_or_as_strings(emulator, numbers):
    item = clip(emulator, sound_prompt="pop", **numbers)
    assert item["duration"] == 6.0
    assert item["seed"] == "42"
    job = Job.objects.get(musics__music_id=item["clip_id"])
    assert job.params["bpm"] == "100"
    assert job.params["length"] == 6
