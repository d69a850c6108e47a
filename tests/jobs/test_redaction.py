"""A key the provider echoes in a job's message is stored, shown and logged as ***."""

import json
import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from studio.jobs import lifecycle as jobs
from studio.models import Job, JobStatus
from tests.jobs.conftest import music_body

WORKSPACE_KEY = "tt-workspace-key-5f3a9c1d2e"
SITE_KEY = "tt-site-key-77aa88bb99cc"


@pytest.fixture
def staff_client(db) -> Client:
    user = User.objects.create_user("root", "root@example.com", "pw")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def failed_with(fake_api, job: Job, secret: str) -> dict:
    jobs.poll(job.pk)  # sends it
    job.refresh_from_db()
    body = music_body(job.provider_job_id, "FAILED")
    body["message"] = f"Invalid key {secret} for this action"
    body["data"]["debug"] = {"key": secret, secret: "header"}
    fake_api.results[job.provider_job_id] = body
    return body


def shown_everywhere(team, staff_client, job, secret):
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED, (job.provider_job_id, job.error)
    assert secret not in job.error
    assert "Invalid key *** for this action" in job.error
    assert secret not in json.dumps(job.raw)
    assert "***" in json.dumps(job.raw)
    pages = [
        team.client_for(team.viewer).get(reverse("library:library")),
        staff_client.get(reverse("staff:staff_dashboard")),
        staff_client.get(reverse("admin:studio_job_change", args=[job.pk])),
        staff_client.get(reverse("admin:studio_job_changelist")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert secret not in page.content.decode()
    assert "***" in pages[0].content.decode()


def test_workspace_key_in_a_failed_message(team, fake_api, staff_client, caplog):
    team.workspace.set_api_key(WORKSPACE_KEY)
    team.workspace.save()
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    failed_with(fake_api, job, WORKSPACE_KEY)
    with caplog.at_level(logging.DEBUG):
        jobs.poll(job.pk)
    assert WORKSPACE_KEY not in caplog.text
    shown_everywhere(team, staff_client, job, WORKSPACE_KEY)


def test_site_key_in_a_webhook(team, fake_api, staff_client, settings):
    settings.TTAPI_API_KEY = SITE_KEY
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    body = failed_with(fake_api, job, SITE_KEY)
    url = reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": job.hook_token})
    response = Client().post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    shown_everywhere(team, staff_client, job, SITE_KEY)
