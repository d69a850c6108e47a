"""A scriptable fake of the Producer API (httpx.MockTransport) and task settings for job tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from django.db import connection

from studio.jobs import providers


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = ""
    settings.TTAPI_API_KEY = ""
    settings.TTAPI_DISABLED_ACTIONS = []
    settings.EMULATOR_ENABLED = True
    settings.EMULATOR_BASE_URL = "http://emulator.test/emulator"
    settings.WORKSPACE_MAX_RUNNING_JOBS = 10
    settings.JOB_MAX_AGE_MINUTES = 30
    return settings


def music_body(job_id: str, status: str = "SUCCESS", *, musics=None, progress="100%", **data):
    return {
        "status": status,
        "message": "success" if status == "SUCCESS" else None,
        "data": {
            "jobId": job_id,
            "progress": progress,
            "quota": "3" if status == "SUCCESS" else "0",
            "mv": "FUZZ-2.0",
            "musics": musics if musics is not None else [],
            **data,
        },
    }


def music_entry(music_id: str | None = None, title: str = "Song", **extra) -> dict:
    music_id = music_id or str(uuid.uuid4())
    return {
        "musicId": music_id,
        "title": title,
        "lyrics": "la la",
        "imageUrl": f"http://cdn.test/{music_id}/cover.png",
        "audioUrl": f"http://cdn.test/{music_id}/audio.mp3",
        "videoUrl": None,
        "sound": "calm piano",
        "seed": "42",
        "durations": "12.5",
        **extra,
    }


@dataclass
class FakeProvider:
    """Answers submits with fresh job ids (or `submit_reply`), fetches with `results`."""

    submit_reply: Callable[[httpx.Request], httpx.Response] | None = None
    results: dict[str, dict] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    in_transaction: list[bool] = field(default_factory=list)
    on_send: Callable[[httpx.Request], None] | None = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_transaction.append(connection.in_atomic_block)
        if self.on_send:
            self.on_send(request)
        if request.url.path.endswith("/fetch"):
            job_id = request.url.params.get("jobId", "")
            if job_id not in self.results:
                return httpx.Response(404, json={"status": "FAILED", "message": "no such job"})
            return httpx.Response(200, json=self.results[job_id])
        if self.submit_reply:
            return self.submit_reply(request)
        job_id = str(uuid.uuid4())
        self.results[job_id] = music_body(job_id, "ON_QUEUE", progress="0%")
        return httpx.Response(200, json={"status": "SUCCESS", "data": {"jobId": job_id}})

    @property
    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST"]

    @property
    def fetches(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "GET" and r.url.path.endswith("/fetch")]

    def sent_body(self, index: int = -1) -> dict:
        return json.loads(self.posts[index].content)

    def finish(self, job_id: str, musics=None, **data) -> dict:
        self.results[job_id] = music_body(
            job_id, musics=musics if musics is not None else [music_entry()], **data
        )
        return self.results[job_id]


@pytest.fixture
def fake_api(monkeypatch) -> FakeProvider:
    fake = FakeProvider()
    monkeypatch.setattr(providers, "TRANSPORT", httpx.MockTransport(fake.handler))
    return fake
