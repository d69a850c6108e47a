"""The odd cases both contracts allow, on demand: the other spelling of the job id,
PENDING_QUEUE before ON_QUEUE, numbers as strings and strings as numbers, a 200 that says
FAILED, faults on fetch, files that expire, a balance that runs out, a running cap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from emulator import clock
from emulator.models import Job
from emulator.synth import render

from .helpers import clip, fetch, flow_fetch, flow_post, flow_submit, post, song, submit

APIS = ("producer", "flowmusic")


def _post(http, api: str, body_text: str, key: str = "test-key"):
    if api == "producer":
        return post(http, "music", {"sound_prompt": body_text}, key)
    return flow_post(http, "generations", {"sound_prompt": body_text, "length": 4}, key)


def _fetch(http, api: str, job_id: str, key: str = "test-key") -> dict:
    return (fetch if api == "producer" else flow_fetch)(http, job_id, key)


def _job_id(answer: dict) -> str:
    data = answer["data"]
    return data.get("jobId") or data["job_id"]


@pytest.mark.parametrize("api", APIS)
def test_the_other_spelling_of_the_job_id(emulator, api):
    usual = _post(emulator.http(), api, "x").json()["data"]
    odd = _post(emulator.http(), api, "x [fault:job-id]").json()["data"]
    assert set(usual) == ({"jobId"} if api == "producer" else {"job_id"})
    assert set(odd) == ({"job_id"} if api == "producer" else {"jobId"})
    assert Job.objects.filter(pk=_job_id({"data": odd})).exists()


@pytest.mark.parametrize("api", APIS)
def test_pending_queue_comes_before_on_queue(emulator, settings, api):
    settings.EMULATOR_JOB_SECONDS = 90
    http = emulator.http()
    job_id = _job_id(_post(http, api, "x [fault:pending]").json())
    first = _fetch(http, api, job_id)
    assert first["status"] == "PENDING_QUEUE"
    assert first["data"]["progress"] == "0%"
    job = Job.objects.get(pk=job_id)
    later = clock.state_of(job, job.created_at + timedelta(seconds=60))
    assert later.status == "ON_QUEUE"
    assert 0 < later.progress < 100
    emulator.finish_all()
    assert _fetch(http, api, job_id)["status"] == "SUCCESS"


def test_numbers_come_as_strings_and_strings_as_numbers(emulator):
    usual, odd = song(emulator), song(emulator, sound_prompt="calm piano [fault:numbers]")
    assert isinstance(usual["durations"], str)
    assert isinstance(odd["durations"], float)
    assert float(usual["durations"]) > 0
    assert odd["durations"] > 0
    job_id = submit(emulator.http(), "music", {"sound_prompt": "y [fault:numbers]"})
    emulator.finish_all()
    data = fetch(emulator.http(), job_id)["data"]
    assert data["quota"] == 3
    assert data["progress"] == 100

    flow_usual, flow_odd = (
        clip(emulator, length=3),
        clip(emulator, sound_prompt="z [fault:numbers]", length=3),
    )
    assert flow_usual["duration"] == 3.0
    assert flow_odd["duration"] == "3.0"


@pytest.mark.parametrize("api", APIS)
def test_a_200_that_says_failed_creates_nothing(emulator, api):
    response = _post(emulator.http(), api, "x [fault:failed-200]")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "FAILED"
    assert body["data"] is None
    assert body["message"]
    assert not Job.objects.exists()


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize(("kind", "status"), [("fetch-500", 500), ("fetch-html", 502)])
def test_fetch_faults_then_the_job_answers(emulator, api, kind, status):
    http = emulator.http()
    job_id = _job_id(_post(http, api, f"x [fault:{kind}]").json())
    emulator.finish_all()
    path = "/producer/v1/fetch" if api == "producer" else "/flowmusic/v1/fetch"
    answers = [
        http.get(path, params={"jobId": job_id}, headers={"TT-API-KEY": "test-key"})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [status, status, 200]
    if kind == "fetch-html":
        assert answers[0].headers["content-type"].startswith("text/html")
    assert answers[2].json()["status"] == "SUCCESS"


def test_fetch_faults_by_key_hit_every_job_of_the_key(emulator):
    http = emulator.http()
    job_id = submit(http, "music", {"sound_prompt": "x"}, key="fault-fetch-502")
    response = http.get("/producer/v1/fetch", params={"jobId": job_id},
                        headers={"TT-API-KEY": "fault-fetch-502"})  # fmt: skip
    assert response.status_code == 502


@pytest.mark.parametrize("api", APIS)
def test_result_files_expire_on_demand(emulator, api):
    http = emulator.http()
    urls = {}
    for name, text in (("gone", "x [fault:expire]"), ("kept", "x [fault:expire-3600]")):
        job_id = _job_id(_post(http, api, text).json())
        emulator.finish_all()
        data = _fetch(http, api, job_id)["data"]
        entry = (data.get("musics") or data.get("clips"))[0]
        urls[name] = entry.get("audioUrl") or entry["audio_url"]
    assert http.get(urls["gone"]).status_code == 404
    assert http.get(urls["kept"]).status_code == 200


def test_result_files_expire_after_the_configured_time(emulator, settings):
    settings.EMULATOR_FILES_EXPIRE_SECONDS = 600
    item = clip(emulator, length=3)
    http = emulator.http()
    assert http.get(item["audio_url"]).status_code == 200
    Job.objects.update(finishes_at=timezone.now() - timedelta(seconds=601))
    assert http.get(item["audio_url"]).status_code == 404
    assert http.get(item["image_url"]).status_code == 404


@pytest.mark.parametrize("api", APIS)
def test_a_keys_balance_runs_out(emulator, settings, api):
    settings.EMULATOR_JOB_SECONDS = 60
    http, key = emulator.http(), "fault-balance-7"
    assert _post(http, api, "one", key).status_code == 200
    assert _post(http, api, "two", key).status_code == 200  # 6 of 7 reserved while running
    refused = _post(http, api, "three", key)
    assert refused.status_code == 402
    assert refused.json() == {
        "status": "FAILED", "message": "Insufficient balance, please recharge.", "data": None
    }  # fmt: skip
    emulator.finish_all()  # charged now: still 6 of 7
    assert _post(http, api, "four", key).status_code == 402
    assert _post(http, api, "other key").status_code == 200  # balances are per key


def test_the_site_wide_balance_setting(emulator, settings):
    settings.EMULATOR_KEY_BALANCE = 3
    http = emulator.http()
    assert _post(http, "producer", "one").status_code == 200
    assert _post(http, "flowmusic", "two").status_code == 402  # one balance for both APIs
    assert _post(http, "flowmusic", "two", key="another").status_code == 200


@pytest.mark.parametrize("api", APIS)
def test_a_keys_running_cap(emulator, settings, api):
    settings.EMULATOR_JOB_SECONDS = 60
    http, key = emulator.http(), "fault-cap-2"
    assert _post(http, api, "one", key).status_code == 200
    assert _post(http, "producer", "two", key).status_code == 200  # both APIs count
    refused = _post(http, api, "three", key)
    assert refused.status_code == 499
    assert "running jobs" in refused.json()["message"]
    assert _post(http, api, "other key").status_code == 200
    emulator.finish_all()
    assert _post(http, api, "four", key).status_code == 200


def test_two_variations_of_one_song_differ(emulator):
    parent = song(emulator, sound_prompt="bright pop with drums", lyrics_text="la la la")
    takes = []
    for _ in range(2):
        job_id = submit(emulator.http(), "variation", {"music_id": parent["musicId"]})
        emulator.finish_all()
        [music] = fetch(emulator.http(), job_id)["data"]["musics"]
        takes.append(music)
    assert takes[0]["seed"] != takes[1]["seed"]
    recipes = [Job.objects.get(musics__music_id=t["musicId"]).musics.get().recipe for t in takes]
    first, second = (render(r).mix[: 44100 * 5] for r in recipes)
    assert not (first.shape == second.shape and (first == second).all())
    assert (render(recipes[0]).mix[: 44100 * 5] == first).all()  # each re-renders the same


def test_flow_edits_take_markers_in_the_instruction(emulator, settings):
    settings.EMULATOR_JOB_SECONDS = 60
    source = clip(emulator, length=4)["clip_id"]
    answer = flow_post(
        emulator.http(), "cover", {"clip_id": source, "instruction": "jazz [fault:pending]"}
    )
    assert flow_fetch(emulator.http(), _job_id(answer.json()))["status"] == "PENDING_QUEUE"
    assert flow_submit(emulator.http(), "stems", {"clip_id": source})
