"""Redis down is no reason for a 500: misses fall through, limits and sessions hold."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from studio.accounts import ratelimit
from studio.models import Heartbeat, Job
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: every call is refused

READ = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({"CACHES": settings.CACHES, "SESSION_ENGINE": settings.SESSION_ENGINE}))
"""


@pytest.fixture(scope="module")
def redis_settings() -> dict:
    """CACHES and SESSION_ENGINE exactly as the settings build them from REDIS_URL."""
    result = subprocess.run(
        [sys.executable, "-c", READ],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "producer_site.settings", "REDIS_URL": CLOSED_PORT},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_down(settings, redis_settings):
    settings.CACHES = redis_settings["CACHES"]
    settings.SESSION_ENGINE = redis_settings["SESSION_ENGINE"]
    settings.LOGIN_RATE_LIMIT = 3
    if fallback := getattr(ratelimit, "FALLBACK", None):
        fallback.clear()
    if cache_module := sys.modules.get("studio.lib.cache"):  # a fresh outage for each test
        cache_module.down_since.clear()
        cache_module.retry_at.clear()
    yield
    if fallback:
        fallback.clear()


def test_pages_answer_normally_while_redis_is_down(redis_down, team, caplog):
    Heartbeat.beat("worker")
    client = Client()
    with caplog.at_level(logging.WARNING):
        # Login works, and its session outlives the cache (kept in the database).
        r = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
        assert r.status_code == 302
        assert r["Location"] == reverse("library:library")
        assert client.get(reverse("library:library")).status_code == 200
        assert client.get(reverse("library:library_poll")).status_code in (200, 286)
        r = client.post(
            reverse("library:create"),
            {
                "sound_prompt": "warm lofi hip hop",
                "lyrics_text": "",
                "mv": "FUZZ-2.0",
                "title": "Through the outage",
                "lyrics_strength": "0.5",
                "sound_strength": "0.7",
                "weirdness": "0.2",
            },
        )
        assert r.status_code == 302, r.content[:500]
        assert Job.objects.filter(params__title="Through the outage").exists()
        health = client.get(reverse("healthz"))
        assert health.status_code == 200
        assert health.json()["cache"] == "down"
    assert cache.get("anything", "missing") == "missing"
    outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outages) == 1  # logged once, not once a call


def test_login_limits_still_apply_while_redis_is_down(redis_down, team):
    client = Client()
    for _ in range(3):
        r = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert r.status_code == 200
    r = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 429  # counted in the process while the shared counter is gone
