"""Honest reasons: a full disk says so (to the song and to staff), an expired link is final
after one confirmation and leaves no dead play button."""

import errno
import os

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

import outbound
from studio.jobs import archive, providers
from studio.models import ArchiveStatus, Song
from tests.jobs.test_archive import wav_bytes


@pytest.fixture
def song(team):
    return Song.objects.create(
        workspace=team.workspace,
        music_id="m-1",
        title="Rain drops",
        audio_url="http://cdn.test/m-1/audio.mp3",
    )


@pytest.fixture
def staff_client(db) -> Client:
    user = User.objects.create_user("staffer", "staff@example.com", "pw")
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_a_full_disk_says_storage_is_full(song, monkeypatch, settings, staff_client):
    real = outbound.download

    def fill_the_disk(url, into, **kwargs):
        into.write(b"\x00" * 4096)  # part of the file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outbound, "download", fill_the_disk)
    assert not archive.archive_song(song.pk)
    monkeypatch.setattr(outbound, "download", real)
    song.refresh_from_db()
    assert song.archive_error.startswith("Storage is full.")
    assert song.archive_status == ArchiveStatus.PENDING  # tried again once there is space
    assert "failed unexpectedly" not in song.archive_error
    leftovers = [f for _d, _s, files in os.walk(settings.MEDIA_ROOT) for f in files]
    assert leftovers == []
    page = staff_client.get(reverse("staff:staff_dashboard")).content.decode()
    assert 'id="storage-full"' in page
    assert "Storage is full: 1 file waits" in page


class ExpiredHost:
    """The provider's file host: 404 for the first `missing` requests, then the file."""

    def __init__(self, missing: int, status: int = 404) -> None:
        self.missing = missing
        self.status = status
        self.calls = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.missing:
            return httpx.Response(self.status, text="Not Found")
        return httpx.Response(200, content=wav_bytes(1.0), headers={"content-type": "audio/wav"})


@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_link_is_final_after_one_confirmation(song, monkeypatch, status, team):
    host = ExpiredHost(missing=100, status=status)
    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(host.handler))
    assert not archive.archive_song(song.pk)
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.PENDING  # one 404 may be a hiccup
    Song.objects.filter(pk=song.pk).update(archive_next_at=None)  # the retry is due
    assert not archive.archive_song(song.pk)
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.FAILED
    assert song.archive_attempts == 2
    assert "expired" in song.archive_error
    assert song.archive_next_at is None
    assert not archive.archive_song(song.pk)
    assert host.calls == 2

    client = team.client_for(team.owner)
    page = client.get(reverse("library:song", args=[song.pk])).content.decode()
    assert "expired at the provider before it could be copied" in page
    assert "copying the files" not in page
    assert 'id="play-toggle"' not in page
    assert 'data-player="play"' not in page
    library = client.get(reverse("library:library")).content.decode()
    assert "Not playable: its file expired before it could be copied." in library
    assert f'aria-label="Play {song.title}"' not in library


def test_a_single_404_is_not_final(song, monkeypatch):
    host = ExpiredHost(missing=1)
    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(host.handler))
    assert not archive.archive_song(song.pk)
    Song.objects.filter(pk=song.pk).update(archive_next_at=None)
    assert archive.archive_song(song.pk)
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE
    assert not song.archive_problem
