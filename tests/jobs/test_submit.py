"""Submitting: the row before the call, the provider id right after, every error readable."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from contract.errors import PayloadInvalid
from studio.jobs import lifecycle as jobs
from studio.jobs import queueing
from studio.jobs.sweep import sweep
from studio.models import Job, JobStatus, Song

from .conftest import music_body

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = {"sound_prompt": "calm piano"}


def submit(team, action="music", params=None, parent=None) -> Job:
    job = jobs.submit(
        action,
        PROMPT if params is None else params,
        workspace=team.workspace,
        user=team.editor,
        parent=parent,
    )
    job.refresh_from_db()
    return job


def song(team, music_id="m-1", **fields) -> Song:
    return Song.objects.create(workspace=team.workspace, music_id=music_id, **fields)


def test_row_committed_before_the_call_and_id_saved_after(team, fake_api):
    seen = []
    fake_api.on_send = lambda request: seen.extend(Job.objects.values_list("status", "params"))
    job = submit(team)
    assert seen == [(JobStatus.SUBMITTING, {"sound_prompt": "calm piano"})]
    assert fake_api.in_transaction == [False]
    assert job.status == JobStatus.ON_QUEUE
    assert job.provider_job_id in fake_api.results
    assert job.submitted_at
    assert job.submit_attempts == 1
    assert job.next_poll_at


def test_no_hook_url_when_the_studio_is_not_reachable(team, fake_api, settings):
    team.workspace.set_api_key("tt-real-key")  # the real service: it cannot reach us
    team.workspace.save()
    job = submit(team)
    assert not job.on_emulator
    assert "hook_url" not in fake_api.sent_body()


def test_the_built_in_emulator_posts_back_to_its_own_host(team, fake_api, settings):
    settings.EMULATOR_BASE_URL = "http://127.0.0.1:8123/emulator"
    job = submit(team)
    assert job.on_emulator
    hook = fake_api.sent_body()["hook_url"]
    assert hook == f"http://127.0.0.1:8123/hooks/jobs/{job.pk}/{job.hook_token}/"
    settings.EMULATOR_WEBHOOKS = False
    submit(team)
    assert "hook_url" not in fake_api.sent_body()


def test_hook_url_only_with_a_public_base_url(team, fake_api, settings):
    settings.PUBLIC_BASE_URL = "https://studio.example"
    job = submit(team)
    hook = fake_api.sent_body()["hook_url"]
    assert hook == f"https://studio.example/hooks/jobs/{job.pk}/{job.hook_token}/"
    assert "hook_url" not in job.params  # the token is never stored in the request


def test_invalid_params_create_nothing(team, fake_api):
    with pytest.raises(PayloadInvalid) as caught:
        submit(team, params={"weirdness": 7})
    assert set(caught.value.errors) >= {"weirdness", "sound_prompt"}
    assert not Job.objects.exists()
    assert not fake_api.requests


def test_parent_actions_take_the_parents_music_id(team, fake_api):
    parent = song(team, "abc-123", title="Rain")
    job = submit(team, "extend", {"sound_prompt": "more", "music_id": "ignored"}, parent)
    assert job.parent == parent
    assert fake_api.sent_body()["music_id"] == "abc-123"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("disabled", "switched off"),
        ("cap", "limit"),
        ("budget", "budget"),
        ("parent_running", "has not finished"),
        ("parent_elsewhere", "another workspace"),
    ],
)
def test_refusals_come_before_any_row(team, fake_api, settings, setup, message):
    from studio.models import Workspace

    parent = None
    if setup == "disabled":
        settings.TTAPI_DISABLED_ACTIONS = ["extend"]
        parent = song(team)
    elif setup == "cap":
        settings.WORKSPACE_MAX_RUNNING_JOBS = 1
        Job.objects.create(workspace=team.workspace, action="music", status=JobStatus.ON_QUEUE)
    elif setup == "budget":
        team.workspace.monthly_budget = 10
        team.workspace.save()
        Job.objects.create(
            workspace=team.workspace, action="music", status="SUCCESS", quota=Decimal(8)
        )
    elif setup == "parent_running":
        running = Job.objects.create(workspace=team.workspace, action="music", status="ON_QUEUE")
        parent = song(team, job=running)
    else:
        parent = song(team)
        parent.workspace = Workspace.objects.create(name="Other")
        parent.save()
    before = Job.objects.count()
    with pytest.raises(jobs.SubmitRefused) as caught:
        submit(team, "extend" if parent or setup == "disabled" else "music", PROMPT, parent)
    assert message in caught.value.message
    assert Job.objects.count() == before
    assert not fake_api.requests


def test_budget_allows_free_actions_and_counts_running_jobs(team, fake_api):
    team.workspace.monthly_budget = 6
    team.workspace.save()
    submit(team)
    submit(team)  # 3 held + 3 more fits in 6
    with pytest.raises(jobs.SubmitRefused, match="6 more are held by running jobs"):
        submit(team)
    # A free action still goes.
    parent = song(team)
    assert submit(team, "generate-video", {}, parent).status == JobStatus.ON_QUEUE


def reply(status, body=None, text=None):
    def answer(request):
        if text is not None:
            return httpx.Response(status, text=text, headers={"content-type": "text/html"})
        return httpx.Response(status, json=body or {"status": "FAILED", "message": "Nope"})

    return answer


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (reply(400, {"status": "FAILED", "message": "Parameter error"}), "Parameter error"),
        (reply(401), "API key"),
        (reply(402), "run out of credit"),
        (reply(403), "blocked"),
        (reply(404), "could not find"),
        (reply(410), "retired"),
        (reply(200, {"status": "FAILED", "message": "prompt refused"}), "prompt refused"),
    ],
)
def test_rejections_fail_with_the_reason(team, fake_api, answer, fragment):
    fake_api.submit_reply = answer
    job = submit(team)
    assert job.status == JobStatus.FAILED
    assert fragment in job.error
    assert job.finished_at
    assert not job.failed_locally


def _timeout(request):
    raise httpx.ReadTimeout("slow", request=request)


def _cut(request):
    raise httpx.RemoteProtocolError("peer closed connection", request=request)


@pytest.mark.parametrize(
    "answer",
    [
        reply(500),
        reply(502, text="<html>Bad gateway</html>"),
        reply(504),
        reply(408),
        reply(200, text="<html>cdn</html>"),
        reply(200, {"status": "SUCCESS", "data": {}}),
        _timeout,
        _cut,
    ],
)
def test_ambiguous_outcomes_are_unknown_and_never_resent(team, fake_api, answer):
    fake_api.submit_reply = answer
    job = submit(team)
    assert job.status == JobStatus.UNKNOWN
    assert job.error
    assert not job.provider_job_id
    # The sweep, even long after, never posts it again; past the max age it fails, warning.
    later = timezone.now() + timedelta(minutes=31)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    sweep(later)
    job.refresh_from_db()
    assert len(fake_api.posts) == 1
    assert job.status == JobStatus.FAILED
    assert job.failed_locally
    assert "may have created it" in job.error


@pytest.mark.parametrize("status", [429, 499])
def test_busy_provider_queues_the_job_and_sends_it_again(team, fake_api, status):
    fake_api.submit_reply = reply(status)
    job = submit(team)
    assert job.status == JobStatus.SUBMITTING
    assert job.submitted_at is None
    assert "sends it again automatically" in job.error
    sweep()  # not due yet
    assert len(fake_api.posts) == 1
    fake_api.submit_reply = None
    sweep(job.next_poll_at + timedelta(seconds=1))
    job.refresh_from_db()
    assert len(fake_api.posts) == 2
    assert job.status == JobStatus.ON_QUEUE
    assert not job.error


def test_busy_provider_gives_up_after_the_limit(team, fake_api, settings):
    settings.JOB_MAX_SUBMIT_ATTEMPTS = 3
    fake_api.submit_reply = reply(499)
    job = submit(team)
    for _ in range(5):
        job.refresh_from_db()
        if job.status != JobStatus.SUBMITTING:
            break
        sweep(job.next_poll_at + timedelta(seconds=1))
    job.refresh_from_db()
    assert len(fake_api.posts) == 3
    assert job.status == JobStatus.FAILED
    assert "Gave up after 3 attempts" in job.error


def test_retry_makes_a_new_job_with_the_same_request(team, fake_api):
    fake_api.submit_reply = reply(402)
    failed = submit(team, params={"sound_prompt": "x", "title": "T"})
    fake_api.submit_reply = None
    again = jobs.retry(failed, team.owner)
    again.refresh_from_db()
    assert again.pk != failed.pk
    assert again.params == failed.params
    assert again.status == JobStatus.ON_QUEUE
    assert again.user == team.owner
    with pytest.raises(jobs.SubmitRefused):
        jobs.retry(again, team.owner)


def test_lost_send_task_is_sent_by_the_sweep(team, fake_api, monkeypatch):
    monkeypatch.setattr(queueing, "enqueue_quietly", lambda *args: None)  # the queue lost it
    job = submit(team)
    assert job.status == JobStatus.SUBMITTING
    assert not fake_api.requests
    sweep(job.next_poll_at + timedelta(seconds=1))
    job.refresh_from_db()
    assert job.status == JobStatus.ON_QUEUE
    assert len(fake_api.posts) == 1


def test_fetch_body_shapes(team, fake_api):
    job = submit(team)
    fake_api.results[job.provider_job_id] = music_body(
        job.provider_job_id, "ON_QUEUE", progress="40%"
    )
    jobs.poll(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.poll_count) == (JobStatus.ON_QUEUE, 40, 1)


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers: concurrency needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("limit", ["cap", "budget"])
def test_simultaneous_submissions_never_share_the_last_slot(team, settings, monkeypatch, limit):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    if limit == "cap":
        settings.WORKSPACE_MAX_RUNNING_JOBS = 1
    else:
        team.workspace.monthly_budget = 3  # one music job
        team.workspace.save()
    check = jobs._check_limits

    def slow_check(*args):  # every submitter has counted before any has written
        check(*args)
        time.sleep(0.2)

    monkeypatch.setattr(jobs, "_check_limits", slow_check)
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def go():
        try:
            barrier.wait()
            jobs.submit("music", PROMPT, workspace=team.workspace, user=team.editor)
            outcomes.append("created")
        except jobs.SubmitRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused", "refused", "refused"]
    assert Job.objects.filter(workspace=team.workspace).count() == 1
