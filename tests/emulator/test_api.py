"""The emulator's endpoints: answer shapes, request rules, keys, parents, the clock, the cap."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from emulator.models import Job, Music, charged_total

from .helpers import fetch, post, run, song, submit

MUSIC_FIELDS = {
    "musicId",
    "title",
    "lyrics",
    "imageUrl",
    "audioUrl",
    "videoUrl",
    "imageId",
    "topic",
    "sound",
    "seed",
    "durations",
    "createdAt",
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_music_submit_and_fetch_have_the_documented_shapes(emulator):
    http = emulator.http()
    response = post(http, "music", {"sound_prompt": "upbeat funk", "title": "Groove"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "message", "data"}
    assert body["status"] == "SUCCESS"
    assert body["message"] == ""
    assert UUID.match(body["data"]["jobId"])

    emulator.finish_all()
    result = fetch(http, body["data"]["jobId"])
    assert result["status"] == "SUCCESS"
    assert result["message"] == "success"
    data = result["data"]
    assert data["jobId"] == body["data"]["jobId"]
    assert data["action"] == "music"
    assert data["progress"] == "100%"
    assert data["mv"] == "FUZZ-2.0"
    assert data["quota"] == "3"
    [music] = data["musics"]
    assert set(music) == MUSIC_FIELDS
    assert music["title"] == "Groove"
    assert music["sound"] == "upbeat funk"
    assert music["imageId"] == music["musicId"]
    assert music["videoUrl"] is None
    assert music["audioUrl"].endswith(f"/emulator/files/{music['musicId']}/audio.mp3")
    assert music["imageUrl"].startswith("http://testserver/emulator/files/")
    assert float(music["durations"]) > 10
    assert isinstance(music["durations"], str)
    assert music["seed"].isdigit()
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", music["createdAt"])
    assert "[Verse" in music["lyrics"]  # lyrics were written for a prompt-only song


def test_instrumental_song_has_no_lyrics_and_sent_lyrics_are_kept(emulator):
    assert song(emulator, instrumental=True, lyrics_text="la la")["lyrics"] == ""
    words = "[Verse]\nHello rain\nGoodbye sun"
    assert song(emulator, lyrics_text=words)["lyrics"] == words


def test_same_request_gives_the_same_seed_and_a_sent_seed_is_used(emulator):
    first = song(emulator, sound_prompt="dark techno")
    second = song(emulator, sound_prompt="dark techno")
    other = song(emulator, sound_prompt="bright techno")
    assert first["seed"] == second["seed"] != other["seed"]
    assert first["musicId"] != second["musicId"]
    assert song(emulator, seed="12345")["seed"] == "12345"


def test_job_progress_rises_then_succeeds(emulator, settings):
    settings.EMULATOR_JOB_SECONDS = 100
    http = emulator.http()
    job_id = submit(http, "music", {"sound_prompt": "jazz"})
    job = Job.objects.get(pk=job_id)
    seen = []
    for seconds in (0, 20, 45, 99):
        Job.objects.filter(pk=job_id).update(
            created_at=timezone.now() - timedelta(seconds=seconds),
            finishes_at=timezone.now() + timedelta(seconds=100 - seconds),
        )
        body = fetch(http, job_id)
        assert body["status"] == "ON_QUEUE"
        assert body["message"] is None
        assert body["data"]["musics"] == []
        assert body["data"]["quota"] == "0"
        seen.append(int(body["data"]["progress"].rstrip("%")))
    assert seen == sorted(seen)
    assert seen[0] < 5
    assert 40 <= seen[2] <= 50
    assert seen[-1] == 99
    assert job.finishes_at > timezone.now()
    emulator.finish_all()
    assert fetch(http, job_id)["status"] == "SUCCESS"


def test_missing_or_empty_key_is_401(emulator):
    http = emulator.http()
    for headers in ({}, {"TT-API-KEY": ""}, {"TT-API-KEY": "   "}):
        response = http.post("/producer/v1/music", json={"sound_prompt": "x"}, headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "status": "FAILED",
            "message": "Wrong TT-API-KEY or email is not activated.",
            "data": None,
        }
    assert http.get("/producer/v1/fetch", params={"jobId": "x"}).status_code == 401
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("music", {}, "sound_prompt"),
        ("music", {"sound_prompt": "  ", "lyrics_text": ""}, "sound_prompt"),
        ("music", {"sound_prompt": "x", "mv": "FUZZ-9"}, "mv"),
        ("music", {"sound_prompt": "x", "weirdness": 1.5}, "weirdness"),
        ("music", {"sound_prompt": "x", "sound_strength": 0.1}, "sound_strength"),
        ("music", {"sound_prompt": "x", "lyrics_strength": -0.1}, "lyrics_strength"),
        ("music", {"sound_prompt": "x", "seed": "abc"}, "seed"),
        ("music", {"sound_prompt": "x", "hook_url": "ftp://x"}, "hook_url"),
        ("music", {"sound_prompt": "x", "instrumental": "maybe"}, "instrumental"),
        ("music", {"sound_prompt": "x" * 1001}, "sound_prompt"),
        ("lyrics", {}, "prompt"),
        ("extend", {"sound_prompt": "x"}, "music_id"),
        ("cover", {"sound_prompt": "x"}, "music_id"),
        ("variation", {}, "music_id"),
        ("replace", {"music_id": "m", "sound_prompt": "x", "starts": 30, "ends": 20}, "ends"),
        ("vocals-swap", {"music_id": "m", "sound_prompt": "x", "cover_strength": 0.1}, "cover"),
        ("instrumentals-swap", {"music_id": "m"}, "sound_prompt"),
        ("stems", {}, "music_id"),
        ("download", {"music_id": "m", "format": "flac"}, "format"),
        ("download", {"music_id": "m"}, "format"),
        ("upload", {}, "audio_url"),
        ("upload", {"audio_url": "not a url"}, "audio_url"),
        ("generate-video", {"music_id": "m", "preset": "fancy"}, "preset"),
    ],
)
def test_each_request_rule_answers_400(emulator, action, body, field):
    response = post(emulator.http(), action, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["status"] == "FAILED"
    assert answer["data"] is None
    assert answer["message"].startswith("Parameter error")
    assert field in answer["message"]
    assert not Job.objects.exists()


def test_body_must_be_a_json_object(emulator):
    http = emulator.http()
    for content in (b"not json", b"[1, 2]", b"\xff"):
        response = http.post(
            "/producer/v1/music",
            content=content,
            headers={"TT-API-KEY": "k", "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["status"] == "FAILED"


def test_unknown_endpoint_job_and_method(emulator):
    http = emulator.http()
    assert post(http, "sing", {"sound_prompt": "x"}).status_code == 404
    for job_id in ("0d0b2a3e-0000-4000-8000-000000000000", "nope"):
        response = http.get(
            "/producer/v1/fetch", params={"jobId": job_id}, headers={"TT-API-KEY": "k"}
        )
        assert response.status_code == 404
        assert response.json() == {"status": "FAILED", "message": "Job not found.", "data": None}
    missing = http.get("/producer/v1/fetch", headers={"TT-API-KEY": "k"})
    assert missing.status_code == 400
    assert http.get("/producer/v1/music", headers={"TT-API-KEY": "k"}).status_code == 405


def test_unknown_fields_are_ignored_like_the_provider_does(emulator):
    assert post(emulator.http(), "music", {"sound_prompt": "x", "colour": "red"}).status_code == 200


def test_parent_must_exist_and_have_succeeded(emulator, settings):
    http = emulator.http()
    missing = post(http, "extend", {"music_id": "nope", "sound_prompt": "x"})
    assert missing.status_code == 404
    assert missing.json()["message"] == "Music not found."

    settings.EMULATOR_JOB_SECONDS = 60
    job_id = submit(http, "music", {"sound_prompt": "x"})
    music_id = str(Music.objects.get(job_id=job_id).music_id)
    early = post(http, "extend", {"music_id": music_id, "sound_prompt": "more"})
    assert early.status_code == 400
    assert early.json()["message"] == "Only after the parent job succeeded."

    failed_id = submit(http, "music", {"sound_prompt": "x [fault:fail]"})
    emulator.finish_all()
    failed_music = str(Music.objects.get(job_id=failed_id).music_id)
    assert post(http, "cover", {"music_id": failed_music, "sound_prompt": "y"}).status_code == 400
    assert post(http, "extend", {"music_id": music_id, "sound_prompt": "y"}).status_code == 200


def test_extend_starts_must_be_inside_the_parent(emulator):
    parent = song(emulator)
    too_far = float(parent["durations"]) + 1
    response = post(
        emulator.http(),
        "extend",
        {"music_id": parent["musicId"], "sound_prompt": "x", "starts": too_far},
    )
    assert response.status_code == 400
    assert "starts" in response.json()["message"]


def test_song_actions_on_a_parent(emulator):
    parent = song(emulator, sound_prompt="folk guitar", title="Roots")
    for action, extra in [
        ("extend", {"starts": 10, "sound_prompt": "faster"}),
        ("cover", {"sound_prompt": "as jazz"}),
        ("variation", {}),
        ("replace", {"starts": ["5.5"], "ends": 9, "lyrics_text": "new words here"}),
        ("vocals-swap", {"sound_prompt": "deep male voice", "cover_strength": 0.8}),
        ("instrumentals-swap", {"sound_prompt": "synthwave backing"}),
    ]:
        result = run(emulator, action, {"music_id": parent["musicId"], **extra})
        assert result["status"] == "SUCCESS", (action, result)
        assert result["data"]["action"] == action
        assert result["data"]["quota"] == "3"
        [child] = result["data"]["musics"]
        assert set(child) == MUSIC_FIELDS
        assert child["musicId"] != parent["musicId"]
        assert float(child["durations"]) > 0
        assert child["title"] == "Roots"
        recipe = Music.objects.get(pk=child["musicId"]).recipe
        assert recipe["op"] == action.replace("-", "_")
        assert recipe["parent"]["op"] == "music"
    replace = Music.objects.filter(recipe__op="replace").get()
    assert replace.recipe["starts"] == 5.5
    assert replace.recipe["ends"] == 9


def test_stems_are_four_songs_with_their_own_ids(emulator):
    parent = song(emulator, title="Split me")
    result = run(emulator, "stems", {"music_id": parent["musicId"]})
    assert result["status"] == "SUCCESS"
    assert result["data"]["quota"] == "3"
    musics = result["data"]["musics"]
    assert [m["title"] for m in musics] == [
        "Split me (Vocals)",
        "Split me (Drums)",
        "Split me (Bass)",
        "Split me (Other)",
    ]
    assert len({m["musicId"] for m in musics} | {parent["musicId"]}) == 5
    assert len({m["audioUrl"] for m in musics}) == 4
    assert all(m["durations"] == parent["durations"] for m in musics)
    # A stem can be downloaded but not extended.
    stem_id = musics[1]["musicId"]
    assert post(emulator.http(), "download", {"music_id": stem_id, "format": "wav"}).is_success
    refused = post(emulator.http(), "extend", {"music_id": stem_id, "sound_prompt": "x"})
    assert refused.status_code == 400


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_download_returns_the_file_url_in_the_format(emulator, fmt):
    parent = song(emulator)
    result = run(emulator, "download", {"music_id": parent["musicId"], "format": fmt})
    data = result["data"]
    assert result["status"] == "SUCCESS"
    assert data["quota"] == "1"
    assert data["url"].endswith(f"/files/{parent['musicId']}/audio.{fmt}")
    assert data["musics"][0]["audioUrl"] == data["url"]
    assert data["musics"][0]["musicId"] == parent["musicId"]


def test_generate_video_returns_a_video_url_and_is_free(emulator):
    parent = song(emulator)
    result = run(emulator, "generate-video", {"music_id": parent["musicId"], "preset": "player"})
    data = result["data"]
    assert result["status"] == "SUCCESS"
    assert data["quota"] == "0"
    assert data["videoUrl"].endswith(f"/files/{parent['musicId']}/video-player.mp4")
    assert data["musics"][0]["videoUrl"] == data["videoUrl"]
    default = run(emulator, "generate-video", {"music_id": parent["musicId"]})
    assert default["data"]["videoUrl"].endswith("video-simple.mp4")


def test_lyrics_are_structured_and_on_theme(emulator):
    result = run(emulator, "lyrics", {"prompt": "a song about the ocean at night"})
    data = result["data"]
    assert result["status"] == "SUCCESS"
    assert data["quota"] == "1"
    assert data["title"]
    assert "[Verse 1]" in data["lyrics"]
    assert "[Chorus]" in data["lyrics"]
    assert re.search(r"ocean|tide|shore|sea|harbour|midnight|moon|stars", data["lyrics"])
    assert data["musics"][0]["lyrics"] == data["lyrics"]
    again = run(emulator, "lyrics", {"prompt": "a song about the ocean at night"})
    assert again["data"]["lyrics"] == data["lyrics"]


def test_upload_of_an_unreadable_url_fails_with_a_reason(emulator):
    result = run(emulator, "upload", {"audio_url": "http://testserver/emulator/files/nope.mp3"})
    assert result["status"] == "FAILED"
    assert "could not be read" in result["message"]
    assert result["data"]["quota"] == "0"


def test_running_cap_per_key_answers_499(emulator, settings):
    settings.EMULATOR_JOB_SECONDS = 60
    settings.EMULATOR_RUNNING_CAP = 2
    http = emulator.http()
    submit(http, "music", {"sound_prompt": "a"})
    submit(http, "lyrics", {"prompt": "b"})
    full = post(http, "music", {"sound_prompt": "c"})
    assert full.status_code == 499
    assert full.json()["status"] == "FAILED"
    assert post(http, "music", {"sound_prompt": "c"}, key="other-key").status_code == 200
    emulator.finish_all()
    assert post(http, "music", {"sound_prompt": "c"}).status_code == 200


def test_quota_is_recorded_per_job_and_charged_only_on_success(emulator):
    parent = song(emulator)  # 3
    run(emulator, "lyrics", {"prompt": "x"})  # 1
    run(emulator, "generate-video", {"music_id": parent["musicId"]})  # free
    run(emulator, "music", {"sound_prompt": "x [fault:fail]"})  # failed: nothing
    post(emulator.http(), "music", {"sound_prompt": "y"}, key="fault-402")  # refused
    emulator.finish_all()
    assert charged_total("test-key") == Decimal(4)
    assert sum(job.charged for job in Job.objects.all()) == Decimal(4)
