"""The admin: every model listed in constant queries, keys never shown, actions on jobs."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contract.producer import Action
from studio.models import ActivityEvent, Job, JobStatus, Song
from studio.models.activity import record
from tests.conftest import make_user
from tests.staff import history

pytestmark = pytest.mark.django_db

KEY = "sk-live-7c1e0b5f2a9d4e3c8b6a5f4e3d2c1b0a"
MODELS = [
    "workspace",
    "membership",
    "invitation",
    "profile",
    "job",
    "song",
    "asset",
    "lyricsdraft",
    "activityevent",
    "heartbeat",
]


@pytest.fixture
def admin_client(db) -> Client:
    user = make_user("root")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_workspace_key_never_appears(team, admin_client):
    ws = team.workspace
    ws.set_api_key(KEY)
    ws.save()
    for url in (
        reverse("admin:studio_workspace_change", args=[ws.pk]),
        reverse("admin:studio_workspace_changelist"),
        reverse("admin:studio_workspace_changelist") + "?q=alice",
    ):
        page = admin_client.get(url).content.decode()
        assert KEY not in page
        assert ws.api_key_encrypted not in page
        assert ws.api_key_encrypted[:20] not in page
        assert "api_key_encrypted" not in page
        assert ws.api_key_hint in page


def test_saving_a_workspace_keeps_its_key(team, admin_client):
    ws = team.workspace
    ws.set_api_key(KEY)
    ws.save()
    url = reverse("admin:studio_workspace_change", args=[ws.pk])
    membership = ws.memberships.get(user=team.owner)
    data = {
        "name": "Renamed",
        "monthly_budget": "500",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ws.refresh_from_db()
    assert (ws.name, ws.monthly_budget, ws.get_api_key()) == ("Renamed", 500, KEY)
    assert membership.pk


@pytest.mark.parametrize("model", MODELS)
def test_every_model_lists_and_searches(team, admin_client, model):
    history.seed(team)
    record(team.workspace, team.owner, "song_created", "First song")
    url = reverse(f"admin:studio_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "alice"}).status_code == 200


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ["job", "song", "membership", "activityevent", "workspace"])
def test_lists_run_in_constant_queries(team, admin_client, model):
    url = reverse(f"admin:studio_{model}_changelist")
    history.seed(team)
    _queries(admin_client, url)
    few = _queries(admin_client, url)
    for i in range(15):
        user = make_user(f"user{i}")
        record(user.memberships.first().workspace, user, "song_created", f"Song {i}")
        Song.objects.create(workspace=team.workspace, music_id=f"m-{i}", created_by=user)
        Job.objects.create(workspace=team.workspace, user=user, action=Action.MUSIC)
    assert _queries(admin_client, url) == few


def test_job_page_links_and_pretty_payloads(team, admin_client):
    job = Job.objects.create(
        workspace=team.workspace,
        user=team.owner,
        action=Action.MUSIC,
        status=JobStatus.SUCCESS,
        params={"prompt": "<b>lofi</b> rain", "mv": "FUZZ-2.0"},
        raw={"status": "SUCCESS", "data": {"jobId": "p-1", "quota": "3"}},
        provider_job_id="p-1",
        on_emulator=True,
    )
    song = Song.objects.create(workspace=team.workspace, job=job, music_id="m-1", title="Rain")
    page = admin_client.get(reverse("admin:studio_job_change", args=[job.pk])).content.decode()
    assert "On emulator" in page  # where it was sent, and so polled
    assert '<pre class="json">' in page
    assert '"jobId": "p-1"' in page.replace("&quot;", '"')
    assert "&lt;b&gt;lofi&lt;/b&gt;" in page  # escaped, never rendered as markup
    assert reverse("admin:studio_song_change", args=[song.pk]) in page
    assert reverse("admin:studio_workspace_change", args=[team.workspace.pk]) in page
    assert job.hook_token not in page
    page = admin_client.get(reverse("admin:studio_song_change", args=[song.pk])).content.decode()
    assert reverse("admin:studio_job_change", args=[job.pk]) in page
    found = admin_client.get(reverse("admin:studio_job_changelist"), {"q": "m-1"})
    assert str(job.pk)[:8] in found.content.decode()


def test_mark_failed_action(team, admin_client):
    running = Job.objects.create(
        workspace=team.workspace, action=Action.MUSIC, status=JobStatus.ON_QUEUE
    )
    done = Job.objects.create(workspace=team.workspace, action=Action.MUSIC, status="SUCCESS")
    response = admin_client.post(
        reverse("admin:studio_job_changelist"),
        {"action": "mark_failed", "_selected_action": [running.pk, done.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "marked as failed" in page
    assert "already finished" in page
    running.refresh_from_db()
    done.refresh_from_db()
    assert running.status == JobStatus.FAILED
    assert "root" in running.error
    assert done.status == JobStatus.SUCCESS


def test_reconcile_action_reports_the_new_state(team, admin_client, monkeypatch):
    from studio.jobs import lifecycle as jobs

    job = Job.objects.create(
        workspace=team.workspace,
        action=Action.MUSIC,
        status=JobStatus.ON_QUEUE,
        provider_job_id="p-9",
    )
    seen = []

    def fake_reconcile(j):
        seen.append(j.pk)
        Job.objects.filter(pk=j.pk).update(status=JobStatus.SUCCESS)
        return j

    monkeypatch.setattr(jobs, "reconcile", fake_reconcile)
    response = admin_client.post(
        reverse("admin:studio_job_changelist"),
        {"action": "reconcile", "_selected_action": [job.pk]},
        follow=True,
    )
    assert seen == [job.pk]
    assert "reconciled: done" in response.content.decode()


def test_activity_log_is_read_only(team, admin_client):
    record(team.workspace, team.owner, "song_created", "First song")
    event = ActivityEvent.objects.get()
    url = reverse("admin:studio_activityevent_change", args=[event.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"subject": "rewritten"})
    event.refresh_from_db()
    assert event.subject == "First song"


def test_admin_is_closed_to_members(owner_client):
    response = owner_client.get(reverse("admin:studio_job_changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert User.objects.filter(is_staff=True).count() == 0


def test_the_job_list_shows_how_long_each_job_took(team, admin_client):
    from datetime import timedelta

    from django.utils import timezone

    created = timezone.now() - timedelta(hours=1)
    Job.objects.create(
        workspace=team.workspace,
        action=Action.MUSIC,
        status=JobStatus.SUCCESS,
        created_at=created,
        finished_at=created + timedelta(seconds=65, microseconds=900_000),
    )
    Job.objects.create(workspace=team.workspace, action=Action.MUSIC, created_at=created)
    page = admin_client.get(reverse("admin:studio_job_changelist")).content.decode()
    assert "1m 05s" in page
    assert "—" in page
