"""Archiving: files copied into storage, retried with backoff, provider URLs never lost."""

import io
import wave
from datetime import timedelta

import httpx
import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from studio.jobs import archive, providers
from studio.jobs.sweep import sweep
from studio.models import ArchiveStatus, Asset, Song


def wav_bytes(seconds=1.0, rate=8000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 220 * t) * t / seconds * 20000).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return out.getvalue()


class Files:
    def __init__(self):
        self.fail = 0
        self.calls = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.fail:
            self.fail -= 1
            return httpx.Response(503, text="busy")
        if request.url.path.endswith(".png"):
            return httpx.Response(
                200, content=b"\x89PNG....", headers={"content-type": "image/png"}
            )
        return httpx.Response(200, content=wav_bytes(2.0), headers={"content-type": "audio/wav"})


@pytest.fixture
def files(monkeypatch):
    served = Files()
    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(served.handler))
    return served


@pytest.fixture
def song(team):
    return Song.objects.create(
        workspace=team.workspace,
        music_id="m-1",
        title="Rain drops",
        audio_url="http://cdn.test/m-1/audio",
        image_url="http://cdn.test/m-1/cover.png",
    )


def test_copies_files_and_computes_peaks(song, files):
    assert archive.archive_song(song.pk)
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE
    assert not song.archive_error
    assert song.audio_file.name.endswith("rain-drops.wav")
    assert song.image_file.name.endswith(".png")
    assert song.audio_url  # the provider URL stays
    assert len(song.peaks) == 200
    assert max(song.peaks) == 1.0
    assert song.peaks[0] < 0.1
    assert song.duration == pytest.approx(2.0)
    assert not archive.archive_song(song.pk)  # done is done


def test_failures_retry_with_backoff_then_succeed(song, files):
    files.fail = 1
    assert not archive.archive_song(song.pk)
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.PENDING
    assert song.archive_attempts == 1
    assert "HTTP 503" in song.archive_error
    assert song.audio_url
    first_wait = song.archive_next_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
    assert sweep()["archived"] == 0  # not due yet
    assert sweep(song.archive_next_at + timedelta(seconds=1))["archived"] == 1
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE
    assert not song.archive_error


def test_gives_up_after_the_limit_keeping_the_url(song, files, settings):
    settings.ARCHIVE_MAX_ATTEMPTS = 2
    files.fail = 10
    archive.archive_song(song.pk)
    archive.archive_song(song.pk)  # the retry, run directly
    assert not archive.archive_song(song.pk)  # given up: no third attempt
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.FAILED
    assert song.archive_attempts == 2
    assert "Gave up" in song.archive_error
    assert song.audio_url
    files.fail = 0
    call_command("retry_archiving", "--now", stdout=io.StringIO())
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE


def test_assets_are_copied(song, files):
    asset = Asset.objects.create(
        song=song,
        workspace=song.workspace,
        kind="stem",
        label="Drums",
        remote_url="http://x.test/d",
    )
    assert archive.archive_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.archive_status == ArchiveStatus.DONE
    assert asset.size > 1000
    assert asset.content_type == "audio/wav"
    assert asset.file.name.endswith("drums.wav")


def test_refuses_non_http_urls(song, files):
    Song.objects.filter(pk=song.pk).update(audio_url="file:///etc/passwd")
    archive.archive_song(song.pk)
    song.refresh_from_db()
    assert "Only http and https" in song.archive_error
    assert files.calls == 0
    assert song.archive_status == ArchiveStatus.FAILED  # refused: not retried


def test_decoding_stops_at_its_cap():
    _samples, seconds = archive.decode(wav_bytes(5.0), max_seconds=1.0)
    assert seconds == pytest.approx(1.0)


def test_a_declared_size_over_the_cap_is_refused_unread_and_not_retried(song, monkeypatch):
    read = []

    def stream():
        read.append(1)
        yield b"\x00" * 1024

    def handler(request):
        return httpx.Response(200, headers={"content-length": str(2 * 1024**3)}, content=stream())

    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(handler))
    assert not archive.archive_song(song.pk)
    song.refresh_from_db()
    assert "larger than 1024 MB" in song.archive_error
    assert read == []
    assert song.archive_status == ArchiveStatus.FAILED
    assert song.archive_attempts == 1
