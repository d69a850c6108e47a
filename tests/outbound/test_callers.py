"""Every caller goes through the guard: archiving, upload by URL (form and emulator), and the
emulator's webhooks. Refused URLs get a plain reason where the user looks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emulator import hooks
from emulator import jobs as emulator_jobs
from outbound import addresses
from studio.jobs import archive, providers
from studio.models import ArchiveStatus, Asset, Job, Song

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def real_network(settings, monkeypatch, tmp_path):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    settings.EMULATOR_ENABLED = False
    settings.TTAPI_BASE_URL = "https://api.ttapi.io"
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(providers, "TRANSPORT", None)
    monkeypatch.setattr(hooks, "TRANSPORT", None)


@pytest.fixture
def loopback_name(monkeypatch):
    real = addresses.RESOLVER
    monkeypatch.setattr(
        addresses,
        "RESOLVER",
        lambda host, port: ["127.0.0.1"] if host == "cdn.musicfiles.io" else real(host, port),
    )
    return "cdn.musicfiles.io"


def urls(listener, name: str) -> list[str]:
    return [
        listener.url("/a.mp3"),
        "http://10.0.0.1/a.mp3",
        f"http://{name}:{listener.port}/a.mp3",
    ]


def test_result_files_on_internal_hosts_are_not_archived(team, listen, loopback_name):
    target = listen()
    for url in urls(target, loopback_name):
        song = Song.objects.create(workspace=team.workspace, music_id=url, audio_url=url)
        assert not archive.archive_song(song.pk)
        song.refresh_from_db()
        assert song.archive_status == ArchiveStatus.FAILED  # refused: not retried
        assert "internal" in song.archive_error
        assert song.audio_url == url
    asset = Asset.objects.create(
        song=song, workspace=team.workspace, kind="stem", remote_url=target.url()
    )
    assert not archive.archive_asset(asset.pk)
    asset.refresh_from_db()
    assert "internal address" in asset.archive_error
    assert target.connections == []


def test_upload_by_url_to_internal_hosts_is_a_form_error(
    team, editor_client, listen, loopback_name
):
    target = listen()
    for url in [
        *urls(target, loopback_name),
        "http://[fd00::1]/a",
        "http://metadata.google.internal/",
    ]:
        response = editor_client.post(reverse("library:upload"), {"audio_url": url})
        assert response.status_code == 400, url
        assert "This address cannot be used" in response.content.decode()
    assert not Job.objects.exists()
    assert target.connections == []


def test_the_emulator_does_not_fetch_internal_uploads(listen, loopback_name):
    target = listen()
    for url in urls(target, loopback_name):
        path, why = emulator_jobs._download_upload(url)
        assert not path
        assert "internal" in why
    assert target.connections == []


def test_the_emulator_does_not_post_hooks_to_internal_hosts(listen, loopback_name):
    target = listen()
    for url in urls(target, loopback_name):
        with hooks.http_client() as client:
            assert not hooks._post(client, url, {"status": "SUCCESS"})
    assert target.connections == []


def test_the_api_client_goes_through_the_guard(listen):
    """Its own base is trusted; a redirect from it to another internal host is not."""
    from contract.errors import TTAPIError
    from studio.jobs.ttapi import Client

    inner = listen()

    def redirect(handler):
        handler.send_response(307)
        handler.send_header("Location", inner.url("/producer/v1/fetch?jobId=1"))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    api = listen(redirect)
    with Client("key-1234", f"http://127.0.0.1:{api.port}") as client, pytest.raises(TTAPIError):
        client.fetch("1")  # a redirect is not followed
    assert len(api.connections) >= 1
    assert inner.connections == []


def test_the_api_client_refuses_an_internal_address_it_was_not_given(settings, listen):
    from contract.errors import ConnectionFailed
    from studio.jobs.ttapi import Client

    target = listen()
    with Client("key-1234", "https://api.ttapi.io") as client:
        client._transport._http.base_url = f"http://127.0.0.1:{target.port}/"
        with pytest.raises(ConnectionFailed, match="refused"):
            client.fetch("1")
    assert target.connections == []
