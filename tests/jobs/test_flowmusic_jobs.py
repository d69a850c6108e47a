"""Flow Music jobs through the studio, against the double written from the contract: every
action from submit to a song with its parent and archived files, by polling and by webhook."""

import json

import httpx
import pytest
from django.urls import reverse

from contract.engines import Engine
from contract.errors import PayloadInvalid
from studio.jobs import lifecycle as jobs
from studio.jobs import providers
from studio.library import lineage
from studio.models import ArchiveStatus, AssetKind, Job, JobStatus, Relation, Song
from tests.flowmusic_double import KEY, Answer, FlowMusicDouble, accepted, fetched


@pytest.fixture
def api(settings):
    with FlowMusicDouble() as double:
        settings.TTAPI_API_KEY = KEY
        settings.TTAPI_BASE_URL = double.url
        settings.TTAPI_DISABLED_ENGINES = []
        settings.FLOWMUSIC_MODELS = []
        yield double


def submit(api, team, cap, action, params, *, parent=None, engine=Engine.FLOWMUSIC, job_id):
    api.answer(accepted(job_id))
    with cap(execute=True):
        job = jobs.submit(
            action, params, workspace=team.workspace, user=team.editor, parent=parent, engine=engine
        )
    job.refresh_from_db()
    assert job.status == JobStatus.ON_QUEUE, job.error
    assert job.provider_job_id == job_id, job.error
    return job


def poll_done(api, job, cap, clips, action):
    api.answer(
        fetched(
            job.provider_job_id,
            action=action,
            progress="100%",
            mv="Lyria 3 Pro",
            quota="4",
            clips=clips,
        )
    )
    with cap(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.SUCCESS, job.error
    return job


def sent(api) -> list:
    return [r for r in api.requests if r.method == "POST"]


def test_every_flow_music_action_by_polling(api, team, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    job = submit(
        api,
        team,
        cap,
        "music",
        {"sound_prompt": "lo-fi jazz", "title": "Night", "bpm": "92", "length": 30},
        job_id="g1",
    )
    assert job.engine == Engine.FLOWMUSIC
    assert job.action == "music"
    poll_done(api, job, cap, [api.clip("clip-root", "Night", 3.0)], "generations")
    root = Song.objects.get(job=job)
    assert (root.engine, root.music_id, root.relation) == (
        Engine.FLOWMUSIC,
        "clip-root",
        Relation.ORIGINAL,
    )
    assert root.model == "Lyria 3 Pro"
    assert root.duration == 3.0
    assert root.prompt == "lo-fi jazz"
    assert root.lyrics.startswith("[Verse 1]")
    assert root.archive_status == ArchiveStatus.DONE, root.archive_error
    assert root.audio_file.name.endswith(".wav")
    assert root.image_file.size > 0
    assert len(root.peaks) == 200

    steps = [
        (
            "extend",
            {"extend_from_s": 2.5, "extend_s": 10, "instruction": "a bridge"},
            Relation.EXTEND,
        ),
        ("replace", {"start_s": 0.5, "end_s": 1.5, "instruction": "a fill"}, Relation.REPLACE),
        ("cover", {"instruction": "as jazz", "strength": 0.7}, Relation.COVER),
    ]
    parent = root
    for n, (action, params, relation) in enumerate(steps):
        job = submit(api, team, cap, action, params, parent=parent, job_id=f"e{n}")
        assert job.params["clip_id"] == parent.music_id
        poll_done(api, job, cap, [api.clip(f"clip-{n}", action, 4.0)], action)
        song = Song.objects.get(job=job)
        assert (song.parent, song.root, song.relation, song.engine) == (
            parent,
            root,
            relation,
            Engine.FLOWMUSIC,
        )
        assert song.prompt == params["instruction"]
        assert song.archive_status == ArchiveStatus.DONE, song.archive_error
        parent = song

    job = submit(api, team, cap, "stems", {}, parent=parent, job_id="s1")
    stems = [
        api.clip(f"stem-{part}", f"cover - {part}", 4.0)
        for part in ("drums", "bass", "vocals", "other")
    ]
    poll_done(api, job, cap, stems, "stems")
    assets = parent.assets.filter(kind=AssetKind.STEM).order_by("label")
    assert [a.label for a in assets] == ["Bass", "Drums", "Other", "Vocals"]
    assert all(a.archive_status == ArchiveStatus.DONE for a in assets)

    assert [r.action for r in sent(api)] == ["generations", "extend", "replace", "cover", "stems"]
    assert all(r.problems == [] for r in api.requests)
    assert sent(api)[1].body == {
        "clip_id": "clip-root",
        "extend_from_s": 2.5,
        "extend_s": 10.0,
        "instruction": "a bridge",
    }
    assert len(lineage.family(root)) == 4


def test_a_flow_music_result_by_webhook(
    api, team, settings, client, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = "https://studio.example"
    cap = django_capture_on_commit_callbacks
    job = submit(api, team, cap, "music", {"lyrics": "la la"}, job_id="w1")
    [request] = sent(api)
    assert request.body["hook_url"].startswith("https://studio.example/")
    assert request.problems == []
    body = fetched("w1", action="generations", clips=[api.clip("clip-w", "Hooked", 2.0)]).body
    url = reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": job.hook_token})
    with cap(execute=True):
        answer = client.post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    song = Song.objects.get(job=job)
    assert song.engine == Engine.FLOWMUSIC
    assert song.title == "Hooked"
    assert song.archive_status == ArchiveStatus.DONE
    with cap(execute=True):  # delivered again: nothing changes
        again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.json()["changed"] is False
    assert Song.objects.filter(job=job).count() == 1


def test_a_failed_flow_job_keeps_the_reason(api, team, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    job = submit(api, team, cap, "music", {"sound_prompt": "x"}, job_id="f1")
    api.answer(fetched("f1", status="FAILED", message="Content policy"))
    with cap(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.FAILED
    assert "Content policy" in job.error


def flow_song(team, **fields) -> Song:
    defaults = {"music_id": "clip-a", "engine": Engine.FLOWMUSIC, "title": "A", "duration": 60.0}
    song = Song.objects.create(workspace=team.workspace, **{**defaults, **fields})
    Song.objects.filter(pk=song.pk).update(root=song)
    return song


def test_a_flow_song_takes_only_flow_music_actions(api, team):
    song = flow_song(team)
    for action in ("variation", "vocals-swap", "download", "generate-video"):
        with pytest.raises(PayloadInvalid):
            jobs.submit(action, {}, workspace=team.workspace, user=team.editor, parent=song)
    with pytest.raises(jobs.SubmitRefused, match="Flow Music"):
        jobs.submit(
            "cover",
            {"sound_prompt": "x"},
            workspace=team.workspace,
            user=team.editor,
            parent=song,
            engine=Engine.PRODUCER,
        )
    assert not Job.objects.exists()
    assert api.requests == []


def test_a_point_past_the_end_of_the_song_is_refused(api, team):
    song = flow_song(team, duration=60.0)
    with pytest.raises(PayloadInvalid) as caught:
        jobs.submit(
            "extend",
            {"extend_from_s": 61, "extend_s": 5, "instruction": "x"},
            workspace=team.workspace,
            user=team.editor,
            parent=song,
        )
    assert "extend_from_s" in caught.value.errors
    assert api.requests == []


def test_a_switched_off_engine_takes_no_job(api, team, settings):
    settings.TTAPI_DISABLED_ENGINES = ["flowmusic"]
    with pytest.raises(jobs.SubmitRefused, match="Flow Music is switched off"):
        jobs.submit(
            "music",
            {"sound_prompt": "x"},
            workspace=team.workspace,
            user=team.editor,
            engine=Engine.FLOWMUSIC,
        )
    assert not Job.objects.exists()


def test_retry_of_a_flow_job_goes_to_flow_music(api, team, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    job = submit(api, team, cap, "music", {"sound_prompt": "x", "length": 12}, job_id="r1")
    jobs.mark_failed(job, "gave up")
    api.answer(accepted("r2"))
    with cap(execute=True):
        again = jobs.retry(Job.objects.get(pk=job.pk), team.editor)
    again.refresh_from_db()
    assert again.engine == Engine.FLOWMUSIC
    assert again.provider_job_id == "r2"
    assert sent(api)[-1].action == "generations"
    assert sent(api)[-1].body["length"] == 12


def test_lyria_3_preview_is_a_producer_model_sent_as_mv(
    team, settings, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json={"status": "SUCCESS", "data": {"jobId": "p1"}})

    settings.TTAPI_API_KEY = "producer-key-123"
    settings.TTAPI_MODELS = []
    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(handler))
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(
            "music",
            {"sound_prompt": "x", "mv": "Lyria 3 preview"},
            workspace=team.workspace,
            user=team.editor,
        )
    assert job.engine == Engine.PRODUCER
    assert seen[0].url.path == "/producer/v1/music"
    assert json.loads(seen[0].content) == {"sound_prompt": "x", "mv": "Lyria 3 preview"}


def send_answered(api, team, cap, answer) -> Job:
    api.answer(answer)
    with cap(execute=True):
        job = jobs.submit(
            "music",
            {"sound_prompt": "x"},
            workspace=team.workspace,
            user=team.editor,
            engine=Engine.FLOWMUSIC,
        )
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        (
            Answer(402, body={"status": "FAILED", "message": "Insufficient balance", "data": None}),
            JobStatus.FAILED,
            "run out of credit",
        ),
        (
            Answer(200, body={"status": "FAILED", "message": "Parameter error", "data": None}),
            JobStatus.FAILED,
            "refused the request: Parameter error",
        ),
        (
            Answer(410, body={"status": "FAILED", "message": "gone", "data": None}),
            JobStatus.FAILED,
            "retired this action (Generate)",
        ),
        (
            Answer(499, body={"status": "FAILED", "message": "queue full", "data": None}),
            JobStatus.SUBMITTING,
            "sends it again automatically",
        ),
        (
            Answer(502, raw="<html>Bad gateway</html>", content_type="text/html"),
            JobStatus.UNKNOWN,
            "checked rather than sent again",
        ),
        (accepted("jid-camel", "jobId"), JobStatus.ON_QUEUE, ""),
    ],
)
def test_each_submit_answer_leaves_a_readable_job(
    api, team, django_capture_on_commit_callbacks, answer, status, words
):
    job = send_answered(api, team, django_capture_on_commit_callbacks, answer)
    assert job.status == status, job.error
    assert words in job.error, job.error
    assert len(sent(api)) == 1  # never sent twice
    if status == JobStatus.ON_QUEUE:
        assert job.provider_job_id == "jid-camel"


def test_a_fetch_fault_leaves_the_job_running_with_a_reason(
    api, team, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    job = submit(api, team, cap, "music", {"sound_prompt": "x"}, job_id="q1")
    api.answer(*[Answer(500, body={"status": "FAILED", "message": "boom", "data": None})] * 3)
    with cap(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.ON_QUEUE
    assert "Could not check the job" in job.error
    api.answer(fetched("q1", status="PENDING_QUEUE", progress="10%"))
    with cap(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.ON_QUEUE
    assert job.progress == 10


def test_numbers_as_numbers_or_strings_and_an_expired_file(
    api, team, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    job = submit(api, team, cap, "music", {"sound_prompt": "x"}, job_id="n1")
    clip = api.clip("clip-n", "Numbers", 2.0, duration=2.0)
    del api.files["/files/clip-n.wav"]  # the provider's link has expired: 404
    api.answer(fetched("n1", progress=100, quota=4, clips=[clip]))
    with cap(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.SUCCESS
    assert job.quota == 4
    assert job.progress == 100
    song = Song.objects.get(job=job)
    assert song.duration == 2.0
    assert song.archive_status != ArchiveStatus.DONE
    assert "404" in song.archive_error
