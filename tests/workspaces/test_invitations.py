import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from studio.models import ActivityEvent, Invitation, Membership, Role, Verb
from studio.workspaces.members import MembershipError, accept_invitation
from tests.conftest import confirm_address


def invite(client, team, email="dora@example.com", role="viewer"):
    url = reverse("workspaces:workspace_invite", args=[team.workspace.id])
    return client.post(url, {"email": email, "role": role})


def link_in(mail) -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", mail.body).group(1)


@pytest.fixture
def dora(db):
    """The invitee, who has confirmed her address."""
    dora = User.objects.create_user("dora", "Dora@Example.com", "pw-dora-12345")
    confirm_address(dora)
    return dora


def test_owner_invites_by_email_and_sees_the_link_once(owner_client, team, mailoutbox):
    r = invite(owner_client, team, email="Dora@Example.com")
    members = reverse("workspaces:workspace_members_for", args=[team.workspace.id])
    assert r["Location"] == members
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("dora@example.com", Role.VIEWER)
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dora@example.com"]
    assert "alice's studio" in mailoutbox[0].subject
    link = link_in(mailoutbox[0])
    assert invitation.token_hash not in link  # only the hash is stored

    page = owner_client.get(members).content.decode()
    assert link in page
    assert "We emailed this link" in page
    assert link not in owner_client.get(members).content.decode()  # shown once
    assert ActivityEvent.objects.get(verb=Verb.MEMBER_INVITED).subject == (
        "dora@example.com as Viewer"
    )


def test_a_failed_mail_still_shows_the_link(owner_client, team, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens there
        }
    }
    invite(owner_client, team)
    page = owner_client.get(reverse("workspaces:workspace_members")).content.decode()
    assert "could not be sent" in page
    assert "/invitations/" in page


def test_invite_errors(owner_client, team):
    r = invite(owner_client, team, email="not-an-email")
    assert r.status_code == 200
    assert b"field-error" in r.content
    r = invite(owner_client, team, email="BOB@example.com")
    assert b"already a member" in r.content
    r = invite(owner_client, team, role="boss")
    assert b"field-error" in r.content
    assert not Invitation.objects.exists()


def test_owner_revokes(owner_client, team, mailoutbox, dora):
    invite(owner_client, team)
    invitation = Invitation.objects.get()
    r = owner_client.post(
        reverse("workspaces:invitation_revoke", args=[team.workspace.id, invitation.id])
    )
    assert r.status_code == 302
    client = team.client_for(dora)
    r = client.get(link_in(mailoutbox[0]))
    assert r.status_code == 404
    assert b"not valid" in r.content


def test_accepting_joins_with_the_invited_role(owner_client, team, mailoutbox, dora):
    invite(owner_client, team)
    client = team.client_for(dora)
    link = link_in(mailoutbox[0])
    r = client.get(link)  # a GET (a mail scanner following the link) changes nothing
    assert r.status_code == 200
    assert b"Join alice&#x27;s studio" in r.content
    assert not Membership.objects.filter(workspace=team.workspace, user=dora).exists()

    r = client.post(link)
    assert r["Location"] == reverse("library:library")
    assert Membership.objects.get(workspace=team.workspace, user=dora).role == Role.VIEWER
    dora.profile.refresh_from_db()
    assert dora.profile.current_workspace == team.workspace
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == dora
    assert invitation.accepted_at
    assert ActivityEvent.objects.get(verb=Verb.MEMBER_JOINED).actor == dora


def test_an_invitation_works_once(owner_client, team, mailoutbox, dora):
    invite(owner_client, team)
    link = link_in(mailoutbox[0])
    team.client_for(dora).post(link)
    twin = User.objects.create_user("dora2", "dora@example.com", "pw-dora-12345")
    r = team.client_for(twin).post(link)
    assert r.status_code == 410
    assert b"already been accepted" in r.content
    assert not Membership.objects.filter(workspace=team.workspace, user=twin).exists()


def test_an_expired_invitation_is_410(team, dora):
    invitation, token = Invitation.issue(team.workspace, "dora@example.com", "editor", team.owner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client = team.client_for(dora)
    for method in ("get", "post"):
        r = getattr(client, method)(reverse("workspaces:invitation_accept", args=[token]))
        assert r.status_code == 410
        assert b"expired" in r.content
    assert not Membership.objects.filter(workspace=team.workspace, user=dora).exists()


def test_another_account_cannot_use_the_link(outsider_client, team):
    invitation, token = Invitation.issue(team.workspace, "dora@example.com", "owner", team.owner)
    url = reverse("workspaces:invitation_accept", args=[token])
    for method in ("get", "post"):
        r = getattr(outsider_client, method)(url)
        assert r.status_code == 403
        assert b"This invitation is for another account" in r.content
        assert b"dora@example.com" in r.content
    assert not Membership.objects.filter(workspace=team.workspace, user=team.outsider).exists()
    assert Invitation.objects.usable().filter(pk=invitation.pk).exists()  # still usable


def test_an_existing_member_is_sent_to_the_workspace(viewer_client, team):
    _, token = Invitation.issue(team.workspace, "carol@example.com", "owner", team.owner)
    r = viewer_client.post(reverse("workspaces:invitation_accept", args=[token]))
    assert r.status_code == 302
    assert Membership.objects.get(workspace=team.workspace, user=team.viewer).role == Role.VIEWER


def test_anonymous_signs_up_then_comes_back(client, team, mailoutbox):
    _, token = Invitation.issue(team.workspace, "dora@example.com", "editor", team.owner)
    url = reverse("workspaces:invitation_accept", args=[token])
    r = client.get(url)
    assert r.status_code == 200
    signup = reverse("signup") + "?next=" + url
    assert signup.encode() in r.content
    # The sign-up form already holds the invited address.
    r = client.get(signup)
    assert r.context["form"]["email"].value() == "dora@example.com"
    r = client.post(
        signup,
        {
            "username": "dora",
            "email": "dora@example.com",
            "password1": "a-long-and-fine-passphrase",
            "password2": "a-long-and-fine-passphrase",
        },
    )
    assert r["Location"] == url
    dora = User.objects.get(username="dora")
    # Joining waits for the address to be confirmed from the link mailed to it.
    assert client.post(url).status_code == 403
    assert not Membership.objects.filter(workspace=team.workspace, user=dora).exists()
    confirm = re.search(r"http://testserver(/accounts/verify/\S+/)", mailoutbox[-1].body)
    assert client.get(confirm.group(1))["Location"] == url
    client.post(url)
    assert Membership.objects.get(workspace=team.workspace, user=dora).role == Role.EDITOR


def test_an_unknown_token_is_404(client, db):
    r = client.get(reverse("workspaces:invitation_accept", args=["nope"]))
    assert r.status_code == 404
    assert b"not valid" in r.content


def test_two_acceptances_of_one_invitation_make_one_member(team, dora):
    invitation, _ = Invitation.issue(team.workspace, "dora@example.com", "editor", team.owner)
    stale = Invitation.objects.get(pk=invitation.pk)
    accept_invitation(invitation, dora)
    with pytest.raises(MembershipError, match="already been used"):
        accept_invitation(stale, dora)  # read before the first acceptance, used after
    assert Membership.objects.filter(workspace=team.workspace, user=dora).count() == 1


def test_inviting_again_resends_the_same_link_and_extends_it(
    owner_client, client, team, mailoutbox
):
    invite(owner_client, team, role="viewer")
    first = link_in(mailoutbox[0])
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(hours=1)
    )
    invite(owner_client, team, role="editor")
    assert len(mailoutbox) == 2
    assert link_in(mailoutbox[1]) == first  # the same link, mailed again
    again = Invitation.objects.get()  # still one invitation
    assert again.pk == invitation.pk
    assert again.role == Role.EDITOR
    assert again.expires_at > timezone.now() + timedelta(days=6)
    page = owner_client.get(reverse("workspaces:workspace_members_for", args=[team.workspace.id]))
    assert "The link sent before still works" in page.content.decode()
    assert client.get(first).status_code == 200  # the first link still works
