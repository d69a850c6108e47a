"""Helpers to start Django in a subprocess with a chosen environment: settings are read
once per process, so each production configuration gets a process of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = ROOT / "deploy" / "example.env"
PROD_KEY = "x" * 10 + "a-long-random-production-secret-key-for-the-tests-0123456789"

PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
db = settings.DATABASES["default"]
options = db.get("OPTIONS", {})
pool = dict(options["pool"]) if options.get("pool") else None
check = pool.pop("check", None) if pool else None
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"],
    "conn_max_age": db["CONN_MAX_AGE"],
    "pool": pool,
    "pool_check_after": getattr(check, "window", None),
    "server_side_binding": options.get("server_side_binding"),
    "prepare_threshold": options.get("prepare_threshold"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_class": type(caches["default"]).__name__,
    "session_engine": settings.SESSION_ENGINE,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_class": type(storages["default"]).__name__,
    "bucket": getattr(storages["default"], "bucket_name", None),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
}))
"""


class _FileOnly(environ.Env):
    ENVIRON: dict[str, str] = {}  # read_env fills this instead of os.environ


def example_env() -> dict[str, str]:
    """deploy/example.env as django-environ reads it."""
    _FileOnly.ENVIRON = {}
    _FileOnly.read_env(EXAMPLE_ENV)
    return dict(_FileOnly.ENVIRON)


def run_django(env: dict[str, str], *args: str, code: str | None = None):
    """Run manage.py (args) or a Python snippet (code) with only `env` set."""
    base = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "producer_site.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def probe(env: dict[str, str]) -> dict:
    result = run_django(env, code=PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production(**extra: str) -> dict[str, str]:
    return {"DJANGO_ENV": "production", "SECRET_KEY": PROD_KEY, "ALLOWED_HOSTS": "x.test", **extra}


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:
        pytest.skip(
            f"Redis does not answer at {url} ({exc.__class__.__name__}): set TEST_REDIS_URL"
        )
    return url
