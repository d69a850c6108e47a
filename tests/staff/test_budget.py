"""The monthly budget stops submissions, end to end, with a message that says why."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from contract.producer import Action
from studio.jobs import ledger
from studio.jobs import lifecycle as jobs
from studio.models import Job, JobStatus

pytestmark = pytest.mark.django_db
# PostgreSQL hands the sum back as 30.00, SQLite as 30.
SPENT_ALL = re.compile(r"spent 30(\.00)? of its 30 credits")


def _charge(team, quota, **extra) -> Job:
    return Job.objects.create(
        workspace=team.workspace,
        user=team.editor,
        action=Action.MUSIC,
        status=JobStatus.SUCCESS,
        quota=quota,
        **extra,
    )


@pytest.fixture
def at_budget(team):
    team.workspace.monthly_budget = 30
    team.workspace.save()
    _charge(team, 30)
    return team


def test_submit_at_the_budget_is_refused(at_budget):
    team = at_budget
    with pytest.raises(jobs.SubmitRefused) as refused:
        jobs.submit(
            Action.MUSIC,
            {"sound_prompt": "calm piano", "mv": "FUZZ-2.0"},
            workspace=team.workspace,
            user=team.editor,
        )
    assert SPENT_ALL.search(refused.value.message)
    assert "monthly budget" in refused.value.message
    assert Job.objects.count() == 1  # nothing was created


def _create_form_data() -> dict:
    """What the create page posts when only the sound is filled in (the other defaults)."""
    from studio.library.forms import CreateForm

    fields = CreateForm().fields.items()
    data = {name: f.initial for name, f in fields if f.initial not in (None, "", False)}
    return {**data, "sound_prompt": "calm piano"}


def test_create_page_says_why_and_usage_page_agrees(at_budget, editor_client, owner_client):
    response = editor_client.post(reverse("library:create"), _create_form_data())
    assert response.status_code == 400
    page = response.content.decode()
    assert SPENT_ALL.search(page)
    assert "monthly budget" in page
    assert Job.objects.count() == 1
    usage = owner_client.get(reverse("workspaces:workspace_usage")).content.decode()
    assert "The monthly budget is used up." in usage
    assert "100 %" in usage


def test_last_month_does_not_count(team, editor_client, django_capture_on_commit_callbacks):
    team.workspace.monthly_budget = 30
    team.workspace.save()
    last_month = ledger.month_start() - timedelta(days=2)
    _charge(team, 30, created_at=last_month)
    with django_capture_on_commit_callbacks():
        job = jobs.submit(
            Action.MUSIC,
            {"sound_prompt": "calm piano", "mv": "FUZZ-2.0"},
            workspace=team.workspace,
            user=team.editor,
        )
    assert job.status == JobStatus.SUBMITTING
