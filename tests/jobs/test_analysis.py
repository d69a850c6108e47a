"""Songs are measured after archiving: figures stored, failures logged, archiving unharmed."""

import logging
import uuid
from io import StringIO

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from studio.jobs import analysis
from studio.jobs import lifecycle as jobs
from studio.models import ArchiveStatus, JobStatus, Song


def finished_song(emulator, team, capture, title="Rain") -> Song:
    with capture(execute=True):
        job = jobs.submit(
            "music",
            {"sound_prompt": "calm lofi piano", "title": title, "seed": "24", "instrumental": True},
            workspace=team.workspace,
            user=team.editor,
        )
    emulator.finish_all()
    with capture(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.SUCCESS, job.error
    return Song.objects.get(job=job)


@pytest.mark.django_db(transaction=True)
def test_an_archived_song_is_measured(emulator, team, django_capture_on_commit_callbacks):
    song = finished_song(emulator, team, django_capture_on_commit_callbacks)
    assert song.archive_status == ArchiveStatus.DONE, song.archive_error
    assert song.analysed_at is not None
    # The emulator's music is a real mix: a pulse, a key, a level well above silence.
    assert song.lufs is not None
    assert -40 < song.lufs < 0
    assert song.true_peak is not None
    assert song.true_peak > song.lufs
    assert song.lra is not None
    assert song.lra >= 0
    assert song.bpm is not None
    assert 60 <= song.bpm <= 200
    assert song.key.split()[-1] in {"major", "minor"}


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_measured_too(emulator, team, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    made = finished_song(emulator, team, cap)
    audio_url = f"{emulator.base_url}/files/{made.music_id}/audio.mp3"
    with cap(execute=True):
        job = jobs.submit(
            "upload", {"audio_url": audio_url}, workspace=team.workspace, user=team.editor
        )
    emulator.finish_all()
    with cap(execute=True):
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.SUCCESS, job.error
    uploaded = Song.objects.get(job=job)
    assert uploaded.relation == "upload"
    assert uploaded.archive_status == ArchiveStatus.DONE, uploaded.archive_error
    assert uploaded.analysed_at is not None
    assert uploaded.lufs is not None
    assert uploaded.true_peak is not None


@pytest.mark.django_db(transaction=True)
def test_a_failed_measurement_leaves_archiving_done(
    emulator, team, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(data):
        raise RuntimeError("boom")

    monkeypatch.setattr(analysis, "analyse_file", broken)
    with caplog.at_level(logging.WARNING, logger="studio.jobs.analysis"):
        song = finished_song(emulator, team, django_capture_on_commit_callbacks)
    assert song.archive_status == ArchiveStatus.DONE
    assert song.audio_file
    assert song.peaks
    assert (song.bpm, song.key, song.lufs, song.analysed_at) == (None, "", None, None)
    assert f"Song {song.pk} was not analysed" in caplog.text


def tone_wav(seconds: float = 4.0, rate: int = 22050) -> bytes:
    import io
    import wave

    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buffer.getvalue()


def archived(team, name: str, data: bytes) -> Song:
    song = Song.objects.create(
        workspace=team.workspace, music_id=uuid.uuid4().hex, archive_status=ArchiveStatus.DONE
    )
    song.audio_file.save(name, ContentFile(data))
    return song


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_undecodable_audio_is_logged_not_raised(team, media, caplog):
    song = archived(team, "x.mp3", b"this is not audio at all")
    with caplog.at_level(logging.WARNING, logger="studio.jobs.analysis"):
        assert analysis.analyse_song(song.pk) is False
    song.refresh_from_db()
    assert song.analysed_at is None
    assert song.lufs is None
    assert "could not be decoded" in caplog.text


def test_the_command_is_resumable(team, media):
    songs = [archived(team, f"t{i}.wav", tone_wav()) for i in range(3)]
    out = StringIO()
    call_command("analyse_songs", "--limit", "1", stdout=out)
    assert Song.objects.filter(analysed_at__isnull=False).count() == 1
    assert "[1/1]" in out.getvalue()
    # Songs are taken in key order: the broken one joins after the first run, so which song
    # that run measures never depends on the keys drawn.
    broken = archived(team, "bad.mp3", b"not audio")

    out = StringIO()
    call_command("analyse_songs", stdout=out)
    text = out.getvalue()
    # Only the three not yet measured are read; the broken one is reported and skipped.
    assert "3 songs to measure." in text
    assert "Measured 2 songs; 1 could not be measured" in text
    for song in songs:
        song.refresh_from_db()
        assert song.analysed_at is not None
        assert song.lufs is not None
        assert song.true_peak is not None
    broken.refresh_from_db()
    assert broken.analysed_at is None

    out = StringIO()
    call_command("analyse_songs", stdout=out)
    assert "1 songs to measure." in out.getvalue()  # the analysed ones are never read again


def test_the_command_takes_one_workspace(team, media):
    archived(team, "t.wav", tone_wav())
    out = StringIO()
    with pytest.raises(CommandError, match="no workspace"):
        call_command("analyse_songs", "--workspace", str(uuid.uuid4()), stdout=out)
    with pytest.raises(CommandError, match="not a workspace id"):
        call_command("analyse_songs", "--workspace", "nope", stdout=out)
    call_command("analyse_songs", "--workspace", str(team.workspace.pk), stdout=out)
    assert "Measured 1 songs" in out.getvalue()
