"""A copy is written under a temporary name and renamed when complete: a failed or
interrupted copy leaves no file behind."""

import os
import resource
import signal
from contextlib import contextmanager

import httpx
import pytest

from studio.jobs import archive, providers
from studio.models import Song


@contextmanager
def files_limited_to(size: int):
    """Writes past `size` bytes fail (EFBIG), as writes on a full disk do (ENOSPC)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, names in os.walk(root) for f in names]


@pytest.fixture
def big_file(monkeypatch):
    body = os.urandom(3 * 1024 * 1024)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "audio/mpeg"})

    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(handler))
    return body


def test_a_copy_that_fails_midway_leaves_no_file(team, big_file, settings):
    song = Song.objects.create(
        workspace=team.workspace, music_id="m-1", audio_url="http://cdn.test/m-1/a.mp3"
    )
    with files_limited_to(256 * 1024):
        assert not archive.archive_song(song.pk)
    song.refresh_from_db()
    assert not song.audio_file
    assert song.archive_attempts == 1
    assert files_under(settings.MEDIA_ROOT) == []  # no truncated MP3, no partial file


def test_a_complete_copy_gets_its_name_and_nothing_else_stays(team, big_file, settings):
    song = Song.objects.create(
        workspace=team.workspace, music_id="m-1", audio_url="http://cdn.test/m-1/a.mp3"
    )
    archive._copy(song, "audio_file", song.audio_url, "Rain", "audio")
    song.refresh_from_db()
    with song.audio_file.open("rb") as handle:
        assert handle.read() == big_file
    assert files_under(settings.MEDIA_ROOT) == [song.audio_file.path]
    assert oct(os.stat(song.audio_file.path).st_mode & 0o777) == oct(0o644)


def test_the_sweep_removes_partial_copies_a_killed_worker_left(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    partials = settings.MEDIA_ROOT / archive.PARTIAL_DIR
    partials.mkdir(parents=True)
    stale, fresh = partials / "copy-stale", partials / "copy-fresh"
    stale.write_bytes(b"half a song")
    fresh.write_bytes(b"being written")
    now = 1_000_000_000.0
    deadline = settings.ARCHIVE_DEADLINE_SECONDS
    os.utime(stale, (now - deadline - 120, now - deadline - 120))
    os.utime(fresh, (now - 5, now - 5))  # a copy still in progress
    assert archive.remove_stale_partials(now) == 1
    assert not stale.exists()
    assert fresh.exists()
