"""Every workspace view: outsiders get 404, roles without the right get 403."""

import pytest
from django.urls import reverse

from studio.models import Invitation, Membership, Role


def _urls(team):
    ws = team.workspace.id
    viewer_membership = Membership.objects.get(workspace=team.workspace, user=team.viewer)
    # Removing someone else (removing yourself is leaving, which any member may do).
    owner_membership = Membership.objects.get(workspace=team.workspace, user=team.owner)
    invitation, _ = Invitation.issue(team.workspace, "new@example.com", Role.EDITOR, team.owner)
    return {
        "settings": reverse("workspaces:workspace_settings_for", args=[ws]),
        "members": reverse("workspaces:workspace_members_for", args=[ws]),
        "delete": reverse("workspaces:workspace_delete", args=[ws]),
        "invite": reverse("workspaces:workspace_invite", args=[ws]),
        "revoke": reverse("workspaces:invitation_revoke", args=[ws, invitation.id]),
        "role": reverse("workspaces:member_role", args=[ws, viewer_membership.id]),
        "remove": reverse("workspaces:member_remove", args=[ws, owner_membership.id]),
        "leave": reverse("workspaces:workspace_leave", args=[ws]),
        "switch": reverse("workspaces:workspace_switch", args=[ws]),
    }


# (name, method, data, roles allowed): every other member gets 403.
OWNER_ONLY = [
    ("settings", "post", {"rename": "1", "name": "Renamed"}),
    ("settings", "post", {"set_key": "1", "api_key": "sk-abcdefgh12345678"}),
    ("settings", "post", {"remove_key": "1"}),
    ("settings", "post", {"set_budget": "1", "monthly_budget": "100"}),
    ("delete", "get", {}),
    ("delete", "post", {"confirm_name": "alice's studio"}),
    ("invite", "post", {"email": "x@example.com", "role": "viewer"}),
    ("revoke", "post", {}),
    ("role", "post", {"role": "editor"}),
    ("remove", "post", {}),
]
ANY_MEMBER = [
    ("settings", "get", {}),
    ("members", "get", {}),
    ("leave", "post", {}),
    ("switch", "post", {}),
]


@pytest.mark.parametrize(("name", "method", "data"), OWNER_ONLY + ANY_MEMBER)
def test_outsiders_get_404(outsider_client, team, name, method, data):
    url = _urls(team)[name]
    r = getattr(outsider_client, method)(url, data)
    assert r.status_code == 404
    assert Membership.objects.filter(workspace=team.workspace).count() == 3


@pytest.mark.parametrize(("name", "method", "data"), OWNER_ONLY)
@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_members_without_the_right_get_403(team, who, name, method, data):
    client = team.client_for(getattr(team, who))
    url = _urls(team)[name]
    before = Membership.objects.filter(workspace=team.workspace).values_list("user", "role")
    before = sorted(before)
    r = getattr(client, method)(url, data)
    assert r.status_code == 403
    team.workspace.refresh_from_db()
    assert team.workspace.name == "alice's studio"
    assert not team.workspace.has_api_key
    assert team.workspace.monthly_budget is None
    after = Membership.objects.filter(workspace=team.workspace).values_list("user", "role")
    assert sorted(after) == before
    assert Invitation.objects.filter(workspace=team.workspace).count() == 1


@pytest.mark.parametrize(("name", "method", "data"), OWNER_ONLY)
def test_owners_may(owner_client, team, name, method, data):
    r = getattr(owner_client, method)(_urls(team)[name], data)
    assert r.status_code in (200, 302)


@pytest.mark.parametrize(("name", "method", "data"), OWNER_ONLY + ANY_MEMBER)
def test_anonymous_is_sent_to_log_in(client, team, name, method, data):
    r = getattr(client, method)(_urls(team)[name], data)
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["workspaces:workspace_list", "workspaces:workspace_create"])
def test_pages_without_a_workspace_need_a_login(client, db, name):
    r = client.get(reverse(name))
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["switch", "leave", "invite", "revoke", "role", "remove"])
def test_actions_are_posts_only(owner_client, team, name):
    assert owner_client.get(_urls(team)[name]).status_code == 405


def test_an_unknown_workspace_is_404(owner_client, team):
    unknown = "00000000-0000-0000-0000-000000000000"
    assert (
        owner_client.get(reverse("workspaces:workspace_settings_for", args=[unknown])).status_code
        == 404
    )
