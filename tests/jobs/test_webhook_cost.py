"""What one webhook delivery costs: queries for a first and a repeated delivery, one archive
task per result written with it, songs already known filled in rather than doubled."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from studio.jobs import archive
from studio.jobs import lifecycle as jobs
from studio.models import ActivityEvent, Job, JobStatus, Song, Verb
from studio.models.workspaces import _bump_live_version

from .conftest import music_body, music_entry


@pytest.fixture
def queue_in_db(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def make_job(team, provider_id="prov-1") -> Job:
    return Job.objects.create(
        workspace=team.workspace,
        user=team.editor,
        action="music",
        params={"sound_prompt": "calm"},
        provider_job_id=provider_id,
        status=JobStatus.ON_QUEUE,
    )


def deliver(job, body):
    url = reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": job.hook_token})
    return Client().post(url, json.dumps(body), content_type="application/json")


def test_first_delivery_is_a_few_queries_and_a_repeat_is_one(
    db, team, queue_in_db, django_assert_max_num_queries, django_assert_num_queries
):
    job = make_job(team)
    body = music_body("prov-1", musics=[music_entry("a", "A"), music_entry("b", "B")])
    # Read the job, move it to SUCCESS, insert the songs, their events and the archive task;
    # and open and close the transaction (here a savepoint inside the test's); and read the
    # workspace's key, to redact it from what the provider sent.
    with django_assert_max_num_queries(8):
        assert deliver(job, body).json()["changed"] is True
    already_known = {"ok": True, "message": "Already known.", "changed": False}
    # The same body again (a provider's duplicate): read, and answered from the row.
    with django_assert_num_queries(1):
        assert deliver(job, body).json() == already_known
    # The same body on another token is not that delivery: read, and refused.
    url = reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": "x" * 43})
    with django_assert_num_queries(1):
        answer = Client().post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code == 404
    # A changed body is read and answered from the row the view read.
    body["data"]["progress"] = "100 %"
    with django_assert_num_queries(1):
        assert deliver(job, body).json() == already_known
    # A different body for a finished job changes nothing either, still for one query.
    failed = music_body("prov-1", "FAILED")
    with django_assert_num_queries(1):
        assert deliver(job, failed).json()["changed"] is False
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS
    assert Song.objects.filter(job=job).count() == 2
    # The job id is still checked on a repeat.
    assert deliver(job, music_body("other", musics=[music_entry("a")])).status_code == 400


def test_one_archive_task_per_result_written_in_its_transaction(db, team, queue_in_db):
    job = make_job(team)
    deliver(job, music_body("prov-1", musics=[music_entry("a"), music_entry("b")]))
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == archive.archive_files.module_path
    songs = {str(pk) for pk in Song.objects.filter(job=job).values_list("pk", flat=True)}
    assert set(queued.args_kwargs["args"][0]) == songs
    assert queued.args_kwargs["args"][1] == []
    deliver(job, music_body("prov-1", musics=[music_entry("a"), music_entry("b")]))
    assert DBTaskResult.objects.count() == 1  # a repeat queues nothing


def test_archive_after_commit_with_a_queue_outside_the_database(db, team, monkeypatch):
    # The immediate backend would copy files inside the transaction: it waits for commit.
    ran = []
    monkeypatch.setattr(archive, "archive_song", lambda pk: ran.append(pk) or True)
    job = make_job(team)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(archive.transaction, "on_commit", lambda fn, **kw: ran.append(later(fn)))
        deliver(job, music_body("prov-1", musics=[music_entry("a")]))
    assert ran == ["later", "live pages told"]


def later(fn) -> str:
    """What a callback left for after the commit is: the live pages' bump, or other work."""
    return "live pages told" if getattr(fn, "func", None) is _bump_live_version else "later"


def test_songs_in_bulk_keep_lineage_events_and_known_songs(db, team, queue_in_db):
    other = make_job(team, "prov-0")
    known = Song.objects.create(
        workspace=team.workspace, job=other, music_id="known", title="", root=None
    )
    job = make_job(team)
    body = music_body(
        "prov-1",
        musics=[music_entry("new", "New"), music_entry("known", "Known"), music_entry("new")],
    )
    assert deliver(job, body).status_code == 200
    new = Song.objects.get(music_id="new")
    assert (new.root_id, new.job, new.created_by) == (new.pk, job, team.editor)
    known.refresh_from_db()
    assert known.job == other
    assert known.title == "Known"
    assert Song.objects.filter(workspace=team.workspace).count() == 2
    events = ActivityEvent.objects.filter(workspace=team.workspace)
    assert [(e.verb, e.song_id, e.actor) for e in events] == [
        (Verb.SONG_CREATED, new.pk, team.editor)
    ]
    # Both are archived: the new song by the task written with the result (PostgreSQL may
    # queue the one it filled in with a second task, after it).
    queued = {pk for task in DBTaskResult.objects.all() for pk in task.args_kwargs["args"][0]}
    assert {str(new.pk), str(known.pk)} <= queued
    assert set(Song.objects.values_list("pk", flat=True)) == {new.pk, known.pk}


def test_poll_lease_is_a_setting(settings):
    settings.JOB_POLL_LEASE_SECONDS = 20
    assert jobs.poll_lease().total_seconds() == 20
