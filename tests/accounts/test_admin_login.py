"""The admin's login counts failures with the studio's login: guessing there is limited too."""

import pytest
from django.contrib.auth.models import User

from tests.accounts.test_login import full_width
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_RATE_WINDOW = 300


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


def admin_login(client, password):
    return client.post("/admin/login/?next=/admin/", {"username": "root", "password": password})


def test_admin_login_is_limited(client, staff):
    for _ in range(10):
        admin_login(client, "wrong")
    response = admin_login(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_admin_and_studio_logins_share_the_count(client, staff):
    from django.urls import reverse

    for _ in range(3):
        client.post(reverse("login"), {"username": "root", "password": "wrong"})
    assert admin_login(client, PASSWORD).status_code == 429


def test_admin_login_still_works(client, staff):
    assert client.get("/admin/login/").status_code == 200
    admin_login(client, "wrong")
    response = admin_login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_look_alike_name_is_locked_out_on_the_admin_too(client, staff):
    for i in range(3):
        client.post(
            "/admin/login/?next=/admin/",
            {"username": "root", "password": "wrong"},
            REMOTE_ADDR=f"10.5.0.{i}",
        )
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": full_width("root"), "password": PASSWORD},
        REMOTE_ADDR="10.5.0.99",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
