"""The usage page's "Charged jobs" counts jobs the provider charged for, not free ones."""

from decimal import Decimal

from contract.producer import Action
from studio.models import JobStatus
from studio.workspaces.usage import workspace_usage
from tests.factories import make_job


def test_free_jobs_are_not_charged_jobs(team):
    make_job(team.workspace, team.editor, status=JobStatus.SUCCESS, quota=Decimal("6"))
    make_job(team.workspace, team.editor, status=JobStatus.SUCCESS, quota=Decimal("4"))
    # A free action and a failure the provider did not charge for.
    make_job(team.workspace, team.editor, action=Action.LYRICS, status=JobStatus.SUCCESS, quota=0)
    make_job(team.workspace, team.owner, status=JobStatus.FAILED, quota=0)
    usage = workspace_usage(team.workspace)
    assert usage.job_count == 2
    assert usage.average == Decimal("5")
    jobs = {m.name: m.jobs for m in usage.members}
    assert jobs["bob"] == 2
    assert jobs["alice"] == 0
