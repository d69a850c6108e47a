"""Storage checked against the database: a deleted or damaged archived file is found and
copied again from the provider's link (the emulator serves it), or marked gone when the link
has expired; orphans are found and removed after a grace period; a restore is verified."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from emulator.models import Job as EmulatorJob
from studio.jobs import archive
from studio.jobs import lifecycle as jobs
from studio.models import ArchiveProblem, ArchiveStatus, Asset, AssetKind, JobStatus, Song


def check(*args) -> str:
    out = io.StringIO()
    call_command("check_storage", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def song(emulator, team, django_capture_on_commit_callbacks) -> Song:
    """A song made through the emulator, its files archived."""
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.submit(
            "music",
            {"sound_prompt": "calm piano", "title": "Rain", "seed": "7", "instrumental": True},
            workspace=team.workspace,
            user=team.editor,
        )
    with django_capture_on_commit_callbacks(execute=True):
        emulator.finish_all()  # its webhook may bring the result: archiving runs on commit
        job = jobs.poll(job.pk)
    assert job.status == JobStatus.SUCCESS, job.error
    song = Song.objects.filter(job=job).first()
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE, song.archive_error
    assert song.audio_file.name.endswith(".mp3")
    return song


def expire_the_providers_links() -> None:
    """The emulator's result files answer 404 from now on, as expired links do."""
    for job in EmulatorJob.objects.all():
        job.extra["expire_seconds"] = 0
        job.save(update_fields=["extra"])


def test_sizes_are_kept_when_archiving(song):
    assert song.audio_size == default_storage.size(song.audio_file.name)
    assert song.image_size == default_storage.size(song.image_file.name)


def test_a_deleted_mp3_is_found_and_repaired_from_the_providers_link(song):
    lost = song.audio_file.name
    default_storage.delete(lost)

    report = check()
    assert f"song {song.pk} audio_file missing (not in storage): {lost}" in report
    assert "1 missing · 0 damaged" in report
    song.refresh_from_db()
    assert song.audio_file.name == lost  # a check alone changes nothing

    report = check("--repair")
    assert "Repaired 1, marked gone 0" in report
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE
    assert default_storage.exists(song.audio_file.name)
    assert song.audio_size == default_storage.size(song.audio_file.name)
    with song.audio_file.open("rb") as handle:
        _samples, seconds = archive.decode(handle.read())
    assert abs(seconds - song.duration) < 0.5
    assert "0 missing · 0 damaged" in check()


def test_with_the_link_expired_the_song_says_its_file_is_gone(song, team):
    default_storage.delete(song.audio_file.name)
    expire_the_providers_links()

    report = check("--repair")
    assert "Repaired 0, marked gone 1" in report
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.FAILED
    assert song.archive_problem == ArchiveProblem.MISSING
    assert not song.audio_file
    assert not song.playable
    assert song.image_file  # the cover was not lost

    client = team.client_for(team.viewer)
    page = client.get(reverse("library:song", args=[song.pk])).content.decode()
    assert "cannot be played: its file is gone from the studio's storage" in page
    assert 'id="play-toggle"' not in page
    assert "?download=1" not in page.split('id="files"')[0]
    media = client.get(reverse("library:song_media", args=[song.pk, "audio"]))
    assert media.status_code == 404
    assert "This file is gone" in media.content.decode()
    library = client.get(reverse("library:library")).content.decode()
    assert "Not playable: its file is gone from storage." in library


def test_a_missing_files_address_answers_a_readable_page_and_queues_a_copy(
    song, team, django_capture_on_commit_callbacks
):
    default_storage.delete(song.audio_file.name)
    client = team.client_for(team.viewer)
    url = reverse("library:song_media", args=[song.pk, "audio"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "This file is missing from the studio" in body
    assert "being copied again from the provider" in body
    assert reverse("library:song", args=[song.pk]) in body
    # The copy the request queued ran (the test's task backend runs tasks at once).
    assert client.get(url).status_code == 200


def test_a_truncated_file_is_damaged_and_replaced(song):
    damaged = song.audio_file.name
    path = default_storage.path(damaged)
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 2)

    report = check()
    assert f"song {song.pk} audio_file damaged" in report
    assert "when copied" in report

    assert "Repaired 1" in check("--repair")
    song.refresh_from_db()
    assert song.audio_file.name != damaged
    assert not default_storage.exists(damaged)  # the damaged copy went
    assert song.audio_size == default_storage.size(song.audio_file.name)


def test_a_file_from_before_sizes_were_kept_is_decoded(song):
    Song.objects.filter(pk=song.pk).update(audio_size=None)
    path = default_storage.path(song.audio_file.name)
    size = os.path.getsize(path)
    assert "0 damaged" in check("--no-orphans")
    assert "sizes noted for 1 files" in check("--repair", "--no-orphans")
    song.refresh_from_db()
    assert song.audio_size == size

    Song.objects.filter(pk=song.pk).update(audio_size=None)
    with open(path, "r+b") as handle:
        handle.truncate(size // 3)
    report = check("--no-orphans")
    assert f"song {song.pk} audio_file damaged" in report
    assert f"of {song.duration:.1f} s" in report


def test_retry_archiving_copies_a_missing_file_again(song):
    default_storage.delete(song.audio_file.name)
    out = io.StringIO()
    call_command("retry_archiving", "--now", stdout=out)
    assert "Archived 1 files." in out.getvalue()
    song.refresh_from_db()
    assert song.archive_status == ArchiveStatus.DONE
    assert default_storage.exists(song.audio_file.name)


def test_orphans_are_found_and_removed_after_the_grace_period(song):
    folder = f"ws/{song.workspace_id}/0123abcd"
    young = default_storage.save(f"{folder}/young.mp3", io.BytesIO(b"ID3 left"))
    old = default_storage.save(f"{folder}/old.mp3", io.BytesIO(b"ID3 left"))
    a_day_ago = (timezone.now() - timedelta(hours=25)).timestamp()
    os.utime(default_storage.path(old), (a_day_ago, a_day_ago))

    report = check()
    assert f"orphan: {young}" in report
    assert f"orphan: {old}" in report
    assert default_storage.exists(old)  # found, not deleted

    report = check("--delete-orphans")
    assert f"orphan deleted: {old}" in report
    assert f"orphan: {young}" in report
    assert not default_storage.exists(old)
    assert default_storage.exists(young)
    assert default_storage.exists(song.audio_file.name)  # named files are never orphans


def test_the_check_resumes_from_a_cursor(song):
    report = check("--batch", "1")
    cursor = f"songs:{song.pk}"
    assert f"(cursor {cursor})" in report
    resumed = check("--resume", cursor)
    assert "Checked 0 rows" in resumed  # nothing after the last song, and no assets
    assert "Checked 0 rows" in check("--resume", "orphans")
    with pytest.raises(CommandError, match="A cursor starts with one of"):
        check("--resume", "nonsense:1")


def test_a_restore_check(song):
    report = check("--restore-check")
    assert "Restore check: 1 songs, 0 assets in the database." in report
    assert "Restore check passed" in report

    default_storage.delete(song.audio_file.name)
    with pytest.raises(CommandError, match="Restore check failed: 1 files missing"):
        check("--restore-check")
    with pytest.raises(CommandError, match="only reads"):
        check("--restore-check", "--repair")


def test_a_stems_file_is_repaired_or_said_to_be_gone(song, team):
    stem = Asset.objects.create(
        song=song,
        workspace=team.workspace,
        kind=AssetKind.STEM,
        label="Vocals",
        remote_url=song.audio_url,  # the emulator serves it
    )
    assert archive.archive_asset(stem.pk)
    stem.refresh_from_db()
    default_storage.delete(stem.file.name)
    assert f"asset {stem.pk} file missing" in check("--no-orphans")
    assert "Repaired 1" in check("--repair", "--no-orphans")
    stem.refresh_from_db()
    assert default_storage.exists(stem.file.name)
    assert stem.size == stem.file.size

    default_storage.delete(stem.file.name)
    expire_the_providers_links()
    assert "marked gone 1" in check("--repair", "--no-orphans")
    stem.refresh_from_db()
    assert stem.gone
    assert not stem.file
    page = team.client_for(team.viewer).get(reverse("library:song", args=[song.pk]))
    html = page.content.decode()
    assert 'Vocals</span> <span class="error">its file is gone' in html
    assert 'aria-label="Play the Vocals stem"' not in html
