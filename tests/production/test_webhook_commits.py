"""On PostgreSQL the webhook does not wait for its commits to reach the disk when the result
could be fetched again (the job has its provider id); the setting never outlives the request."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from studio import jobs
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
    apply_result = jobs.apply_result

    def spy(job, payload):
        values.append(synchronous_commit())
        return apply_result(job, payload)

    monkeypatch.setattr(jobs, "apply_result", spy)
    return values


@pytest.mark.parametrize(("provider_job_id", "inside"), [("prov-1", "off"), ("", "on")])
def test_lazy_commits_only_for_refetchable_results(team, seen, provider_job_id, inside):
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
    assert seen == [inside]
    assert synchronous_commit() == "on"  # reset for whatever uses the connection next
    assert Song.objects.filter(job=job).count() == 1
