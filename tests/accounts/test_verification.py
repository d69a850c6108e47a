"""Sign-up trusts no address until its owner follows the link mailed to it: the page never
says whether an address is known, an invitation joins only the confirmed invitee, and an
account that never confirmed never blocks the address's owner."""

import re
import time

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.urls import reverse

from studio.models import Invitation, Membership, Profile
from tests.conftest import PASSWORD

FORM = {"password1": "a-long-and-fine-passphrase", "password2": "a-long-and-fine-passphrase"}


def sign_up(client, username, email, next_url=""):
    url = reverse("signup") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "email": email, **FORM})


def link_in(mail) -> str:
    return re.search(r"http://testserver(/accounts/verify/\S+/)", mail.body).group(1)


def confirmed(username) -> bool:
    user = User.objects.get(username=username)
    return Profile.objects.get(user=user).has_verified(user.email)


def test_a_new_account_is_mailed_a_link_that_confirms_it(client, db, mailoutbox):
    r = sign_up(client, "dora", "Dora@Example.com")
    assert r.status_code == 302
    assert not confirmed("dora")
    assert mailoutbox[-1].to == ["dora@example.com"]
    link = link_in(mailoutbox[-1])
    assert client.get(link).status_code == 302
    assert confirmed("dora")
    assert client.get(link).status_code == 302  # following it twice is harmless


def test_the_link_expires(client, db, mailoutbox, settings, monkeypatch):
    settings.EMAIL_VERIFICATION_DAYS = 3
    sign_up(client, "dora", "dora@example.com")
    link = link_in(mailoutbox[-1])
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 3 * 86400 + 60)
    r = client.get(link)
    assert r.status_code == 400
    assert "expired" in r.content.decode()
    assert not confirmed("dora")


def test_a_forged_or_altered_link_confirms_nothing(client, db, mailoutbox):
    sign_up(client, "dora", "dora@example.com")
    link = link_in(mailoutbox[-1])
    assert client.get(link[:-3] + "xx/").status_code == 400
    assert client.get(reverse("verify_email", args=["nope"])).status_code == 400
    assert not confirmed("dora")


def test_a_changed_address_needs_a_new_link(client, db, mailoutbox):
    sign_up(client, "dora", "dora@example.com")
    link = link_in(mailoutbox[-1])
    User.objects.filter(username="dora").update(email="other@example.com")
    assert client.get(link).status_code == 400
    assert not confirmed("dora")


def test_sign_up_says_the_same_for_a_known_address_and_mails_its_owner(client, team, mailoutbox):
    def said(username, email) -> tuple[int, list[str]]:
        url = reverse("signup")
        r = client.post(url, {"username": username, "email": email, **FORM}, follow=True)
        client.logout()
        return r.redirect_chain[0][1], [
            str(m).replace(email.lower(), "@") for m in r.context["messages"]
        ]

    assert said("dora", "dora@example.com") == said("mimic", "ALICE@example.com")
    assert User.objects.filter(username="mimic").exists()
    # Alice is told, with no link that would confirm the address for the newcomer.
    notice = mailoutbox[-1]
    assert notice.to == ["alice@example.com"]
    assert "/accounts/verify/" not in notice.body
    assert "already belongs to your account" in notice.body
    assert not confirmed("mimic")
    assert confirmed("alice")


def test_an_unconfirmed_account_never_blocks_the_owner_and_the_first_to_confirm_wins(
    client, db, mailoutbox
):
    sign_up(client, "squatter", "dora@example.com")
    squatter_link = link_in(mailoutbox[-1])
    client.logout()
    r = sign_up(client, "dora", "dora@example.com")  # the real owner, same address
    assert r.status_code == 302
    dora_link = link_in(mailoutbox[-1])
    assert client.get(dora_link).status_code == 302
    assert confirmed("dora")
    r = client.get(squatter_link)
    assert r.status_code == 400
    assert "already confirmed for another account" in r.content.decode()
    assert not confirmed("squatter")
    # Log-in is by username: each account is reached by its own name.
    client.logout()
    for name in ("dora", "squatter"):
        user = User.objects.get(username=name)
        user.set_password(PASSWORD)
        user.save()
        r = client.post(reverse("login"), {"username": name, "password": PASSWORD})
        assert client.session["_auth_user_id"] == str(user.pk), r
        client.logout()


def test_resending_the_link_is_limited_per_person(client, db, mailoutbox, settings):
    settings.LOGIN_RATE_LIMIT = 2
    sign_up(client, "dora", "dora@example.com")
    sent = len(mailoutbox)
    for _ in range(2):
        assert client.post(reverse("verify_resend")).status_code == 302
    assert client.post(reverse("verify_resend")).status_code == 429
    assert len(mailoutbox) == sent + 2
    assert "Send the link again" in client.get(reverse("library:library")).content.decode()


def test_the_stranger_with_the_invitation_link_cannot_join(client, team, mailoutbox):
    invitation, token = Invitation.issue(team.workspace, "dora@example.com", "editor", team.owner)
    url = reverse("workspaces:invitation_accept", args=[token])
    # A stranger holding the link signs up with the invited address.
    r = sign_up(client, "stranger", "dora@example.com", next_url=url)
    assert r["Location"] == url
    r = client.post(url)
    assert r.status_code == 403
    assert "Confirm your address" in r.content.decode()
    stranger = User.objects.get(username="stranger")
    assert not Membership.objects.filter(workspace=team.workspace, user=stranger).exists()
    assert Invitation.objects.usable().filter(pk=invitation.pk).exists()
    # The real invitee signs up with the same address, confirms it and joins.
    client.logout()
    sign_up(client, "dora", "dora@example.com", next_url=url)
    assert client.get(link_in(mailoutbox[-1]))["Location"] == url
    assert client.post(url).status_code == 302
    dora = User.objects.get(username="dora")
    assert Membership.objects.filter(workspace=team.workspace, user=dora).exists()


@pytest.mark.parametrize("policy", ["invitation", "closed"])
def test_sign_up_by_invitation_only_or_closed(client, team, settings, policy):
    settings.SIGNUP_POLICY = policy
    r = client.get(reverse("signup"))
    assert r.status_code == 403
    assert sign_up(client, "dora", "dora@example.com").status_code == 403
    _, token = Invitation.issue(team.workspace, "dora@example.com", "editor", team.owner)
    url = reverse("workspaces:invitation_accept", args=[token])
    if policy == "closed":
        assert sign_up(client, "dora", "dora@example.com", next_url=url).status_code == 403
        assert reverse("signup") + "?next=" not in client.get(url).content.decode()
    else:
        r = sign_up(client, "dora", "someone@example.com", next_url=url)
        assert r.status_code == 200
        assert "the address the invitation was sent to" in r.content.decode()
        assert sign_up(client, "dora", "Dora@example.com", next_url=url).status_code == 302
    assert User.objects.filter(username="dora").exists() == (policy == "invitation")


def test_the_default_policy_follows_the_site_key():
    import subprocess
    import sys

    def policy(key: str) -> str:
        code = "from django.conf import settings; print(settings.SIGNUP_POLICY)"
        env = {"DJANGO_SETTINGS_MODULE": "producer_site.settings", "TTAPI_API_KEY": key}
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**__import__("os").environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    assert policy("") == "open"
    assert policy("a-site-key") == "invitation"


def test_an_account_without_an_address_is_told_to_ask_staff(client, db, mailoutbox):
    user = User.objects.create_user("noaddress", "", PASSWORD)
    client.force_login(user)
    r = client.post(reverse("verify_resend"), follow=True)
    assert "has no email address" in r.content.decode()
    assert not mailoutbox
