"""Stored files handed to the front server or the object store: the studio checks access
and picks the type, then sends no bytes itself."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from studio.lib.offload import offloaded
from tests.factories import make_song

AUDIO = b"ID3" + bytes(range(256)) * 40


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def song(team):
    song = make_song(team.workspace, team.owner, title="Sea Song")
    song.audio_file.save("sea.mp3", ContentFile(AUDIO))
    return song


def test_x_accel_redirect_hands_the_file_to_nginx(song, viewer_client, outsider_client, settings):
    settings.MEDIA_OFFLOAD = "x-accel-redirect"
    settings.MEDIA_OFFLOAD_PREFIX = "/protected-media/"
    url = reverse("library:song_media", args=[song.id, "audio"])
    response = viewer_client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{song.audio_file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "audio/mpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    download = viewer_client.get(url, {"download": "1"})
    assert download["Content-Disposition"] == 'attachment; filename="Sea Song.mp3"'
    assert outsider_client.get(url).status_code == 404


def test_x_sendfile_names_the_path_on_disk(song, viewer_client, settings, media_root):
    settings.MEDIA_OFFLOAD = "x-sendfile"
    response = viewer_client.get(reverse("library:song_media", args=[song.id, "audio"]))
    assert response["X-Sendfile"] == str(media_root / song.audio_file.name)
    assert response.content == b""


def test_a_shared_file_is_handed_off_too(team, song, owner_client, settings):
    from datetime import date, timedelta

    from studio.models.shares import ShareLink

    settings.MEDIA_OFFLOAD = "x-accel-redirect"
    _link, token = ShareLink.issue(
        workspace=team.workspace, song=song, created_by=team.owner,
        expires_on=date.today() + timedelta(days=2),
    )  # fmt: skip
    response = owner_client.get(reverse("shares:share_media", args=[token, song.id, "audio"]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"].endswith(song.audio_file.name)


def test_without_offloading_the_studio_sends_the_bytes(song, viewer_client, settings):
    settings.MEDIA_OFFLOAD = "none"
    response = viewer_client.get(reverse("library:song_media", args=[song.id, "audio"]))
    assert b"".join(response.streaming_content) == AUDIO
    assert "X-Accel-Redirect" not in response


def test_on_s3_a_short_lived_presigned_url(settings):
    from storages.backends.s3 import S3Storage

    settings.MEDIA_OFFLOAD = "presigned"
    settings.MEDIA_URL_EXPIRY_SECONDS = 120
    storage = S3Storage(
        bucket_name="studio-media", access_key="AKIDEXAMPLE", secret_key="secret",
        region_name="eu-west-1", querystring_auth=True, signature_version="s3v4",
    )  # fmt: skip
    response = offloaded(
        storage, "songs/a/sea.mp3", "audio/mpeg", filename="sea song.mp3", as_attachment=True
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://studio-media.s3")
    assert "X-Amz-Expires=120" in location
    assert "X-Amz-Signature=" in location
    assert "response-content-disposition=attachment" in location
    assert "response-content-type=audio%2Fmpeg" in location
    assert response["Cache-Control"] == "private, no-store"


def test_a_project_zip_is_built_once_then_handed_off(team, song, viewer_client, settings):
    from studio.models.projects import Project
    from studio.projects import contents as projects

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    settings.MEDIA_OFFLOAD = "x-accel-redirect"
    project = Project.objects.create(workspace=team.workspace, name="EP", created_by=team.owner)
    projects.add_song(project, song)
    url = reverse("projects:project_zip", args=[project.id])
    assert viewer_client.get(url).status_code == 202  # the worker builds it
    response = viewer_client.get(url)
    assert response.status_code == 200
    assert response.content == b""
    first = response["X-Accel-Redirect"]
    assert first.startswith(f"/protected-media/zips/{team.workspace.id}/{project.id}/")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="EP.zip"'
    # A changed project is a new zip; the old one is deleted once the new one is built.
    Project.objects.filter(pk=project.pk).update(name="EP two")
    project.refresh_from_db()
    assert viewer_client.get(url).status_code == 202
    second = viewer_client.get(url)["X-Accel-Redirect"]
    assert second != first
    folder = settings.MEDIA_ROOT / "zips" / str(team.workspace.id) / str(project.id)
    assert sorted(p.suffix for p in folder.iterdir()) == [".done", ".zip"]


def test_the_waiting_page_polls_until_the_zip_is_built(team, song, viewer_client):
    from studio.models.projects import Project
    from studio.projects import contents as projects

    project = Project.objects.create(workspace=team.workspace, name="EP", created_by=team.owner)
    projects.add_song(project, song)
    url = reverse("projects:project_zip", args=[project.id])
    page = viewer_client.get(url)  # the worker has not run: the build waits in its queue
    assert page.status_code == 202
    assert "<html" in page.content.decode()
    poll = viewer_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in poll
    assert 'hx-trigger="every 2s"' in poll
    assert "Preparing the zip" in poll
