"""The webhook: secret path, size and shape checks, idempotent and monotonic application."""

import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from studio.jobs import views as hooks
from studio.models import Asset, Job, JobStatus, Song

from .conftest import music_body, music_entry


@pytest.fixture
def job(team) -> Job:
    return Job.objects.create(
        workspace=team.workspace,
        user=team.editor,
        action="music",
        params={"sound_prompt": "calm"},
        provider_job_id="prov-1",
        status=JobStatus.ON_QUEUE,
    )


def hook(job, token=None) -> str:
    return reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": token or job.hook_token})


def post(url, body, client=None):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return (client or Client()).post(url, data, content_type="application/json")


SUCCESS = music_body("prov-1", musics=[music_entry("song-1", "Rain")])


def test_result_applied_once(db, job):
    response = post(hook(job), SUCCESS)
    assert response.status_code == 200
    assert response.json()["changed"] is True
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS
    assert job.quota == 3
    assert job.progress == 100
    song = Song.objects.get()
    assert (song.music_id, song.title, song.job, song.root) == ("song-1", "Rain", job, song)
    assert song.created_by == job.user
    assert song.duration == 12.5


def test_wrong_or_missing_token_changes_nothing(db, job):
    before = Job.objects.values().get(pk=job.pk)
    assert post(hook(job, "x" * 43), SUCCESS).status_code == 404
    assert (
        post(
            hook(job, job.hook_token[:-1] + ("A" if job.hook_token[-1] != "A" else "B")), SUCCESS
        ).status_code
        == 404
    )
    assert post(f"/hooks/jobs/{job.pk}/", SUCCESS).status_code == 404
    other = reverse("jobs:job_hook", kwargs={"job_id": uuid.uuid4(), "token": job.hook_token})
    assert post(other, SUCCESS).status_code == 404
    assert Job.objects.values().get(pk=job.pk) == before
    assert not Song.objects.exists()


def test_rejects_bad_requests_with_a_message(db, job, settings):
    assert Client().get(hook(job)).status_code == 405
    assert post(hook(job), b"{not json").status_code == 400
    assert post(hook(job), b"\xff\xfe").status_code == 400
    assert post(hook(job), [1, 2]).json()["message"] == "The body must be a JSON object."
    assert post(hook(job), {"status": "SUCCESS"}).status_code == 400  # no job id
    other = post(hook(job), music_body("someone-else", musics=[music_entry()]))
    assert other.status_code == 400
    assert "another job" in other.json()["message"]
    settings.WEBHOOK_MAX_BYTES = 1000
    assert post(hook(job), {"pad": "x" * 2000}).status_code == 413
    assert post(hook(job), b"[" * 100_000 + b"]" * 100_000).status_code == 413
    settings.WEBHOOK_MAX_BYTES = 10**6
    assert post(hook(job), b"[" * 100_000 + b"]" * 100_000).status_code == 400
    job.refresh_from_db()
    assert job.status == JobStatus.ON_QUEUE
    assert not Song.objects.exists()


def test_twenty_deliveries_out_of_order_never_regress(db, job):
    running = music_body("prov-1", "ON_QUEUE", progress="50%")
    early = music_body("prov-1", "ON_QUEUE", progress="20%")
    failed = {"status": "FAILED", "message": "late failure", "data": {"jobId": "prov-1"}}
    assert post(hook(job), running).json()["changed"] is True
    assert post(hook(job), early).json()["changed"] is False  # progress never goes back
    job.refresh_from_db()
    assert job.progress == 50
    for body in [SUCCESS] * 20 + [running, failed, early]:
        assert post(hook(job), body).status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS
    assert job.progress == 100
    assert not job.error
    assert Song.objects.count() == 1


def test_a_late_success_still_counts_after_the_studio_gave_up(db, job):
    from studio.jobs import lifecycle as jobs

    assert jobs.mark_failed(job, "No result after 30 minutes.")
    assert post(hook(job), music_body("prov-1", "ON_QUEUE")).json()["changed"] is False
    assert post(hook(job), SUCCESS).json()["changed"] is True
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS
    assert not job.failed_locally
    # But the provider's own failure is final.
    other = Job.objects.create(
        workspace=job.workspace, action="music", provider_job_id="p2", status="ON_QUEUE"
    )
    post(hook(other), {"status": "FAILED", "message": "blocked words", "data": {"jobId": "p2"}})
    post(hook(other), music_body("p2", musics=[music_entry()]))
    other.refresh_from_db()
    assert other.status == JobStatus.FAILED
    assert "blocked words" in other.error


def test_non_song_results(db, team):
    parent = Song.objects.create(workspace=team.workspace, music_id="parent", title="Rain")

    def run(action, params, body):
        job = Job.objects.create(
            workspace=team.workspace, action=action, params=params, parent=parent,
            provider_job_id=body["data"]["jobId"], status="ON_QUEUE",
        )  # fmt: skip
        assert post(hook(job), body).status_code == 200
        job.refresh_from_db()
        return job

    stems = [music_entry(title=f"Rain ({part})") for part in ("Vocals", "Drums", "Bass")]
    run("stems", {"music_id": "parent"}, music_body("p-stems", musics=stems))
    labels = sorted(parent.assets.filter(kind="stem").values_list("label", flat=True))
    assert labels == ["Bass", "Drums", "Vocals"]
    run(
        "download",
        {"music_id": "parent", "format": "wav"},
        music_body("p-download", url="http://cdn.test/a.wav"),
    )
    assert parent.assets.get(kind="wav").remote_url == "http://cdn.test/a.wav"
    run(
        "generate-video",
        {"music_id": "parent"},
        music_body("p-generate-video", videoUrl="http://cdn.test/v.mp4"),
    )
    parent.refresh_from_db()
    assert parent.video_url == "http://cdn.test/v.mp4"
    assert parent.assets.filter(kind="video").exists()
    lyrics = run(
        "lyrics", {"prompt": "rain"}, music_body("p-lyrics", title="Rain song", lyrics="drip drop")
    )
    assert (lyrics.lyrics_draft.title, lyrics.lyrics_draft.text) == ("Rain song", "drip drop")
    empty = run("download", {"music_id": "parent", "format": "mp3"}, music_body("p-download-2"))
    assert empty.status == JobStatus.FAILED
    assert "no file" in empty.error


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers: concurrency needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_make_one_song(team):
    job = Job.objects.create(
        workspace=team.workspace, action="music", provider_job_id="prov-1", status="ON_QUEUE"
    )
    url = hook(job)
    bodies = [SUCCESS] * 17 + [music_body("prov-1", "ON_QUEUE", progress="60%")] * 3
    codes: list[int] = []
    barrier = threading.Barrier(len(bodies))

    def deliver(body):
        try:
            client = Client()
            barrier.wait()
            codes.append(post(url, body, client).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job.refresh_from_db()
    assert codes == [200] * 20
    assert job.status == JobStatus.SUCCESS
    assert Song.objects.filter(job=job).count() == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
music_like = st.fixed_dictionaries(
    {},
    optional={
        "musicId": st.text(max_size=80) | st.integers() | st.none(),
        "title": json_values, "durations": json_values, "audioUrl": json_values,
        "seed": json_values, "imageUrl": json_values,
    },
)  # fmt: skip
result_like = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["SUCCESS", "FAILED", "ON_QUEUE", "PENDING_QUEUE"]) | json_values,
        "message": json_values,
        "data": st.fixed_dictionaries(
            {},
            optional={
                "jobId": st.sampled_from(["prov-1", "other"]) | st.text(max_size=80) | json_values,
                "progress": json_values, "quota": json_values,
                "musics": st.lists(music_like, max_size=3) | json_values,
                "url": json_values, "videoUrl": json_values, "lyrics": json_values,
            },
        ) | json_values,
    },
)  # fmt: skip


@hsettings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.one_of(result_like, json_values, st.binary(max_size=200)))
def test_random_bodies_never_give_a_500(job, body):
    Job.objects.filter(pk=job.pk).update(status="ON_QUEUE", failed_locally=False)
    data = body if isinstance(body, bytes) else json.dumps(body)
    # The view itself (routing and middleware are covered above), so 300 bodies stay fast;
    # bench/fuzz.py sends many more through the whole stack.
    request = RequestFactory().post(hook(job), data, content_type="application/json")
    response = hooks.job_hook(request, job_id=job.pk, token=job.hook_token)
    assert response.status_code in (200, 400, 413), response.content
    assert Job.objects.get(pk=job.pk).status in JobStatus.values
    assert not Asset.objects.exists()
