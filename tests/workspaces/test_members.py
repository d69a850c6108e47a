import pytest
from django.urls import reverse

from studio.models import ActivityEvent, Membership, Role, Verb
from studio.workspaces.members import LAST_OWNER, MembershipError, change_role


def membership(team, user) -> Membership:
    return Membership.objects.get(workspace=team.workspace, user=user)


def role_url(team, user) -> str:
    return reverse("workspaces:member_role", args=[team.workspace.id, membership(team, user).id])


def test_members_page_lists_roles(viewer_client, team):
    r = viewer_client.get(reverse("workspaces:workspace_members"))
    assert r.status_code == 200
    text = r.content.decode()
    for name in ("alice", "bob", "carol"):
        assert name in text
    assert "mallory" not in text
    assert "Send invitation" not in text  # viewers see, owners manage


def test_owner_changes_a_role(owner_client, team):
    r = owner_client.post(role_url(team, team.viewer), {"role": "editor"})
    assert r["Location"] == reverse("workspaces:workspace_members_for", args=[team.workspace.id])
    assert membership(team, team.viewer).role == Role.EDITOR
    event = ActivityEvent.objects.get(verb=Verb.ROLE_CHANGED)
    assert event.subject == "carol: Viewer → Editor"


def test_an_unknown_role_is_400(owner_client, team):
    r = owner_client.post(role_url(team, team.viewer), {"role": "admin"})
    assert r.status_code == 400
    assert membership(team, team.viewer).role == Role.VIEWER


def test_a_membership_of_another_workspace_is_404(owner_client, team):
    other = Membership.objects.get(user=team.outsider)
    url = reverse("workspaces:member_role", args=[team.workspace.id, other.id])
    assert owner_client.post(url, {"role": "viewer"}).status_code == 404
    url = reverse("workspaces:member_remove", args=[team.workspace.id, other.id])
    assert owner_client.post(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk, role=Role.OWNER).exists()


def test_the_last_owner_cannot_step_down(owner_client, team):
    r = owner_client.post(role_url(team, team.owner), {"role": "editor"}, follow=True)
    assert LAST_OWNER in r.content.decode()
    assert membership(team, team.owner).role == Role.OWNER


def test_with_two_owners_one_may_step_down(owner_client, team):
    owner_client.post(role_url(team, team.editor), {"role": "owner"})
    owner_client.post(role_url(team, team.owner), {"role": "viewer"})
    assert membership(team, team.owner).role == Role.VIEWER
    assert membership(team, team.editor).role == Role.OWNER


def test_the_last_owner_check_reads_the_database_not_the_caller(team):
    stale = membership(team, team.owner)
    Membership.objects.filter(pk=membership(team, team.editor).pk).update(role=Role.OWNER)
    change_role(membership(team, team.editor), Role.VIEWER, team.owner)
    with pytest.raises(MembershipError):
        change_role(stale, Role.EDITOR, team.owner)
    assert Membership.objects.filter(workspace=team.workspace, role=Role.OWNER).count() == 1


def test_owner_removes_a_member(owner_client, team):
    url = reverse(
        "workspaces:member_remove", args=[team.workspace.id, membership(team, team.editor).id]
    )
    r = owner_client.post(url)
    assert r["Location"] == reverse("workspaces:workspace_members_for", args=[team.workspace.id])
    assert not Membership.objects.filter(workspace=team.workspace, user=team.editor).exists()
    assert ActivityEvent.objects.get(verb=Verb.MEMBER_REMOVED).subject == "bob"
    # The removed member's pages now open their own workspace; the old one is 404.
    client = team.client_for(team.editor)
    assert (
        client.get(reverse("workspaces:workspace_settings")).context["workspace"] != team.workspace
    )
    url = reverse("workspaces:workspace_settings_for", args=[team.workspace.id])
    assert client.get(url).status_code == 404


def test_a_member_leaves(viewer_client, team):
    r = viewer_client.post(
        reverse("workspaces:workspace_leave", args=[team.workspace.id]), follow=True
    )
    assert not Membership.objects.filter(workspace=team.workspace, user=team.viewer).exists()
    assert "You left alice&#x27;s studio." in r.content.decode()
    assert ActivityEvent.objects.get(verb=Verb.MEMBER_LEFT).actor == team.viewer


def test_removing_yourself_is_leaving(editor_client, team):
    url = reverse(
        "workspaces:member_remove", args=[team.workspace.id, membership(team, team.editor).id]
    )
    editor_client.post(url)
    assert not Membership.objects.filter(workspace=team.workspace, user=team.editor).exists()


def test_the_last_owner_cannot_leave(owner_client, team):
    r = owner_client.post(
        reverse("workspaces:workspace_leave", args=[team.workspace.id]), follow=True
    )
    assert LAST_OWNER in r.content.decode()
    assert membership(team, team.owner).role == Role.OWNER


def test_an_owner_may_leave_when_another_owner_stays(owner_client, team):
    Membership.objects.filter(pk=membership(team, team.editor).pk).update(role=Role.OWNER)
    owner_client.post(reverse("workspaces:workspace_leave", args=[team.workspace.id]))
    assert not Membership.objects.filter(workspace=team.workspace, user=team.owner).exists()
