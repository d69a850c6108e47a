"""The worker rides out a database outage, and its queue rows never pile up."""

import logging
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from studio.jobs import archive
from studio.jobs import lifecycle as jobs
from studio.management.commands import worker as worker_command
from studio.models import Heartbeat

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "archive"]}
}


@pytest.fixture
def quiet_worker(monkeypatch, settings):
    """`manage.py worker` with only its main loop: no sweep or archive threads, no signal
    handlers installed in the test process, no real waiting."""
    settings.ARCHIVE_WORKERS = 0
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(worker_command, "sweep_forever", lambda *a, **k: None)
    monkeypatch.setattr(worker_command, "beat_forever", lambda *a, **k: None, raising=False)
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    waits = []
    monkeypatch.setattr(time, "sleep", waits.append)
    return waits


@pytest.mark.django_db(transaction=True)
def test_the_main_loop_rides_out_a_database_outage(quiet_worker, monkeypatch, caplog):
    from django.db.backends.base.base import BaseDatabaseWrapper

    down = {"checks": 2}  # the database stays down for two more checks after the first error
    runs = []

    def run(self):
        runs.append(self.queue_names)
        if len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        self.running = False  # as SIGTERM does

    real_connect = BaseDatabaseWrapper.ensure_connection

    def ensure_connection(self):
        if down["checks"]:
            down["checks"] -= 1
            raise InterfaceError("connection refused")
        return real_connect(self)

    with monkeypatch.context() as m, caplog.at_level(logging.WARNING):
        m.setattr(db_worker.Worker, "run", run)
        m.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)
        call_command("worker", verbosity=0)
    assert runs == [["default"]] * 2  # started again once the database answered
    assert quiet_worker == [0.5, 1.0, 2.0]  # capped backoff while it was down
    outage_lines = [r.getMessage() for r in caplog.records if r.name == "studio.outage"]
    assert len(outage_lines) == 2  # the outage once, its end once
    assert "unreachable" in outage_lines[0]
    assert "back after" in outage_lines[1]


def test_backoff_is_capped():
    from studio.lib.outage import Outage

    outage = Outage("test", first=0.5, cap=15.0)
    waits = [outage.failed(OperationalError("down")) for _ in range(10)]
    assert waits[:3] == [0.5, 1.0, 2.0]
    assert max(waits) == 15.0
    assert waits[-1] == 15.0
    outage.recovered()
    assert outage.failed(OperationalError("down again")) == 0.5  # a new outage starts over
    outage.recovered()


def test_one_outage_is_logged_once_for_all_the_loops(caplog):
    from studio.lib.outage import Outage

    loops = [Outage(name) for name in ("Worker", "Sweep", "Heartbeat")]
    with caplog.at_level(logging.WARNING, logger="studio.outage"):
        for loop in loops:
            loop.failed(OperationalError("connection refused"))
            loop.failed(OperationalError("connection refused"))
        for loop in loops:
            loop.recovered()
    lines = [r.getMessage() for r in caplog.records if r.name == "studio.outage"]
    assert len(lines) == 2
    assert "unreachable" in lines[0]
    assert "back after" in lines[1]


def test_healthz_reports_a_silent_worker_within_seconds(client, db):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - timedelta(seconds=20))
    r = client.get(reverse("healthz"))
    assert r.status_code == 503
    assert r.json()["worker"] == "stale"
    Heartbeat.beat("worker")
    assert client.get(reverse("healthz")).status_code == 200


def test_the_heartbeat_stops_when_the_sweep_is_stuck(monkeypatch):
    progress = worker_command.Progress()
    assert progress.alive()
    progress.swept_at -= worker_command.SWEEP_STUCK_AFTER + 1
    assert not progress.alive()


def _row(task, status, **times):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [[], []], "kwargs": {}},
        task_path=task.module_path,
        queue_name=task.queue_name,
        backend_name="default",
        run_after=timezone.now(),
        status=status,
        **times,
    )


def test_rows_left_running_by_a_killed_worker_are_pruned(db, settings):
    from studio.jobs import queueing

    settings.TASKS = DATABASE_QUEUE
    now = timezone.now()
    long_ago = now - timedelta(days=8)
    killed = _row(jobs.send_job, "RUNNING", started_at=now - timedelta(hours=7))
    working = _row(archive.archive_files, "RUNNING", started_at=now - timedelta(minutes=5))
    old_copy = _row(archive.archive_files, "SUCCESSFUL", started_at=long_ago, finished_at=long_ago)
    old_send = _row(jobs.send_job, "SUCCESSFUL", started_at=long_ago, finished_at=long_ago)
    queueing.prune(now)
    killed.refresh_from_db()
    assert killed.status == "FAILED"
    assert "stopped before the task finished" in killed.traceback
    assert DBTaskResult.objects.get(pk=working.pk).status == "RUNNING"  # still within bounds
    # Finished rows go from every queue, the archive one included.
    assert not DBTaskResult.objects.filter(pk__in=[old_copy.pk, old_send.pk]).exists()
    queueing.prune(now + timedelta(days=8))
    assert not DBTaskResult.objects.filter(pk=killed.pk).exists()  # then pruned as failed
