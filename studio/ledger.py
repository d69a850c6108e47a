"""The quota ledger: what jobs were charged, summed per workspace, user, action and day.

The provider reports the amount actually charged on each finished job (`Job.quota`); a job
counts in the month and day it was submitted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from contract.producer import FREE_ACTIONS, SONG_ACTIONS, Action
from studio.models import Job, Workspace
from studio.models.music import RUNNING_STATUSES

ZERO = Decimal("0")
SONG_ESTIMATE = Decimal("3")  # about 3 quota per song (provider pages)
GROUPS = {
    "user": ("user_id", F("user__username")),
    "action": ("action", F("action")),
    "day": ("day", TruncDate("created_at")),
    "workspace": ("workspace_id", F("workspace__name")),
}


def estimate(action: Action | str) -> Decimal:
    """What a job of this action will probably cost, held against the budget while it runs."""
    action = Action(getattr(action, "value", action))
    if action in FREE_ACTIONS:
        return ZERO
    if action in SONG_ACTIONS or action == Action.STEMS:
        return SONG_ESTIMATE
    return Decimal("1")


def month_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _total(jobs: QuerySet) -> Decimal:
    return jobs.aggregate(total=Sum("quota"))["total"] or ZERO


def month_spent(workspace: Workspace, now: datetime | None = None) -> Decimal:
    """Quota charged to the workspace since the start of this calendar month."""
    now = now or timezone.now()
    return _total(Job.objects.filter(workspace=workspace, created_at__gte=month_start(now)))


def running_estimate(workspace: Workspace) -> Decimal:
    """Quota that running jobs will probably charge."""
    actions = Job.objects.filter(workspace=workspace, status__in=RUNNING_STATUSES).values_list(
        "action", flat=True
    )
    return sum((estimate(a) for a in actions), ZERO)


def spent(
    workspace: Workspace | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
) -> Decimal | list[dict]:
    """Quota charged (jobs created in [since, until)); with `by`, one row per group.

    Rows are {"key", "quota", "jobs"}, biggest spender first; `key` is readable (a username,
    an action value, a date, a workspace name) and `id` identifies users and workspaces.
    """
    jobs = Job.objects.all()
    if workspace is not None:
        jobs = jobs.filter(workspace=workspace)
    if since is not None:
        jobs = jobs.filter(created_at__gte=since)
    if until is not None:
        jobs = jobs.filter(created_at__lt=until)
    if by is None:
        return _total(jobs)
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}, not {by!r}")
    ident, label = GROUPS[by]
    zero = Value(ZERO, output_field=DecimalField(max_digits=12, decimal_places=2))
    identified = by in ("user", "workspace")
    grouped = jobs.annotate(group=label)
    grouped = grouped.values("group", ident) if identified else grouped.values("group")
    rows = grouped.annotate(quota=Coalesce(Sum("quota"), zero), jobs=Count("id")).order_by(
        "-quota", "group"
    )
    out = []
    for row in rows:
        item = {"key": row["group"], "quota": row["quota"], "jobs": row["jobs"]}
        if identified:
            item["id"] = row[ident]
            if item["key"] is None:
                item["key"] = "(deleted user)"
        out.append(item)
    if by == "day":
        out.sort(key=lambda item: item["key"])
    return out
