"""Who may see the staff dashboard, the usage page and the activity log, and what they show."""

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contract.producer import Action
from studio.jobs import ledger
from studio.models import ActivityEvent, Job, JobStatus, Song, Verb
from studio.models.activity import record
from studio.staff import dashboard
from tests.conftest import make_user
from tests.staff import history

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db) -> User:
    user = make_user("sam")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


# --- Staff dashboard ----------------------------------------------------------------------


def test_dashboard_is_hidden_from_everyone_but_staff(team, owner_client, outsider_client):
    url = reverse("staff:staff_dashboard")
    assert Client().get(url).status_code == 404
    assert owner_client.get(url).status_code == 404
    assert outsider_client.get(url).status_code == 404
    # A superuser flag alone does not make someone staff; an inactive staff member is out.
    team.owner.is_superuser = True
    team.owner.save()
    assert owner_client.get(url).status_code == 404


def test_dashboard_shows_the_figures(team, staff_client):
    seeded = history.seed(team)
    response = staff_client.get(reverse("staff:staff_dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Staff dashboard" in page
    assert history.POLICY in page
    assert "1 m 40 s" in page  # music median: 100 s
    assert "3 m 10 s" in page  # music p95: 190 s
    assert "<svg" in page
    assert 'style="' not in page
    assert str(seeded.stuck[0].pk)[:8] in page
    assert reverse("staff:staff_job_reconcile", args=[seeded.stuck[0].pk]) in page
    assert reverse("staff:staff_song_archive", args=[seeded.failed_song.pk]) in page
    for key in ("24h", "30d", "bogus"):
        assert (
            staff_client.get(reverse("staff:staff_dashboard"), {"period": key}).status_code == 200
        )


def _count_queries(client: Client, url: str) -> int:
    """Queries a page sends, not counting transaction control (savepoints, SET LOCAL)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")
    return sum(not query["sql"].startswith(control) for query in queries)


def test_dashboard_queries_do_not_grow_with_history(team, staff_client):
    url = reverse("staff:staff_dashboard")
    _count_queries(staff_client, url)  # first request: session and profile set-up
    empty = _count_queries(staff_client, url)
    history.seed(team, copies=1)
    small = _count_queries(staff_client, url)
    Job.objects.all().delete()
    Song.objects.all().delete()
    history.seed(team, copies=30)
    large = _count_queries(staff_client, url)
    assert small == large
    assert empty == large - 1  # no spending to name the workspaces of
    assert large <= 18  # 12 for the figures, the rest session, user and workspace menu


def test_running_jobs_page_by_cursor_oldest_first(team, staff_client):
    now = timezone.now()
    Job.objects.bulk_create(
        Job(
            workspace=team.workspace,
            user=team.owner,
            action=Action.MUSIC,
            status=JobStatus.ON_QUEUE,
            provider_job_id=f"running-{i:02d}",
            created_at=now - timedelta(minutes=i),
        )
        for i in range(dashboard.RUNNING_PER_PAGE + 5)
    )
    jobs = {job.pk: job.provider_job_id for job in Job.objects.all()}
    url = reverse("staff:staff_dashboard")

    def shown(page: str) -> list[str]:
        found = re.findall(r'href="/admin/studio/job/([0-9a-f-]+)/change/"', page)
        return [jobs[uuid.UUID(pk)] for pk in found]

    first = staff_client.get(url, {"period": "30d"}).content.decode()
    oldest = sorted(jobs.values(), reverse=True)
    assert shown(first) == oldest[: dashboard.RUNNING_PER_PAGE]
    assert "30 running jobs, oldest first" in first
    assert 'rel="prev"' not in first
    newer = html.unescape(re.search(r'<a href="\?([^"]*)" rel="next">Newer', first).group(1))
    assert "period=30d" in newer
    second = staff_client.get(url + "?" + newer).content.decode()
    assert shown(second) == oldest[dashboard.RUNNING_PER_PAGE :]
    assert 'rel="next"' not in second
    assert 'rel="prev">← Older' in second
    # A page deep in the list costs the queries the first one costs.
    assert _count_queries(staff_client, url + "?" + newer) == _count_queries(staff_client, url)
    bad = staff_client.get(url, {"after": "not-a-cursor"})
    assert bad.status_code == 400
    assert b"page link of running jobs is not valid" in bad.content


def test_dashboard_buttons_are_staff_only_posts(team, staff_client, owner_client):
    seeded = history.seed(team)
    job = seeded.stuck[0]
    url = reverse("staff:staff_job_fail", args=[job.pk])
    assert owner_client.post(url).status_code == 404
    assert Client().post(url).status_code == 404
    assert staff_client.get(url).status_code == 405
    # CSRF is enforced on the buttons.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(username="sam"))
    assert strict.post(url).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.ON_QUEUE


def test_mark_failed_from_the_dashboard(team, staff_client):
    seeded = history.seed(team)
    job = seeded.stuck[0]
    response = staff_client.post(
        reverse("staff:staff_job_fail", args=[job.pk]), {"period": "24h"}, follow=True
    )
    assert (
        response.redirect_chain[-1][0] == reverse("staff:staff_dashboard") + "?period=24h#attention"
    )
    assert "marked as failed" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.failed_locally
    assert "sam" in job.error
    # A second click changes nothing and says so.
    response = staff_client.post(reverse("staff:staff_job_fail", args=[job.pk]), follow=True)
    assert "already finished" in response.content.decode()


def test_poll_soon_moves_the_next_poll_to_now(team, staff_client):
    seeded = history.seed(team)
    job = seeded.stuck[0]
    Job.objects.filter(pk=job.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    staff_client.post(reverse("staff:staff_job_poll_soon", args=[job.pk]))
    job.refresh_from_db()
    assert job.next_poll_at <= timezone.now()


def test_retry_archiving_from_the_dashboard(team, staff_client, django_capture_on_commit_callbacks):
    seeded = history.seed(team)
    song = seeded.failed_song
    with django_capture_on_commit_callbacks():
        response = staff_client.post(reverse("staff:staff_song_archive", args=[song.pk]))
    assert response.status_code == 302
    song.refresh_from_db()
    assert (song.archive_status, song.archive_attempts, song.archive_error) == ("pending", 0, "")


def test_unknown_objects_are_404_for_staff(staff_client):
    import uuid

    assert (
        staff_client.post(reverse("staff:staff_job_fail", args=[uuid.uuid4()])).status_code == 404
    )


# --- Usage ------------------------------------------------------------------------------------


def test_usage_is_for_owners_and_editors(team, owner_client, editor_client, viewer_client):
    url = reverse("workspaces:workspace_usage")
    assert owner_client.get(url).status_code == 200
    assert editor_client.get(url).status_code == 200
    assert viewer_client.get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page


def test_usage_of_another_workspace_is_404_for_outsiders(team, outsider_client, viewer_client):
    url = reverse("workspaces:workspace_usage_for", args=[team.workspace.pk])
    assert outsider_client.get(url).status_code == 404
    assert viewer_client.get(url).status_code == 403


def _spend(team, quota: int) -> None:
    Job.objects.create(
        workspace=team.workspace,
        user=team.editor,
        action=Action.MUSIC,
        status=JobStatus.SUCCESS,
        quota=quota,
        params={"prompt": "a very expensive anthem"},
    )


def test_owner_is_warned_near_the_budget(team, owner_client, editor_client):
    team.workspace.monthly_budget = 100
    team.workspace.save()
    _spend(team, 79)
    page = owner_client.get(reverse("workspaces:workspace_usage")).content.decode()
    assert "of the monthly budget is spent" not in page
    _spend(team, 1)
    page = owner_client.get(reverse("workspaces:workspace_usage")).content.decode()
    assert "80 % of the monthly budget is spent" in page
    assert "a very expensive anthem" in page  # among the most expensive jobs
    # Editors see the figures but the warning is for owners.
    page = editor_client.get(reverse("workspaces:workspace_usage")).content.decode()
    assert "of the monthly budget is spent" not in page
    _spend(team, 20)
    for client in (owner_client, editor_client):
        page = client.get(reverse("workspaces:workspace_usage")).content.decode()
        assert "The monthly budget is used up." in page


def test_usage_page_query_count_is_constant(team, owner_client):
    url = reverse("workspaces:workspace_usage")
    _count_queries(owner_client, url)
    few = _count_queries(owner_client, url)
    for _ in range(30):
        _spend(team, 2)
    assert _count_queries(owner_client, url) == few


# --- Activity ---------------------------------------------------------------------------------


def test_activity_is_for_every_member(team, owner_client, viewer_client, outsider_client):
    record(team.workspace, team.owner, Verb.BUDGET_CHANGED, "set to 100 credits")
    url = reverse("workspaces:workspace_activity_for", args=[team.workspace.pk])
    page = viewer_client.get(url).content.decode()
    assert "changed the budget" in page
    assert "set to 100 credits" in page
    assert outsider_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert (
        "set to 100 credits"
        not in outsider_client.get(reverse("workspaces:workspace_activity")).content.decode()
    )


def test_activity_is_newest_first_and_paginated(team, owner_client):
    now = timezone.now()
    ActivityEvent.objects.bulk_create(
        ActivityEvent(
            workspace=team.workspace,
            actor=team.owner,
            verb=Verb.SONG_CREATED,
            subject=f"Song number {i:03d}",
            created_at=now - timedelta(minutes=i),
        )
        for i in range(60)
    )
    page = owner_client.get(reverse("workspaces:workspace_activity")).content.decode()
    assert page.index("Song number 000") < page.index("Song number 001")
    assert "Song number 049" in page
    assert "Song number 050" not in page
    assert 'rel="prev"' not in page
    older = re.search(r'<a href="\?([^"]*)" rel="next">Older', page).group(1)
    page2 = owner_client.get(reverse("workspaces:workspace_activity") + "?" + html.unescape(older))
    page2 = page2.content.decode()
    assert "Song number 050" in page2
    assert "Song number 059" in page2
    assert "Song number 049" not in page2
    assert 'rel="next"' not in page2
    assert 'rel="prev">← Newer' in page2
    assert (
        owner_client.get(reverse("workspaces:workspace_activity"), {"page": "x"}).status_code == 200
    )
    bad = owner_client.get(reverse("workspaces:workspace_activity"), {"after": "x"})
    assert bad.status_code == 400
    assert b"page link is not valid" in bad.content
    filtered = owner_client.get(reverse("workspaces:workspace_activity"), {"verb": "member_left"})
    assert "Song number" not in filtered.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
@pytest.mark.django_db(transaction=True)  # each request its own transaction, as in production
def test_figures_are_planned_for_their_period(team, staff_client, owner_client, monkeypatch):
    def plan_mode() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return cursor.fetchone()[0]

    seen = []

    def spy(original):
        return lambda *args, **kwargs: seen.append(plan_mode()) or original(*args, **kwargs)

    # One step inside each: the dashboard's job figures, the usage page's month.
    monkeypatch.setattr(dashboard, "job_figures", spy(dashboard.job_figures))
    monkeypatch.setattr(ledger, "month_start", spy(ledger.month_start))
    assert staff_client.get(reverse("staff:staff_dashboard")).status_code == 200
    assert owner_client.get(reverse("workspaces:workspace_usage")).status_code == 200
    assert seen == ["force_custom_plan", "force_custom_plan"]
    assert plan_mode() == "auto"  # for those requests' transactions only
