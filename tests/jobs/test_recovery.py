"""Crashes and lost work: a send that died before saving, polls lost with a killed worker."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from studio.jobs import lifecycle as jobs
from studio.jobs.sweep import sweep
from studio.models import Heartbeat, Job, JobStatus, Song

from .conftest import music_entry

pytestmark = pytest.mark.django_db(transaction=True)


class Crash(BaseException):
    """The process dies: nothing after this line runs."""


@pytest.fixture
def crashed(team, fake_api, monkeypatch, settings):
    """A job whose POST went out but whose answer was never saved."""
    settings.PUBLIC_BASE_URL = "https://studio.example"

    def die(job, provider_job_id):
        raise Crash

    monkeypatch.setattr(jobs, "save_sent", die)
    job = Job.objects.create(
        workspace=team.workspace, user=team.editor, action="music", params={"sound_prompt": "x"}
    )
    with pytest.raises(Crash):
        jobs.send(job)
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == JobStatus.SUBMITTING
    assert job.submitted_at
    assert not job.provider_job_id
    assert len(fake_api.posts) == 1
    return job


def test_crash_recovered_by_the_webhook(crashed, fake_api):
    hook_url = fake_api.sent_body()["hook_url"]
    assert str(crashed.pk) in hook_url
    provider_id = next(iter(fake_api.results))
    body = fake_api.finish(provider_id, musics=[music_entry("m-1")])
    response = Client().post(
        hook_url.removeprefix("https://studio.example"), json.dumps(body), "application/json"
    )
    assert response.status_code == 200
    crashed.refresh_from_db()
    assert crashed.provider_job_id == provider_id
    assert crashed.status == JobStatus.SUCCESS
    assert Song.objects.get().job == crashed
    sweep(timezone.now() + timedelta(hours=1))
    assert len(fake_api.posts) == 1  # never sent twice


def test_crash_recovered_by_the_sweep(crashed, fake_api):
    sweep()  # within the send's lease: maybe still sending, leave it
    crashed.refresh_from_db()
    assert crashed.status == JobStatus.SUBMITTING
    sweep(crashed.submitted_at + jobs.send_lease() + timedelta(seconds=1))
    crashed.refresh_from_db()
    assert crashed.status == JobStatus.UNKNOWN
    assert "stopped while sending" in crashed.error
    assert len(fake_api.posts) == 1
    # No webhook within the max age: FAILED, warning that the provider may have made it.
    Job.objects.filter(pk=crashed.pk).update(created_at=timezone.now() - timedelta(hours=1))
    sweep(timezone.now() + timedelta(hours=1))
    crashed.refresh_from_db()
    assert crashed.status == JobStatus.FAILED
    assert "may have created it" in crashed.error
    assert len(fake_api.posts) == 1


def test_polling_backs_off_and_stops_when_done(team, fake_api):
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    job.refresh_from_db()
    delays = []
    now = job.next_poll_at
    for _ in range(4):
        now += timedelta(milliseconds=1)
        sweep(now)
        job.refresh_from_db()
        delays.append((job.next_poll_at - now).total_seconds())
        now = job.next_poll_at
    assert len(fake_api.fetches) == 4
    assert delays == sorted(delays)
    assert delays[0] >= 2.9
    assert delays[-1] > delays[0]
    fake_api.finish(job.provider_job_id)
    sweep(now + timedelta(milliseconds=1))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS
    assert job.next_poll_at is None
    for hours in (1, 2, 3):
        sweep(now + timedelta(hours=hours))
    assert len(fake_api.fetches) == 5  # nothing more once done
    assert Heartbeat.objects.filter(name="worker").exists()


def test_poll_delay_is_capped():
    assert jobs.poll_delay(0) == timedelta(seconds=2)
    assert jobs.poll_delay(50) == timedelta(seconds=60)


def test_a_killed_workers_jobs_are_picked_up(team, fake_api):
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    job.refresh_from_db()
    due = job.next_poll_at + timedelta(milliseconds=1)
    # A worker claims the poll, then dies before fetching.
    assert jobs.claim(job, jobs.poll_lease(), due)
    assert not jobs.claim(job, jobs.poll_lease(), due)  # nobody else takes it meanwhile
    assert sweep(due + timedelta(seconds=30))["polled"] == 0
    fake_api.finish(job.provider_job_id)
    assert sweep(due + jobs.poll_lease() + timedelta(seconds=1))["polled"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESS
    assert len(fake_api.fetches) == 1


def test_gives_up_after_the_max_age(team, fake_api, settings):
    settings.JOB_MAX_AGE_MINUTES = 5
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    sweep(timezone.now() + timedelta(seconds=5))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.failed_locally
    assert "No result after 5 minutes" in job.error
    assert job.next_poll_at is None
    # repoll still finds a late result.
    fake_api.finish(job.provider_job_id)
    assert jobs.reconcile(job).status == JobStatus.SUCCESS


def test_fetch_errors_are_noted_and_polling_goes_on(team, fake_api):
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    job.refresh_from_db()
    del fake_api.results[job.provider_job_id]
    jobs.poll(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.ON_QUEUE
    assert job.error.startswith("Could not check the job")
    assert job.next_poll_at > timezone.now()


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers: concurrency needs PostgreSQL"
)
def test_two_workers_never_poll_the_same_job(team, fake_api):
    for _ in range(5):
        jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    due = timezone.now() + timedelta(seconds=5)
    barrier = threading.Barrier(3)

    def worker():
        try:
            barrier.wait()
            sweep(due)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_api.fetches) == 5


def test_a_job_is_followed_where_it_was_sent(team, fake_api, settings):
    # Sent to the emulator (no key yet); then an owner adds the workspace's key.
    on_emulator = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=None)
    team.workspace.set_api_key("tt-real-key-0123456789")
    team.workspace.save()
    # Sent to the real service with that key; then the key is removed again.
    on_service = jobs.submit("music", {"sound_prompt": "y"}, workspace=team.workspace, user=None)
    assert (on_emulator.on_emulator, on_service.on_emulator) == (True, False)
    hosts = [request.url.host for request in fake_api.posts]
    assert hosts == ["emulator.test", "api.ttapi.io"]
    team.workspace.set_api_key("")
    team.workspace.save()
    for job in (on_emulator, on_service):
        job.refresh_from_db()
        fake_api.finish(job.provider_job_id)
        jobs.poll(job.pk)
    assert [request.url.host for request in fake_api.fetches] == ["emulator.test", "api.ttapi.io"]
    on_emulator.refresh_from_db()
    assert on_emulator.status == JobStatus.SUCCESS
