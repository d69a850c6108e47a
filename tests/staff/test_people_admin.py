"""Staff see each person's confirmed address, spending on the studio's key this month
against their budget, and workspaces against their limit, and change them per person."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studio.models import Job, JobStatus, Profile, Workspace
from tests.conftest import make_user

LIST = reverse("admin:studio_profile_changelist")


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def spend(user, quota, *, site_key=True):
    workspace = Workspace.objects.filter(memberships__user=user).first()
    Job.objects.create(
        workspace=workspace,
        user=user,
        action="music",
        status=JobStatus.SUCCESS,
        quota=Decimal(quota),
        on_site_key=site_key,
    )


def row(page: str, username: str) -> str:
    start = page.index(f">{username}<")
    return page[start : page.index("</tr>", start)]


def test_the_list_shows_spending_budget_and_confirmation(staff_client, settings):
    settings.PERSON_MONTHLY_BUDGET = 100
    dora = make_user("dora")
    newcomer = make_user("newcomer", verified=False)
    spend(dora, 12)
    spend(dora, "4.5")
    spend(dora, 50, site_key=False)  # on a workspace's own key: not the person's
    Profile.objects.filter(user=newcomer).update(monthly_budget=20, max_workspaces=1)
    page = staff_client.get(LIST).content.decode()
    assert "16.5" in row(page, "dora")
    assert "100 (the default)" in row(page, "dora")
    assert "1 / 3" in row(page, "dora")
    assert 'alt="True"' in row(page, "dora")
    newcomer_row = row(page, "newcomer")
    assert 'alt="False"' in newcomer_row
    assert ">0<" in newcomer_row
    assert ">20<" in newcomer_row
    assert "1 / 1" in newcomer_row


def test_the_list_reads_the_same_queries_for_more_people(staff_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(LIST).status_code == 200
        return len(captured)

    for name in ("a1", "a2"):
        spend(make_user(name), 3)
    few = queries()
    for name in ("b1", "b2", "b3", "b4", "b5"):
        spend(make_user(name), 3)
    assert queries() == few


def test_staff_confirm_an_address_and_change_a_budget(staff_client):
    newcomer = make_user("newcomer", verified=False)
    profile = Profile.objects.get(user=newcomer)
    staff_client.post(LIST, {"action": "confirm_addresses", "_selected_action": [profile.pk]})
    profile.refresh_from_db()
    assert profile.has_verified("newcomer@example.com")
    url = reverse("admin:studio_profile_change", args=[profile.pk])
    data = {
        "user": newcomer.pk,
        "current_workspace": profile.current_workspace_id,
        "verified_email": profile.verified_email,
        "monthly_budget": "250",
        "max_workspaces": "5",
    }
    assert staff_client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert (profile.budget, profile.workspace_limit) == (250, 5)
