"""Songs that arrive are written in the workspace's activity log, once each."""

import pytest

from contract.producer import Action
from studio.jobs import lifecycle as jobs
from studio.models import ActivityEvent, Job, JobStatus, Song, Verb

pytestmark = pytest.mark.django_db


def _result(job_id: str, action: str, music_id: str, title: str) -> dict:
    return {
        "status": "SUCCESS",
        "message": "success",
        "data": {
            "jobId": job_id,
            "action": action,
            "progress": "100%",
            "quota": "3",
            "musics": [
                {
                    "musicId": music_id,
                    "title": title,
                    "audioUrl": "https://cdn.example.com/a.mp3",
                    "durations": "120.5",
                }
            ],
        },
    }


def _job(team, action: Action, provider_id: str, parent: Song | None = None) -> Job:
    params = {"music_id": parent.music_id} if parent else {}
    return Job.objects.create(
        workspace=team.workspace,
        user=team.editor,
        action=action,
        status=JobStatus.ON_QUEUE,
        provider_job_id=provider_id,
        parent=parent,
        params=params,
    )


def test_created_and_remixed_songs_are_recorded_once(team, django_capture_on_commit_callbacks):
    job = _job(team, Action.MUSIC, "p-1")
    with django_capture_on_commit_callbacks():
        jobs.apply_result(job, _result("p-1", "music", "m-1", "Aurora"))
        jobs.apply_result(job, _result("p-1", "music", "m-1", "Aurora"))  # delivered twice
    song = Song.objects.get(music_id="m-1")
    event = ActivityEvent.objects.get()
    assert (event.verb, event.actor, event.subject, event.song) == (
        Verb.SONG_CREATED,
        team.editor,
        "Aurora",
        song,
    )
    remix = _job(team, Action.EXTEND, "p-2", parent=song)
    with django_capture_on_commit_callbacks():
        jobs.apply_result(remix, _result("p-2", "extend", "m-2", "Aurora II"))
    latest = ActivityEvent.objects.order_by("-created_at", "-id").first()
    assert latest.verb == Verb.SONG_REMIXED
    assert latest.subject == "Aurora II (extension of Aurora)"
    assert ActivityEvent.objects.count() == 2
