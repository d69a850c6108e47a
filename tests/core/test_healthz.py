from datetime import timedelta
from unittest import mock

from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from studio.models import Heartbeat


def test_healthy_when_the_worker_beat_recently(client, db):
    Heartbeat.beat("worker")
    r = client.get(reverse("healthz"))
    assert r.status_code == 200
    body = r.json()
    assert body["database"] == "ok"
    assert body["worker"] == "ok"
    assert body["worker_last_seen"].startswith(str(timezone.now().year))
    assert r["Cache-Control"].startswith("max-age=0")


def test_unhealthy_when_the_worker_was_never_seen(client, db):
    r = client.get(reverse("healthz"))
    assert r.status_code == 503
    assert r.json() == {
        "database": "ok",
        "cache": "ok",
        "worker": "never seen",
        "worker_last_seen": None,
    }


def test_unhealthy_when_the_worker_is_stale(client, db):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - timedelta(minutes=3))
    r = client.get(reverse("healthz"))
    assert r.status_code == 503
    assert r.json()["worker"] == "stale"


def test_unhealthy_when_the_database_fails(client, db):
    with mock.patch.object(Heartbeat.objects, "filter", side_effect=DatabaseError("down")):
        r = client.get(reverse("healthz"))
    assert r.status_code == 503
    assert r.json()["database"] == "error"


def test_healthz_needs_no_login_and_takes_no_posts(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_costs_one_query(client, db, django_assert_num_queries):
    Heartbeat.beat("worker")
    with django_assert_num_queries(1):
        assert client.get(reverse("healthz")).status_code == 200
