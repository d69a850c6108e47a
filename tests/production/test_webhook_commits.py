"""On PostgreSQL a result's transaction does not wait for its commit to reach the disk: by then
the job's provider id is stored (committed first when the result brought it), so the result could
be fetched again. The setting is local to that transaction and never outlives it."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from studio import results
from studio.models import Job, JobStatus, Song

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is a PostgreSQL setting"
)


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def result(provider_job_id: str) -> str:
    music = {"musicId": str(uuid.uuid4()), "title": "Rain", "audioUrl": "http://cdn.test/a.mp3"}
    data = {"jobId": provider_job_id, "progress": "100%", "quota": "3", "musics": [music]}
    return json.dumps({"status": "SUCCESS", "message": "success", "data": data})


@pytest.fixture
def seen(monkeypatch, settings) -> list[str]:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    values: list[str] = []
    record_outputs = results.record_outputs

    def spy(job, result):  # inside the transaction that records the result
        values.append(synchronous_commit())
        return record_outputs(job, result)

    monkeypatch.setattr(results, "record_outputs", spy)
    return values


@pytest.mark.django_db(transaction=True)  # the request's own transactions, as in production
@pytest.mark.parametrize("provider_job_id", ["prov-1", ""])
def test_lazy_commits_only_for_refetchable_results(team, seen, provider_job_id):
    job = Job.objects.create(
        workspace=team.workspace,
        action="music",
        params={"sound_prompt": "calm"},
        provider_job_id=provider_job_id,
        status=JobStatus.ON_QUEUE if provider_job_id else JobStatus.UNKNOWN,
    )
    url = reverse("job_hook", kwargs={"job_id": job.pk, "token": job.hook_token})
    response = Client().post(url, result("prov-1"), content_type="application/json")
    assert response.status_code == 200, response.content
    assert seen == ["off"]
    job.refresh_from_db()
    assert job.provider_job_id == "prov-1"
    assert synchronous_commit() == "on"  # reset for whatever uses the connection next
    assert Song.objects.filter(job=job).count() == 1
