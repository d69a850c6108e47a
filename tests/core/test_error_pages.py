"""Error pages look like the studio, say what happened and where to go."""

import pytest
from django.test import Client
from django.urls import reverse


def test_a_viewer_on_create_gets_the_403_page_with_the_reason(team, viewer_client):
    response = viewer_client.get(reverse("library:create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "studio.css" in html
    assert 'class="error-page"' in html
    assert "Viewers can listen and download; ask an owner for editor rights." in html
    assert reverse("library:library") in html


def test_404_in_the_studio_look(team, owner_client):
    response = owner_client.get("/songs/00000000-0000-0000-0000-000000000000/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="error-page"' in html
    assert "Nothing here" in html


def test_413_when_a_form_is_too_large(team, owner_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = owner_client.post(reverse("workspaces:workspace_create"), {"name": "x" * 5000})
    assert response.status_code == 413
    html = response.content.decode()
    assert 'class="error-page"' in html
    assert "too large" in html


def test_500_page_renders_without_the_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'class="error-page"' in html
    assert "Something went wrong" in html


@pytest.mark.parametrize("path", ["/create/", "/upload/"])
def test_csrf_failure_explains_itself(team, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.editor)
    response = client.post(path, {})
    assert response.status_code == 403
    assert "That form had expired" in response.content.decode()


def test_gone_invitation_in_the_studio_look(team, client):
    from datetime import timedelta

    from django.utils import timezone

    from studio.models import Invitation, Role

    invitation, token = Invitation.issue(team.workspace, "x@example.com", Role.EDITOR, team.owner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    response = client.get(reverse("workspaces:invitation_accept", args=[token]))
    assert response.status_code == 410
    html = response.content.decode()
    assert "studio.css" in html
    assert "can no longer be used" in html
