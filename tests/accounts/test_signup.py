from django.contrib.auth.models import User
from django.urls import reverse

from studio.models import Membership, Role

SIGNUP = {
    "username": "dora",
    "email": "Dora@Example.com",
    "password1": "a-long-and-fine-passphrase",
    "password2": "a-long-and-fine-passphrase",
}


def test_signup_page_renders(client, db):
    r = client.get(reverse("signup"))
    assert r.status_code == 200
    assert b'name="password2"' in r.content


def test_signup_logs_in_and_lands_in_the_personal_workspace(client, db):
    r = client.post(reverse("signup"), SIGNUP)
    assert r.status_code == 302
    assert r["Location"] == reverse("library:library")
    user = User.objects.get(username="dora")
    assert user.email == "dora@example.com"
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert user.profile.current_workspace == membership.workspace
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_needs_matching_passwords(client, db):
    r = client.post(reverse("signup"), {**SIGNUP, "password2": "something-else-entirely"})
    assert r.status_code == 200
    assert b"didn" in r.content  # "The two password fields didn't match."
    assert not User.objects.filter(username="dora").exists()


def test_signup_needs_an_email(client, db):
    r = client.post(reverse("signup"), {**SIGNUP, "email": ""})
    assert r.status_code == 200
    assert not User.objects.filter(username="dora").exists()


def test_signup_refuses_a_taken_username(client, team):
    r = client.post(reverse("signup"), {**SIGNUP, "username": "Alice", "email": "x@example.com"})
    assert r.status_code == 200
    assert not User.objects.filter(username="Alice").exists()


def test_signup_returns_to_a_safe_next_only(client, db):
    r = client.post(reverse("signup") + "?next=https://evil.example/", SIGNUP)
    assert r["Location"] == reverse("library:library")
    client.logout()
    data = {**SIGNUP, "username": "eve", "email": "eve@example.com", "next": "/workspaces/"}
    r = client.post(reverse("signup"), data)
    assert r["Location"] == "/workspaces/"


def test_guessing_taken_usernames_is_slowed_per_address(client, team, settings):
    settings.LOGIN_RATE_LIMIT = 2
    for name in ("alice", "bob"):
        r = client.post(reverse("signup"), {**SIGNUP, "username": name, "email": "x@example.com"})
        assert r.status_code == 200
    r = client.post(reverse("signup"), {**SIGNUP, "username": "carol", "email": "x@example.com"})
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    # Another address is not slowed; a free name still signs up there.
    r = client.post(reverse("signup"), SIGNUP, REMOTE_ADDR="10.9.9.9")
    assert r.status_code == 302
