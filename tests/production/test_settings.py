"""The production settings: refuse unsafe keys, pick PostgreSQL, Redis and S3 from the
environment, and pass `check --deploy` with the example environment."""

import subprocess
import uuid

import pytest

from tests.production.conftest import EXAMPLE_ENV, example_env, probe, production, run_django

PG_URL = "postgres://studio:pw@127.0.0.1:5432/producer_studio"


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_ENV": "production"},
        {"DEBUG": "false"},
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production",
        },
        {"DJANGO_ENV": "production", "SECRET_KEY": "short-but-not-the-dev-key"},
    ],
    ids=["production-no-key", "debug-off-no-key", "dev-key", "short-key"],
)
def test_production_refuses_an_unsafe_secret_key(env):
    result = run_django(env, code="import producer_site.settings")  # fails on import
    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY" in result.stderr


def test_development_needs_nothing_set():
    settings = probe({})
    assert settings["debug"] is True
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["cache"].endswith("LocMemCache")
    assert settings["storage"] == "django.core.files.storage.FileSystemStorage"


def test_example_env_parses_and_shell_agrees():
    values = example_env()
    for key in ("DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PUBLIC_BASE_URL"):
        assert values.get(key), f"{key} missing from deploy/example.env"
    assert values["DJANGO_ENV"] == "production"
    assert values["DATABASE_URL"].startswith("postgres://")
    assert values["PUBLIC_BASE_URL"].startswith("https://")
    # `make check-deploy` sources the file with the shell: both readers must see the same.
    shell = subprocess.run(
        ["bash", "-c", f"set -a; . '{EXAMPLE_ENV}'; set +a; env -0"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    exported = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)
    for key, value in values.items():
        assert exported.get(key) == value, key


def test_check_deploy_is_clean_with_the_example_env():
    result = run_django(example_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_a_weakened_example_env():
    env = {**example_env(), "SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "false"}
    result = run_django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


def test_example_env_selects_postgres_redis_and_secure_cookies():
    settings = probe(example_env())
    assert settings["debug"] is False
    assert settings["engine"] == "django.db.backends.postgresql"
    # gthread workers: the threads share psycopg's pool instead of a connection each.
    assert settings["conn_max_age"] == 0
    assert settings["pool"] == {"min_size": 1, "max_size": 16, "timeout": 10.0}
    assert settings["server_side_binding"] is True
    assert settings["prepare_threshold"] == 5
    assert settings["cache"] == "studio.lib.cache.ForgivingRedisCache"
    assert settings["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert settings["ssl_redirect"] is True
    assert settings["hsts"] >= 31536000


def test_psycopg_pool_replaces_persistent_connections():
    settings = probe(production(DATABASE_URL=PG_URL, CONN_MAX_AGE="60", DATABASE_POOL="true"))
    assert settings["conn_max_age"] == 0
    assert settings["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10.0}
    assert settings["pool_check_after"] == 1.0


@pytest.mark.parametrize(
    ("extra", "binding", "threshold"),
    [
        ({}, True, 5),
        ({"DATABASE_PREPARE_THRESHOLD": "off"}, True, None),  # behind PgBouncer
        ({"DATABASE_PREPARE_THRESHOLD": "0"}, True, 0),
        ({"DATABASE_SERVER_SIDE_BINDING": "false"}, False, None),
    ],
)
def test_postgres_binds_server_side_and_prepares_repeated_queries(extra, binding, threshold):
    settings = probe(production(DATABASE_URL=PG_URL, **extra))
    assert settings["server_side_binding"] is binding
    assert settings["prepare_threshold"] == threshold


def test_pool_setting_ignored_on_sqlite():
    settings = probe(production(DATABASE_POOL="true"))
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["pool"] is None


def test_s3_storage_when_a_bucket_is_set():
    settings = probe(
        production(
            AWS_STORAGE_BUCKET_NAME="studio-media",
            AWS_S3_REGION_NAME="eu-west-1",
            AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
            AWS_SECRET_ACCESS_KEY="not-a-real-secret",
        )
    )
    assert settings["storage"] == "storages.backends.s3.S3Storage"
    assert settings["storage_class"] == "S3Storage"
    assert settings["bucket"] == "studio-media"


def test_local_disk_storage_without_a_bucket():
    settings = probe(production())
    assert settings["storage"] == "django.core.files.storage.FileSystemStorage"
    assert settings["storage_class"] == "FileSystemStorage"


SHARE = """
import sys, django
django.setup()
from django.core.cache import cache
key = sys.argv[1]
if sys.argv[2] == "set":
    cache.set(key, "from another process", 60)
    print("set")
else:
    print(cache.get(key, "missing"))
    cache.delete(key)
"""


def test_redis_cache_is_shared_between_processes(redis_url):
    env = production(REDIS_URL=redis_url)
    assert probe(env)["cache_class"] == "ForgivingRedisCache"
    key = f"prod-test-{uuid.uuid4().hex}"
    writer = run_django(
        env, code=SHARE.replace("sys.argv[1]", repr(key)).replace("sys.argv[2]", "'set'")
    )
    assert writer.returncode == 0, writer.stderr
    reader = run_django(
        env, code=SHARE.replace("sys.argv[1]", repr(key)).replace("sys.argv[2]", "'get'")
    )
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "from another process"


HIT = """
import django
django.setup()
from studio.accounts import ratelimit
print(ratelimit.hit("login-user", VALUE, 60))
"""


def test_login_rate_limit_counts_across_processes(redis_url):
    # With Redis, a guesser spread over several web processes meets one counter.
    env = production(REDIS_URL=redis_url)
    code = HIT.replace("VALUE", repr(f"guess-{uuid.uuid4().hex}"))
    counts = []
    for _ in range(3):
        result = run_django(env, code=code)
        assert result.returncode == 0, result.stderr
        counts.append(int(result.stdout.strip().splitlines()[-1]))
    assert counts == [1, 2, 3]


def test_check_deploy_warns_when_the_emulator_is_enabled():
    env = {**example_env(), "EMULATOR_ENABLED": "true"}
    result = run_django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "studio.W001" in result.stderr + result.stdout
