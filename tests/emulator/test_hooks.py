"""Webhooks: sent once on completion (or twice, or chased by a stale body, when asked)."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from django.core.management import call_command

from emulator import hooks
from emulator.models import HookState, Job

from .helpers import post, submit

HOOK = "https://studio.example/hooks/abc"


@pytest.fixture
def received(monkeypatch):
    """Bodies posted to hooks; answers 200 unless `received.fail` says how many to refuse."""
    bodies: list[dict] = []
    state = {"fail": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if state["fail"]:
            state["fail"] -= 1
            return httpx.Response(503)
        bodies.append({"url": str(request.url), **json.loads(request.content)})
        return httpx.Response(200)

    monkeypatch.setattr(hooks, "TRANSPORT", httpx.MockTransport(handler))
    bodies_state = type("Received", (list,), {})()
    bodies_state.bodies, bodies_state.state = bodies, state
    return bodies_state


def test_hook_gets_the_fetch_body_once_on_success(emulator, received):
    job_id = submit(emulator.http(), "music", {"sound_prompt": "x", "hook_url": HOOK})
    emulator.finish_all()
    [body] = received.bodies
    assert body["url"] == HOOK
    assert body["status"] == "SUCCESS"
    assert body["data"]["jobId"] == job_id
    assert body["data"]["musics"][0]["audioUrl"]
    job = Job.objects.get(pk=job_id)
    assert job.hook_state == HookState.SENT
    assert job.hook_deliveries == 1
    emulator.finish_all()  # nothing more to send
    assert len(received.bodies) == 1


def test_hook_is_sent_on_failure_too(emulator, received):
    submit(emulator.http(), "lyrics", {"prompt": "x [fault:fail]", "hook_url": HOOK})
    emulator.finish_all()
    [body] = received.bodies
    assert body["status"] == "FAILED"
    assert body["message"]


def test_no_hook_before_the_job_finishes(emulator, received, settings):
    settings.EMULATOR_JOB_SECONDS = 60
    submit(emulator.http(), "lyrics", {"prompt": "x", "hook_url": HOOK})
    assert hooks.deliver_due() == 0
    assert received.bodies == []


def test_hook_twice(emulator, received):
    submit(emulator.http(), "music", {"sound_prompt": "x [fault:hook-twice]", "hook_url": HOOK})
    emulator.finish_all()
    first, second = received.bodies
    assert first == second
    assert first["status"] == "SUCCESS"


def test_hook_out_of_order(emulator, received):
    body = {"sound_prompt": "x [fault:hook-out-of-order]", "hook_url": HOOK}
    submit(emulator.http(), "music", body)
    emulator.finish_all()
    final, stale = received.bodies
    assert final["status"] == "SUCCESS"
    assert stale["status"] == "ON_QUEUE"
    assert stale["data"]["progress"] == "50%"
    assert stale["data"]["jobId"] == final["data"]["jobId"]


def test_hook_is_retried_up_to_three_times(emulator, received):
    received.state["fail"] = 2
    submit(emulator.http(), "lyrics", {"prompt": "x", "hook_url": HOOK})
    emulator.finish_all()
    assert len(received.bodies) == 1

    received.state["fail"] = 3
    job_id = submit(emulator.http(), "lyrics", {"prompt": "y", "hook_url": HOOK})
    emulator.finish_all()
    assert len(received.bodies) == 1
    assert Job.objects.get(pk=job_id).hook_state == HookState.FAILED


def test_management_command_delivers_due_hooks(emulator, received):
    submit(emulator.http(), "lyrics", {"prompt": "x", "hook_url": HOOK})
    call_command("emulator_deliver_hooks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(received.bodies) == 1


@pytest.mark.django_db(transaction=True)
def test_timer_thread_delivers_at_completion(settings, monkeypatch, tmp_path):
    settings.EMULATOR_JOB_SECONDS = 0.3
    settings.EMULATOR_MEDIA_ROOT = tmp_path
    got = threading.Event()
    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        got.set()
        return httpx.Response(200)

    monkeypatch.setattr(hooks, "TRANSPORT", httpx.MockTransport(handler))
    monkeypatch.setattr(hooks, "TIMERS", True)
    from django.test import Client

    response = Client().post(
        "/emulator/producer/v1/lyrics",
        {"prompt": "x", "hook_url": HOOK},
        content_type="application/json",
        headers={"TT-API-KEY": "k"},
    )
    assert response.status_code == 200
    started = time.monotonic()
    assert got.wait(5)
    assert time.monotonic() - started >= 0.2
    assert bodies[0]["status"] == "SUCCESS"
    # Wait for the timer thread itself: reading the table while it writes would make
    # SQLite's shared in-memory database answer "table is locked".
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.join(5)
    assert Job.objects.get().hook_state == HookState.SENT


def test_request_without_hook_url_posts_nothing(emulator, received):
    post(emulator.http(), "lyrics", {"prompt": "x"})
    emulator.finish_all()
    assert received.bodies == []
