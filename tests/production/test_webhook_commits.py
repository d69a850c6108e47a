"""On PostgreSQL a result's transaction does not wait for its commit to reach the disk: by then
the job's provider id is stored (committed first when the result brought it), so the result could
be fetched again. The setting is local to that transaction and never outlives it, and a caller's
own transaction is never relaxed."""

import json
import uuid

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from studio import db as studio_db
from studio.db import general
from studio.jobs import lifecycle as jobs
from studio.models import Job, JobStatus, Song

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is a PostgreSQL setting"
)


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def result(provider_job_id: str) -> dict:
    music = {"musicId": str(uuid.uuid4()), "title": "Rain", "audioUrl": "http://cdn.test/a.mp3"}
    data = {"jobId": provider_job_id, "progress": "100%", "quota": "3", "musics": [music]}
    return {"status": "SUCCESS", "message": "success", "data": data}


@pytest.fixture
def modes(settings):
    """synchronous_commit as the songs are inserted, written down by a statement trigger."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_commit_modes (mode text)")
        cursor.execute(
            "CREATE FUNCTION test_note_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO test_commit_modes "
            "VALUES (current_setting('synchronous_commit')); RETURN NULL; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_note_commit_mode AFTER INSERT ON studio_song "
            "FOR EACH STATEMENT EXECUTE FUNCTION test_note_commit_mode()"
        )

    def seen() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT mode FROM test_commit_modes")
            return [mode for (mode,) in cursor.fetchall()]

    yield seen
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_note_commit_mode ON studio_song")
        cursor.execute("DROP FUNCTION test_note_commit_mode()")
        cursor.execute("DROP TABLE test_commit_modes")


def new_job(team, provider_job_id: str) -> Job:
    return Job.objects.create(
        workspace=team.workspace,
        action="music",
        params={"sound_prompt": "calm"},
        provider_job_id=provider_job_id,
        status=JobStatus.ON_QUEUE if provider_job_id else JobStatus.UNKNOWN,
    )


@pytest.mark.django_db(transaction=True)  # the request's own transactions, as in production
@pytest.mark.parametrize("one_statement", [True, False], ids=["one-statement", "orm"])
@pytest.mark.parametrize("provider_job_id", ["prov-1", ""], ids=["id-known", "id-in-result"])
def test_lazy_commits_only_for_refetchable_results(
    team, modes, monkeypatch, provider_job_id, one_statement
):
    if not one_statement:  # the path of every other database
        monkeypatch.setattr(studio_db, "writes", lambda: general)
    job = new_job(team, provider_job_id)
    url = reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": job.hook_token})
    body = json.dumps(result("prov-1"))
    response = Client().post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert modes() == ["off"]
    job.refresh_from_db()
    assert job.provider_job_id == "prov-1"
    assert job.status == JobStatus.SUCCESS
    assert synchronous_commit() == "on"  # reset for whatever uses the connection next
    assert Song.objects.filter(job=job).count() == 1
    # A repeat is answered from the row: nothing written, nothing relaxed.
    assert Client().post(url, body, content_type="application/json").json()["changed"] is False
    assert modes() == ["off"]


@pytest.mark.django_db(transaction=True)
def test_a_callers_transaction_is_never_relaxed(team, modes):
    job = new_job(team, "prov-1")
    with transaction.atomic():
        assert jobs.apply_result(job, result("prov-1")) is True
        assert synchronous_commit() == "on"
    assert modes() == ["on"]
    assert Song.objects.filter(job=job).count() == 1
