import time

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_RATE_WINDOW = 300


def full_width(name: str) -> str:
    """The name in full-width letters and digits (U+FF01 to U+FF5E), as Asian keyboards type."""
    return "".join(chr(ord(c) + 0xFEE0) for c in name)


def login(client, username="alice", password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_page_renders(client, db):
    r = client.get(reverse("login"))
    assert r.status_code == 200
    assert b'name="username"' in r.content


def test_login_and_logout(client, team):
    r = login(client)
    assert r.status_code == 302
    assert r["Location"] == reverse("library:library")
    assert client.session["_auth_user_id"] == str(team.owner.pk)
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST
    r = client.post(reverse("logout"))
    assert r.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_follows_a_safe_next(client, team):
    r = client.post(
        reverse("login") + "?next=/workspaces/", {"username": "alice", "password": PASSWORD}
    )
    assert r["Location"] == "/workspaces/"
    client.logout()
    r = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD, "next": "//evil.example/"},
    )
    assert r["Location"] == reverse("library:library")


def test_wrong_password_shows_an_error(client, team):
    r = login(client, password="nope")
    assert r.status_code == 200
    assert b"correct username and password" in r.content
    assert "_auth_user_id" not in client.session


def test_failures_per_username_are_limited_and_the_password_is_not_checked(client, team):
    for _ in range(3):
        assert login(client, password="wrong").status_code == 200
    r = login(client)  # even the right password is refused now
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert b"Too many failed log-in attempts. Try again in 5 minutes" in r.content
    assert "_auth_user_id" not in client.session


def test_the_username_limit_ignores_case_and_address(client, team):
    for i in range(3):
        login(client, username="ALICE", password="wrong", REMOTE_ADDR=f"10.0.0.{i}")
    assert login(client, REMOTE_ADDR="10.0.0.99").status_code == 429


def test_failures_per_address_are_limited(client, team):
    for name in ("x1", "x2", "x3"):
        login(client, username=name, password="wrong", REMOTE_ADDR="10.1.1.1")
    assert login(client, REMOTE_ADDR="10.1.1.1").status_code == 429
    # Another address may still log in as alice.
    assert login(client, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_a_success_resets_the_username_counter(client, team):
    for _ in range(2):
        login(client, password="wrong", REMOTE_ADDR="10.2.0.1")
    assert login(client, REMOTE_ADDR="10.2.0.2").status_code == 302
    client.logout()
    for _ in range(2):
        login(client, password="wrong", REMOTE_ADDR="10.2.0.3")
    assert login(client, REMOTE_ADDR="10.2.0.4").status_code == 302


def test_the_window_expires(client, team, monkeypatch):
    for _ in range(3):
        login(client, password="wrong")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 240)
    r = login(client)
    assert r.status_code == 429
    assert b"Try again in 1 minute," in r.content
    # The cache and the limiter read the same clock: past the window the counter is gone.
    monkeypatch.setattr(time, "time", lambda: now + 301)
    assert login(client).status_code == 302


def test_behind_proxies_the_forwarded_address_counts(client, team, settings):
    settings.NUM_PROXIES = 1
    for name in ("y1", "y2", "y3"):
        login(client, username=name, password="wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert login(client, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert login(client, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_a_blocked_login_never_reaches_the_password_check(client, team, monkeypatch):
    for _ in range(3):
        login(client, password="wrong")
    calls = []
    monkeypatch.setattr(
        "django.contrib.auth.forms.authenticate", lambda *a, **k: calls.append(k) or None
    )
    assert login(client).status_code == 429
    assert calls == []


def test_a_look_alike_name_is_locked_out_with_the_real_one(client, team):
    # Django logs the full-width look-alike of "carol" in as "carol": the count must follow.
    for i in range(3):
        login(client, username="carol", password="wrong", REMOTE_ADDR=f"10.3.0.{i}")
    assert login(client, username=full_width("carol"), REMOTE_ADDR="10.3.0.99").status_code == 429
    assert login(client, username=" CAROL ", REMOTE_ADDR="10.3.0.98").status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_with_a_look_alike_name_count_for_the_real_one(client, team):
    for i in range(3):
        login(client, username=full_width("carol"), password="wrong", REMOTE_ADDR=f"10.4.0.{i}")
    assert login(client, username="carol", REMOTE_ADDR="10.4.0.99").status_code == 429
