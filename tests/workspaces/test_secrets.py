"""The workspace's TTAPI key never leaves the server in clear: not in pages, logs or admin."""

import logging

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from studio.models import Invitation, Role

KEY = "tt-live-Zq8vN3kP0wX7rT2m"


def pages(team) -> list[str]:
    ws = team.workspace.id
    _, token = Invitation.issue(team.workspace, "dora@example.com", Role.EDITOR, team.owner)
    return [
        reverse("workspaces:workspace_list"),
        reverse("workspaces:workspace_create"),
        reverse("workspaces:workspace_settings"),
        reverse("workspaces:workspace_settings_for", args=[ws]),
        reverse("workspaces:workspace_members"),
        reverse("workspaces:workspace_members_for", args=[ws]),
        reverse("workspaces:workspace_delete", args=[ws]),
        reverse("workspaces:invitation_accept", args=[token]),
        reverse("password_change"),
        reverse("healthz"),
    ]


def test_the_key_is_in_no_page(owner_client, team, caplog):
    caplog.set_level(logging.DEBUG)
    url = reverse("workspaces:workspace_settings_for", args=[team.workspace.id])
    r = owner_client.post(url, {"set_key": "1", "api_key": KEY}, follow=True)
    assert r.status_code == 200
    team.workspace.refresh_from_db()
    assert team.workspace.get_api_key() == KEY
    assert KEY not in r.content.decode()
    assert KEY[-4:] in r.content.decode()  # the masked hint is shown

    for who in ("owner", "editor", "viewer"):
        client = team.client_for(getattr(team, who))
        for page in pages(team):
            body = client.get(page).content.decode()
            assert KEY not in body, page
            assert KEY[:12] not in body, page

    # A rejected key is not echoed back in the form either.
    r = owner_client.post(url, {"set_key": "1", "api_key": KEY + " x"})
    assert b"field-error" in r.content
    assert KEY not in r.content.decode()
    # A viewer's forbidden attempt is logged without the key.
    team.client_for(team.viewer).post(url, {"set_key": "1", "api_key": KEY})
    assert any("Forbidden" in m for m in caplog.messages)
    assert all(KEY not in m for m in caplog.messages)
    assert all(KEY not in repr(rec.__dict__) for rec in caplog.records)


def test_the_key_is_in_no_admin_page(client, team):
    try:
        change = reverse("admin:studio_workspace_change", args=[team.workspace.id])
        changelist = reverse("admin:studio_workspace_changelist")
    except NoReverseMatch:
        pytest.skip("workspaces are not in the admin")
    team.workspace.set_api_key(KEY)
    team.workspace.save()
    User.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    client.login(username="root", password="pw-root-12345")
    for url in (changelist, change):
        r = client.get(url)
        assert r.status_code == 200
        assert KEY not in r.content.decode()
