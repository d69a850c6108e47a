"""Copies run on their own queue: the sweep (which polls jobs) only queues them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from studio.jobs import archive, sweep
from studio.jobs import lifecycle as jobs
from studio.models import ArchiveStatus, Song


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "archive"]}
    }


def test_the_sweep_queues_copies_and_never_copies_itself(team, database_queue, monkeypatch):
    monkeypatch.setattr(archive, "_download", lambda *a: pytest.fail("copied in the sweep"))
    song = Song.objects.create(
        workspace=team.workspace,
        music_id="m-1",
        audio_url="http://cdn.test/a.mp3",
        archive_status=ArchiveStatus.PENDING,
        archive_next_at=timezone.now() - timedelta(seconds=1),
    )
    assert sweep.sweep()["archived"] == 1
    (queued,) = DBTaskResult.objects.all()
    assert queued.queue_name == archive.QUEUE == "archive"
    assert queued.args_kwargs["args"] == [[str(song.pk)], []]
    sweep.sweep()
    assert DBTaskResult.objects.count() == 1  # queued once until its lease ends


def test_results_queue_their_copies_on_the_archive_queue(team, database_queue):
    archive.archive_later(["00000000-0000-0000-0000-000000000001"])
    assert DBTaskResult.objects.get().queue_name == "archive"
    assert jobs.send_job.queue_name == "default"
