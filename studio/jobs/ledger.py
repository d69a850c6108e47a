"""The quota ledger: what a workspace spent this month and what its running jobs will cost,
and the same for one person's jobs on the studio's key across every workspace.

The provider reports the amount actually charged on each finished job (`Job.quota`); a job
counts in the month and day it was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from contract.producer import FREE_ACTIONS, SONG_ACTIONS, Action
from studio.models import Job, Workspace
from studio.models.music import RUNNING_STATUSES

ZERO = Decimal("0")
SONG_ESTIMATE = Decimal("3")  # about 3 quota per song (provider pages)


def estimate(action: Action | str) -> Decimal:
    """What a job of this action will probably cost, held against the budget while it runs."""
    action = Action(getattr(action, "value", action))
    if action in FREE_ACTIONS:
        return ZERO
    if action in SONG_ACTIONS or action == Action.STEMS:
        return SONG_ESTIMATE
    return Decimal("1")


def amount(value: Decimal | int) -> str:
    """Credits as said in a message: 3.00 -> "3", 2.50 -> "2.5"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0")


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


def person_month_spent(user_id: int, now: datetime | None = None) -> Decimal:
    """Quota charged on the studio's key for this person's jobs since the month began."""
    now = now or timezone.now()
    jobs = Job.objects.filter(user_id=user_id, on_site_key=True, created_at__gte=month_start(now))
    return _total(jobs)


def person_running_estimate(user_id: int) -> Decimal:
    """Quota this person's running jobs on the studio's key will probably charge."""
    actions = Job.objects.filter(
        user_id=user_id, on_site_key=True, status__in=RUNNING_STATUSES
    ).values_list("action", flat=True)
    return sum((estimate(a) for a in actions), ZERO)


@dataclass
class Budget:
    """What the workspace may still spend this month, as shown where work is started."""

    budget: int | None
    spent: Decimal
    reserved: Decimal

    @property
    def left(self) -> Decimal | None:
        if self.budget is None:
            return None
        return max(ZERO, Decimal(self.budget) - self.spent - self.reserved)

    def allows(self, action: Action | str) -> bool:
        """Whether an action of this kind would pass the budget check of a submission."""
        cost = estimate(action)
        return self.budget is None or not cost or self.spent + self.reserved + cost <= self.budget


def budget_left(workspace: Workspace) -> Budget:
    return Budget(workspace.monthly_budget, month_spent(workspace), running_estimate(workspace))
