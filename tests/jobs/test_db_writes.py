"""studio.db: a song result written in one statement (PostgreSQL) leaves exactly the rows the
ORM path (every database) leaves; the plain-SQL helpers they use agree with the ORM."""

import json

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django_tasks_db.models import DBTaskResult

from studio import db as studio_db
from studio.db import general, postgresql, rows
from studio.jobs import archive
from studio.jobs import lifecycle as jobs
from studio.models import ActivityEvent, Job, JobStatus, Relation, Song

from .conftest import music_body, music_entry

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's"
)


@pytest.fixture(
    params=[
        pytest.param(postgresql, id="postgresql", marks=postgres_only),
        pytest.param(general, id="general"),
    ]
)
def writer(request, monkeypatch):
    """Each way of writing a song result, chosen in place of the database's own."""
    monkeypatch.setattr(studio_db, "writes", lambda: request.param)
    return request.param


@pytest.fixture
def queue_in_db(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def remix_job(team, parent: Song, provider_id: str) -> Job:
    return Job.objects.create(
        workspace=team.workspace,
        user=team.editor,
        action="extend",
        parent=parent,
        params={"music_id": parent.music_id, "sound_prompt": "more piano", "starts": 30},
        provider_job_id=provider_id,
        status=JobStatus.ON_QUEUE,
    )


def written(job: Job) -> dict:
    """What applying the result left, without ids and clock times."""

    def same(value):  # the provider's ids differ between the two jobs
        return json.loads(json.dumps(value, default=str).replace(job.provider_job_id, "*"))

    clock = ["id", "music_id", "job", "root", "created_at", "archive_next_at"]
    songs = [
        {name: same(value) for name, value in model_to_dict(song, exclude=clock).items()}
        | {"root_is_parents": song.root_id == job.parent.root_id}
        for song in Song.objects.filter(job=job).order_by("title")
    ]
    events = [
        (event.verb, same(event.subject), event.actor_id)
        for event in ActivityEvent.objects.filter(song__job=job).order_by("subject")
    ]
    job.refresh_from_db()
    return {"status": job.status, "quota": job.quota, "songs": songs, "events": events}


@postgres_only
def test_one_statement_writes_what_the_orm_path_writes(db, team, queue_in_db, monkeypatch):
    parent = Song.objects.create(workspace=team.workspace, music_id="parent", title="Parent")
    one, orm = remix_job(team, parent, "prov-1"), remix_job(team, parent, "prov-2")

    def result(job):
        return music_body(
            job.provider_job_id,
            musics=[
                music_entry(f"{job.provider_job_id}-a", "Longer"),
                music_entry(f"{job.provider_job_id}-b", "", lyrics=""),  # falls back to params
            ],
        )

    assert studio_db.writes() is postgresql  # this database's own
    assert jobs.apply_result(one, result(one)) is True
    with monkeypatch.context() as patch:
        patch.setattr(studio_db, "writes", lambda: general)
        assert jobs.apply_result(orm, result(orm)) is True

    assert written(one) == written(orm)
    songs = Song.objects.filter(job__in=[one, orm])
    assert {song.relation for song in songs} == {Relation.EXTEND}
    assert all(song.parent_id == parent.pk and song.root_id == parent.pk for song in songs)
    # One archive task each, naming that result's songs, alike in every other column.
    tasks_by_job = {}
    for task in DBTaskResult.objects.all():
        (job_id,) = set(
            Song.objects.filter(pk__in=task.args_kwargs["args"][0]).values_list("job", flat=True)
        )
        tasks_by_job[job_id] = task
    assert set(tasks_by_job) == {one.pk, orm.pk}
    mine, theirs = (
        model_to_dict(tasks_by_job[job.pk], exclude=["id", "args_kwargs", "enqueued_at"])
        for job in (one, orm)
    )
    assert mine == theirs
    for job in (one, orm):
        assert sorted(tasks_by_job[job.pk].args_kwargs["args"][0]) == sorted(
            str(pk) for pk in Song.objects.filter(job=job).values_list("pk", flat=True)
        )


def test_a_lost_race_writes_nothing(db, team, queue_in_db, writer):
    job = remix_job(team, Song.objects.create(workspace=team.workspace, music_id="p"), "prov-1")
    stale = Job.objects.get(pk=job.pk)  # read before the other delivery won
    body = music_body("prov-1", musics=[music_entry("x", "X")])
    assert jobs.apply_result(job, body) is True
    assert jobs.apply_result(stale, body) is False
    assert Song.objects.filter(job=job).count() == 1
    assert ActivityEvent.objects.filter(song__job=job).count() == 1
    assert DBTaskResult.objects.count() == 1


def test_archive_row_is_the_row_enqueue_writes(db, queue_in_db):
    enqueued = archive.archive_files.enqueue(["s1", "s2"], ["a1"])
    ours = archive.archive_row(["s1", "s2"], ["a1"])
    rows.insert(DBTaskResult, [ours])
    theirs, mine = (DBTaskResult.objects.get(pk=pk) for pk in (enqueued.id, ours.pk))
    assert model_to_dict(mine, exclude=["id", "enqueued_at"]) == model_to_dict(
        theirs, exclude=["id", "enqueued_at"]
    )
    assert mine.task_result.task == theirs.task_result.task  # the worker reads it back alike


def test_archive_row_only_for_a_queue_in_this_database(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    assert archive.archive_row(["s1"]) is None


def test_known_songs_are_filled_in_not_written_again(db, team, queue_in_db, writer):
    parent = Song.objects.create(workspace=team.workspace, music_id="p")
    other = remix_job(team, parent, "prov-0")
    known = Song.objects.create(workspace=team.workspace, job=other, music_id="known", title="")
    job = remix_job(team, parent, "prov-1")
    body = music_body("prov-1", musics=[music_entry("new", "New"), music_entry("known", "Known")])
    assert jobs.apply_result(job, body) is True
    assert set(Song.objects.values_list("music_id", flat=True)) == {"p", "new", "known"}
    known.refresh_from_db()
    assert (known.job, known.title) == (other, "Known")  # filled in, lineage kept
    assert list(ActivityEvent.objects.values_list("song__music_id", flat=True)) == ["new"]
    queued = {pk for task in DBTaskResult.objects.all() for pk in task.args_kwargs["args"][0]}
    assert {str(known.pk), str(Song.objects.get(music_id="new").pk)} <= queued


@postgres_only
def test_the_job_update_compiled_once_is_the_orms_statement(db, team):
    job = remix_job(team, Song.objects.create(workspace=team.workspace, music_id="p"), "prov-1")
    for changes in (
        {"status": JobStatus.SUCCESS, "progress": 100, "quota": None, "raw": {"a": [1, "ü"]}},
        {"status": JobStatus.SUCCESS, "progress": 100, "quota": "2.50", "raw": None},
    ):
        cached = postgresql._job_update(job, jobs.LATE_RESULT_OK, changes)
        assert cached[0] == postgresql._compiled_update(job.pk, jobs.LATE_RESULT_OK, changes)[0]
        with connection.cursor() as cursor:  # the values bind where the ORM's would
            cursor.execute(*cached)
            assert cursor.fetchone() == (job.pk,)
        saved = Job.objects.values(*changes).get(pk=job.pk)
        assert {**saved, "quota": saved["quota"] and str(saved["quota"])} == changes
        Job.objects.filter(pk=job.pk).update(status=JobStatus.ON_QUEUE)
    # The condition's own values bind too: a job the provider failed does not move.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, failed_locally=False)
    with connection.cursor() as cursor:
        cursor.execute(*postgresql._job_update(job, jobs.LATE_RESULT_OK, {"progress": 5}))
        assert cursor.fetchone() is None
