import re

from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import PASSWORD

NEW = "another-long-passphrase-42"


def test_password_change(owner_client, team):
    assert owner_client.get(reverse("password_change")).status_code == 200
    r = owner_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r["Location"] == reverse("password_change_done")
    assert User.objects.get(pk=team.owner.pk).check_password(NEW)
    assert owner_client.get(reverse("password_change_done")).status_code == 200


def test_password_change_needs_the_old_password(owner_client, team):
    r = owner_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 200
    assert b"incorrectly" in r.content
    assert User.objects.get(pk=team.owner.pk).check_password(PASSWORD)


def test_password_change_needs_a_login(client, db):
    r = client.get(reverse("password_change"))
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("login"))


def test_password_reset_by_email(client, team, mailoutbox):
    assert client.get(reverse("password_reset")).status_code == 200
    r = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert r["Location"] == reverse("password_reset_done")
    assert client.get(r["Location"]).status_code == 200
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "Reset your Producer Studio password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)

    r = client.get(link)  # Django swaps the token for a session marker, then redirects
    assert r.status_code == 302
    r = client.post(r["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert r["Location"] == reverse("password_reset_complete")
    assert User.objects.get(pk=team.owner.pk).check_password(NEW)
    assert client.get(reverse("password_reset_complete")).status_code == 200

    # The link works once.
    r = client.get(link)
    assert b"This link no longer works" in r.content


def test_password_reset_for_an_unknown_address_sends_nothing(client, db, mailoutbox):
    r = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert r["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_reset_requests_are_limited_per_address(client, team, settings, mailoutbox):
    settings.LOGIN_RATE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "alice@example.com"})
    r = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert r.status_code == 429
    assert b"Too many reset requests" in r.content
    assert len(mailoutbox) == 2
