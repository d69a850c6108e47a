"""A song moved to the trash does not vanish silently: the team sees it as removed in the
project; a guest's share page and the zips say a song was withdrawn."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studio.models import Song
from studio.models.projects import Project
from studio.models.shares import ShareLink
from studio.projects import contents as projects
from tests.factories import make_song


@pytest.fixture
def project(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = Project.objects.create(workspace=team.workspace, name="EP", created_by=team.owner)
    for title in ("Kept", "Withdrawn"):
        song = make_song(team.workspace, team.owner, title=title)
        song.audio_file.save(f"{title}.mp3", ContentFile(b"ID3 audio"))
        projects.add_song(project, song)
    Song.objects.filter(title="Withdrawn").update(deleted_at=timezone.now())
    return project


def test_the_team_sees_a_removed_placeholder(team, project, viewer_client):
    html = viewer_client.get(reverse("projects:project", args=[project.id])).content.decode()
    assert 'class="removed-song"' in html
    assert "Withdrawn" in html
    assert "in the trash" in html


IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
}


def test_the_team_zip_says_a_song_was_withdrawn(team, project, viewer_client, settings):
    settings.TASKS = IMMEDIATE_TASKS  # the worker builds the zip: here, at the first ask
    url = reverse("projects:project_zip", args=[project.id])
    assert viewer_client.get(url).status_code == 202
    response = viewer_client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["01 Kept.mp3", "MISSING.txt"]
    assert "1 song was withdrawn" in archive.read("MISSING.txt").decode()


def test_a_guest_is_told_a_song_was_withdrawn(team, project, settings):
    _link, token = ShareLink.issue(
        workspace=team.workspace,
        project=project,
        created_by=team.owner,
        expires_on=timezone.localdate() + timedelta(days=30),
        allow_downloads=True,
    )
    guest = Client()
    html = guest.get(reverse("shares:share_page", args=[token])).content.decode()
    assert "One song was withdrawn from this project" in html
    assert ">Withdrawn<" not in html  # nothing more about it
    settings.TASKS = IMMEDIATE_TASKS
    assert guest.get(reverse("shares:share_zip", args=[token])).status_code == 202
    response = guest.get(reverse("shares:share_zip", args=[token]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "1 song was withdrawn" in archive.read("MISSING.txt").decode()
