"""The Flow Music client on the wire, against a double written from ttapi-flowmusic.md."""

from decimal import Decimal

import pytest

from contract import errors
from contract.engines import Engine
from studio.jobs.ttapi import Client
from tests.flowmusic_double import KEY, Answer, FlowMusicDouble, accepted, fetched

CLIP = "07d737cf-7b1e-4b1a-9d55-3d2d3d1f0a11"


@pytest.fixture
def api():
    with FlowMusicDouble() as double:
        yield double


@pytest.fixture
def client(api):
    with Client(KEY, api.url, engine=Engine.FLOWMUSIC) as client:
        client.retry_delays = ()
        yield client


# What the client sends, per action: the exact documented body.
SENT = [
    (
        "music",
        {"sound_prompt": " lo-fi jazz ", "title": "Night", "bpm": 92, "length": "120"},
        "generations",
        {"sound_prompt": "lo-fi jazz", "title": "Night", "bpm": "92", "length": 120},
    ),
    (
        "music",
        {"lyrics": "[Verse]\nla la", "model": "Lyria 3 Pro", "seed": 7},
        "generations",
        {"lyrics": "[Verse]\nla la", "model": "Lyria 3 Pro", "seed": "7"},
    ),
    (
        "cover",
        {"clip_id": CLIP, "instruction": "Change this song to jazz style"},
        "cover",
        {"clip_id": CLIP, "strength": 0.5, "instruction": "Change this song to jazz style"},
    ),
    (
        "extend",
        {"clip_id": CLIP, "extend_from_s": "30.5", "extend_s": 20, "instruction": "a bridge"},
        "extend",
        {"clip_id": CLIP, "extend_from_s": 30.5, "extend_s": 20.0, "instruction": "a bridge"},
    ),
    (
        "replace",
        {"clip_id": CLIP, "start_s": 10, "end_s": 20.25, "instruction": "drum fill"},
        "replace",
        {"clip_id": CLIP, "start_s": 10.0, "end_s": 20.25, "instruction": "drum fill"},
    ),
    ("stems", {"clip_id": CLIP}, "stems", {"clip_id": CLIP}),
]


@pytest.mark.parametrize(("action", "params", "path", "body"), SENT)
def test_each_action_sends_exactly_the_documented_body(api, client, action, params, path, body):
    assert client.submit(action, params).job_id == "fm-job-1"
    [request] = api.requests
    assert request.method == "POST"
    assert request.path == f"/flowmusic/v1/{path}"
    assert request.body == body
    assert [type(v) for v in request.body.values()] == [type(v) for v in body.values()]
    assert request.problems == []
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("music", {"sound_prompt": "x", "weirdness": 0.5}),
        ("music", {"sound_prompt": "x", "instrumental": True}),
        ("music", {"sound_prompt": "x", "mv": "FUZZ-2.0"}),
        ("music", {"lyrics_text": "la"}),
        ("cover", {"music_id": CLIP, "instruction": "x"}),
        ("cover", {"clip_id": CLIP, "instruction": "x", "cover_strength": 0.5}),
        ("extend", {"clip_id": CLIP, "instruction": "x", "extend_from_s": 1, "extend_s": 328}),
        ("music", {"sound_prompt": "x", "length": 241}),
    ],
)
def test_undocumented_or_invalid_fields_never_leave(api, client, action, params):
    with pytest.raises(errors.PayloadInvalid):
        client.submit(action, params)
    assert api.requests == []


@pytest.mark.parametrize("action", ["variation", "vocals-swap", "download", "upload", "lyrics"])
def test_actions_flow_music_does_not_have_are_refused_before_sending(api, client, action):
    with pytest.raises(errors.PayloadInvalid):
        client.submit(action, {"clip_id": CLIP})
    assert api.requests == []


@pytest.mark.parametrize("spelling", ["job_id", "jobId"])
def test_submit_answer_in_either_spelling(api, client, spelling):
    api.answer(accepted("abc", spelling))
    assert client.submit("stems", {"clip_id": CLIP}).job_id == "abc"


def test_200_with_failed_is_a_refusal_nothing_created(api, client):
    api.answer(Answer(body={"status": "FAILED", "message": "Parameter error", "data": None}))
    with pytest.raises(errors.Rejected) as caught:
        client.submit("stems", {"clip_id": CLIP})
    assert not caught.value.ambiguous
    assert "Parameter error" in caught.value.message


def test_html_error_page_after_a_post_is_ambiguous(api, client):
    api.answer(Answer(502, raw="<html><h1>502 Bad Gateway</h1></html>", content_type="text/html"))
    with pytest.raises(errors.NotJSON) as caught:
        client.submit("stems", {"clip_id": CLIP})
    assert caught.value.ambiguous  # reconcile, never send again
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    ("status", "error", "retry_later"),
    [
        (400, errors.BadRequest, False),
        (401, errors.BadKey, False),
        (402, errors.BalanceExhausted, False),
        (403, errors.Blocked, False),
        (410, errors.ActionRetired, False),
        (429, errors.RateLimited, True),
        (499, errors.QueueFull, True),
    ],
)
def test_error_statuses_become_typed_errors(api, client, status, error, retry_later):
    api.answer(Answer(status, body={"status": "FAILED", "message": "nope", "data": None}))
    with pytest.raises(error) as caught:
        client.submit("cover", {"clip_id": CLIP, "instruction": "jazz"})
    assert not caught.value.ambiguous
    assert caught.value.retry_later is retry_later
    assert len(api.requests) == 1


@pytest.mark.parametrize("status", [500, 504])
def test_server_errors_after_a_post_are_ambiguous(api, client, status):
    api.answer(Answer(status, body={"status": "FAILED", "message": "oops", "data": None}))
    with pytest.raises(errors.ServerError) as caught:
        client.submit("music", {"sound_prompt": "x"})
    assert caught.value.ambiguous
    assert len(api.requests) == 1


def test_fetch_asks_for_the_job_by_jobId(api, client):
    api.answer(fetched(status="ON_QUEUE", progress="45%", clips=[]))
    result = client.fetch("fm-job-1")
    [request] = api.requests
    assert request.method == "GET"
    assert request.path == "/flowmusic/v1/fetch"
    assert request.query == "jobId=fm-job-1"
    assert result.status == "ON_QUEUE"
    assert result.progress == 45


def test_fetch_reads_clips_with_numbers_as_strings_or_numbers(api, client):
    clips = [
        {
            "clip_id": CLIP,
            "title": "Work It Out",
            "lyrics_id": "837e6f94",
            "lyrics_timing_markers": "[Verse 1]\nBeat beats beneath my breath",
            "audio_url": "https://cdn.example/a.mp3",
            "imageUrl": "https://cdn.example/a.jpg",
            "duration": "181.25",
        },
        {"clipId": "c2", "audioUrl": "https://cdn.example/b.mp3", "duration_s": 30},
    ]
    api.answer(
        fetched(action="generations", progress=100, mv="Lyria 3 Pro", quota="4", clips=clips)
    )
    result = client.fetch("fm-job-1")
    assert result.status == "SUCCESS"
    assert result.quota == Decimal(4)
    assert result.progress == 100
    first, second = result.musics
    assert (first.music_id, first.duration, first.lyrics_id) == (CLIP, 181.25, "837e6f94")
    assert first.lyrics.startswith("[Verse 1]")
    assert first.image_url.endswith("a.jpg")
    assert (second.music_id, second.duration) == ("c2", 30.0)


def test_fetch_of_a_failed_job(api, client):
    api.answer(fetched(status="FAILED", message="Content policy"))
    result = client.fetch("fm-job-1")
    assert result.status == "FAILED"
    assert result.message == "Content policy"


def test_pending_queue_is_running(api, client):
    api.answer(fetched(status="PENDING_QUEUE"))
    assert not client.fetch("fm-job-1").finished


def test_fetch_html_page_is_retried_then_reported(api, client):
    client.retry_delays = (0,)
    api.answer(
        Answer(502, raw="<html>bad gateway</html>", content_type="text/html"),
        fetched(status="ON_QUEUE"),
    )
    assert client.fetch("fm-job-1").status == "ON_QUEUE"
    assert len(api.requests) == 2


def test_disabled_engine_sends_nothing(api, client, settings):
    settings.TTAPI_DISABLED_ENGINES = ["flowmusic"]
    with pytest.raises(errors.ActionDisabled) as caught:
        client.submit("stems", {"clip_id": CLIP})
    assert "Flow Music" in caught.value.message
    assert api.requests == []
