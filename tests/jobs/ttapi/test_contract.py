"""Contract tests: the studio's client against the emulator over real HTTP, every endpoint.

Both halves of the contract are checked at once: what the client sends, the emulator
accepts; what the emulator answers, the client reads into typed results and errors.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from contract.errors import (
    ActionRetired,
    BadKey,
    BadRequest,
    BalanceExhausted,
    Blocked,
    ConnectionFailed,
    NotFound,
    NotJSON,
    QueueFull,
    RateLimited,
    ServerError,
    Timeout,
)
from contract.parsing import JobResult
from studio.jobs.ttapi import Client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def base(live_server, settings, tmp_path) -> str:
    settings.EMULATOR_JOB_SECONDS = 0
    settings.EMULATOR_FAULT_RATE = 0
    settings.EMULATOR_MEDIA_ROOT = tmp_path
    # Where the emulator lives: its own files are then allowed for its upload fetches.
    settings.EMULATOR_BASE_URL = f"{live_server.url}/emulator"
    return settings.EMULATOR_BASE_URL


@pytest.fixture
def client(base):
    with Client("contract-key", base) as client:
        yield client


def done(client: Client, submitted) -> JobResult:
    result = client.fetch(submitted.job_id)
    assert result.job_id == submitted.job_id
    assert result.status == "SUCCESS", result.raw
    assert result.progress == 100
    return result


def test_every_endpoint(client):
    music = done(
        client, client.submit("music", dict(sound_prompt="warm soul", title="Contract", seed="42"))
    )
    assert music.action == "music"
    assert music.quota == Decimal(3)
    assert music.mv == "FUZZ-2.0"
    [song] = music.musics
    assert song.title == "Contract"
    assert song.seed == "42"
    assert song.duration > 0
    assert song.audio_url.endswith("/audio.mp3")
    assert song.image_url.endswith("/cover.png")
    assert song.created_at is not None
    parent = song.music_id

    lyrics = done(client, client.submit("lyrics", dict(prompt="summer love")))
    assert lyrics.title
    assert "[Chorus]" in lyrics.lyrics
    assert lyrics.quota == Decimal(1)

    for action, params in [
        ("extend", {"starts": 12.5, "sound_prompt": "carry on"}),
        ("cover", {"sound_prompt": "as a lullaby", "mv": "FUZZ-1.1"}),
        ("variation", {}),
        ("replace", {"starts": 3, "ends": 6, "lyrics_text": "new line"}),
        ("vocals-swap", {"sound_prompt": "choir", "cover_strength": 0.5}),
        ("instrumentals-swap", {"sound_prompt": "strings", "instrumental": False}),
    ]:
        result = done(client, client.submit(action, {"music_id": parent, **params}))
        [child] = result.musics
        assert child.music_id != parent
        assert child.duration > 0
        assert child.audio_url
        assert result.quota == Decimal(3)

    stems = done(client, client.submit("stems", dict(music_id=parent)))
    assert [m.title.rsplit(" ", 1)[-1] for m in stems.musics] == [
        "(Vocals)",
        "(Drums)",
        "(Bass)",
        "(Other)",
    ]

    download = done(client, client.submit("download", dict(music_id=parent, format="wav")))
    assert download.file_url.endswith("/audio.wav")
    assert download.quota == Decimal(1)

    video = done(client, client.submit("generate-video", dict(music_id=parent, preset="modern")))
    assert video.video_url.endswith("/video-modern.mp4")
    assert video.quota == Decimal(0)

    upload = done(client, client.submit("upload", dict(audio_url=song.audio_url)))
    [uploaded] = upload.musics
    assert upload.quota == Decimal(0)
    extended = done(
        client,
        client.submit("extend", dict(music_id=uploaded.music_id, starts=2, sound_prompt="x")),
    )
    assert extended.musics[0].duration > 2


def test_running_then_failed_job(base, settings):
    settings.EMULATOR_JOB_SECONDS = 30
    with Client("contract-key", base) as client:
        submitted = client.submit("music", dict(sound_prompt="x [fault:fail]"))
        running = client.fetch(submitted.job_id)
        assert running.status == "ON_QUEUE"
        assert not running.finished
        assert 0 <= running.progress < 100
    settings.EMULATOR_JOB_SECONDS = 0
    from emulator.clock import finish_now

    finish_now()
    with Client("contract-key", base) as client:
        failed = client.fetch(submitted.job_id)
    assert failed.status == "FAILED"
    assert failed.message
    assert failed.quota == Decimal(0)


def test_rejections_reach_the_client_with_the_providers_message(client):
    with pytest.raises(NotFound):
        client.submit("extend", dict(music_id="no-such-song", sound_prompt="x"))
    with pytest.raises(NotFound):
        client.fetch("0d0b2a3e-0000-4000-8000-000000000000")
    with pytest.raises(BadRequest, match="Only after the parent job succeeded"):
        # A parent whose job failed.
        failed = client.submit("music", dict(sound_prompt="x [fault:fail]"))
        [song] = [m for m in client.fetch(failed.job_id).musics] or [None]
        from emulator.models import Music

        music_id = str(Music.objects.get(job_id=failed.job_id).music_id)
        assert song is None
        client.submit("cover", dict(music_id=music_id, sound_prompt="y"))


@pytest.mark.parametrize(
    ("key", "error", "ambiguous"),
    [
        ("fault-401", BadKey, False),
        ("fault-402", BalanceExhausted, False),
        ("fault-403", Blocked, False),
        ("fault-410", ActionRetired, False),
        ("fault-429", RateLimited, False),
        ("fault-499", QueueFull, False),
        ("fault-500", ServerError, True),
        ("fault-502", ServerError, True),
        ("fault-504", ServerError, True),
        ("fault-ambiguous", ServerError, True),
        ("fault-ambiguous-drop", ConnectionFailed, True),
        ("fault-html", NotJSON, True),
    ],
)
def test_each_fault_becomes_the_typed_error(base, key, error, ambiguous):
    with Client(key, base) as client, pytest.raises(error) as caught:
        client.submit("music", dict(sound_prompt="x"))
    assert caught.value.ambiguous is ambiguous


def test_slow_answer_times_out_as_ambiguous(base):
    with Client("k", base, timeout=0.3) as client, pytest.raises(Timeout) as caught:
        client.submit("music", dict(sound_prompt="x [fault:slow-1]"))
    assert caught.value.ambiguous
    from emulator.models import Job, key_digest  # it was created all the same

    # The server may still be on its way to creating it when the client gives up.
    deadline = time.monotonic() + 20
    while not Job.objects.filter(key_digest=key_digest("k")).exists():
        assert time.monotonic() < deadline, "the job was never created"
        time.sleep(0.05)
    assert Job.objects.filter(key_digest=key_digest("k")).count() == 1


def test_running_cap_is_queue_full(base, settings):
    settings.EMULATOR_JOB_SECONDS = 60
    settings.EMULATOR_RUNNING_CAP = 1
    with Client("capped", base) as client:
        client.submit("lyrics", dict(prompt="one"))
        with pytest.raises(QueueFull) as caught:
            client.submit("lyrics", dict(prompt="two"))
    assert caught.value.retry_later
