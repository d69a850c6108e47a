"""The quota ledger, song families and the management commands."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from studio.jobs import ledger
from studio.jobs import lifecycle as jobs
from studio.library import lineage
from studio.models import Heartbeat, Job, JobStatus, Song


def job(team, action="music", quota="3", user=None, days_ago=0, workspace=None) -> Job:
    return Job.objects.create(
        workspace=workspace or team.workspace,
        user=user or team.editor,
        action=action,
        status=JobStatus.SUCCESS,
        quota=Decimal(quota) if quota is not None else None,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_month_spent_starts_on_the_first(team):
    now = timezone.make_aware(datetime(2026, 3, 2, 12))
    Job.objects.create(workspace=team.workspace, action="music", quota=5, created_at=now)
    Job.objects.create(
        workspace=team.workspace, action="music", quota=7, created_at=now - timedelta(days=2)
    )
    assert ledger.month_spent(team.workspace, now=now) == 5


def test_family_ancestors_descendants(team, django_assert_num_queries):
    def make(music_id, parent=None):
        song = Song(workspace=team.workspace, music_id=music_id, parent=parent)
        song.root_id = parent.root_id if parent else song.pk
        song.save()
        return song

    root = make("root")
    a = make("a", root)
    b = make("b", a)
    c = make("c", root)
    other = make("other")
    with django_assert_num_queries(1):
        family = lineage.family(b)
    assert set(family) == {root, a, b, c}
    assert other not in family
    assert lineage.ancestors(b) == [root, a]
    assert lineage.ancestors(root) == []
    assert lineage.descendants(root) == [a, b, c]  # depth first: each under its parent
    assert lineage.descendants(b) == []


def test_commands(team, capsys):
    j = job(team)
    call_command("job", str(j.pk))
    assert f"Job         {j.pk}" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("job", "not-a-uuid")
    with pytest.raises(CommandError):
        call_command("repoll", "00000000-0000-0000-0000-000000000000")
    call_command("repoll", str(j.pk))
    assert "SUCCESS -> SUCCESS" in capsys.readouterr().out
    out = io.StringIO()
    call_command("reconcile_all", stdout=out)
    assert "Reconciled 0 jobs" in out.getvalue()
    call_command("retry_archiving", stdout=out)
    assert "Queued 0 files" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_the_queue_and_a_sweep(team, fake_api, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    job = jobs.submit("music", {"sound_prompt": "x"}, workspace=team.workspace, user=team.editor)
    job.refresh_from_db()
    assert job.status == JobStatus.SUBMITTING
    assert not fake_api.requests
    call_command("worker", "--once", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.status == JobStatus.ON_QUEUE
    assert len(fake_api.posts) == 1
    assert Heartbeat.objects.filter(name="worker").exists()
