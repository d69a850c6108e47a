"""A workspace's spending this calendar month: per member, per action, per day."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from studio.db.dialect import bucket_of, custom_plans
from studio.jobs import ledger
from studio.models import Job, Membership
from studio.staff.figures import ZERO, action_label, slot_of


@dataclass
class MemberUsage:
    user_id: int | None
    name: str
    role: str = ""
    spent: Decimal = ZERO
    jobs: int = 0


@dataclass
class Usage:
    since: datetime
    spent: Decimal
    budget: int | None
    reserved: Decimal  # what running jobs will probably charge, held against the budget
    members: list[MemberUsage]
    actions: list[dict]
    daily: dict[datetime, Decimal]
    days: list[datetime]
    top_jobs: list[Job]

    @property
    def share(self) -> float | None:
        """The part of the budget spent (1.0 = all of it), or None without a budget."""
        if not self.budget:
            return None
        return float(self.spent) / self.budget

    @property
    def job_count(self) -> int:
        return sum(m.jobs for m in self.members)

    @property
    def average(self) -> Decimal:
        return self.spent / self.job_count if self.job_count else ZERO

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else max(ZERO, Decimal(self.budget) - self.spent)


@custom_plans()
def workspace_usage(workspace, now: datetime | None = None, top: int = 10) -> Usage:
    """Quota the workspace spent this calendar month: per member, per action, per day.

    The same rule as the ledger (and so as the budget stop in jobs.submit): a job counts in
    the month it was created, for the quota the provider reported.
    """
    now = timezone.localtime(now or timezone.now())
    since = ledger.month_start(now)
    charged = Job.objects.filter(workspace=workspace, created_at__gte=since, quota__isnull=False)
    rows = (
        charged.values("user_id", "user__username", "action")
        # A job the provider charged nothing for (a free action, a failure) is not a charged job.
        .annotate(spent=Sum("quota"), n=Count("pk", filter=Q(quota__gt=0)))
        .order_by()
    )
    members: dict[int | None, MemberUsage] = {
        m.user_id: MemberUsage(m.user_id, m.user.get_username(), m.get_role_display())
        for m in Membership.objects.filter(workspace=workspace).select_related("user")
    }
    actions: dict[str, dict] = {}
    spent = ZERO
    for row in rows:
        amount = row["spent"] or ZERO
        spent += amount
        member = members.get(row["user_id"])
        if member is None:  # a former member, or a deleted account
            name = row["user__username"] or "deleted account"
            member = members[row["user_id"]] = MemberUsage(row["user_id"], name, "former member")
        member.spent += amount
        member.jobs += row["n"]
        entry = actions.setdefault(
            row["action"],
            {
                "action": row["action"],
                "label": action_label(row["action"]),
                "spent": ZERO,
                "jobs": 0,
            },
        )
        entry["spent"] += amount
        entry["jobs"] += row["n"]
    days, at = [], since
    while at <= now:
        days.append(at)
        at = timezone.localtime(at + timedelta(days=1)).replace(hour=0)
    daily_rows = (
        charged.annotate(day=bucket_of("created_at", days))
        .values("day")
        .annotate(spent=Sum("quota"))
        .order_by()
    )
    daily: dict[datetime, Decimal] = defaultdict(Decimal)
    for row in daily_rows:
        daily[slot_of(row["day"], days)] += row["spent"] or ZERO
    top_jobs = list(
        charged.filter(quota__gt=0)
        .select_related("user", "parent")
        .order_by("-quota", "-created_at")[:top]
    )
    return Usage(
        since=since,
        spent=spent,
        budget=workspace.monthly_budget,
        reserved=ledger.running_estimate(workspace),
        members=sorted(members.values(), key=lambda m: (-m.spent, m.name)),
        actions=sorted(actions.values(), key=lambda a: (-a["spent"], a["label"])),
        daily=daily,
        days=days,
        top_jobs=top_jobs,
    )


def job_summary(job: Job) -> str:
    """A few words saying what a job was about: its title, prompt or the song it worked on."""
    params = job.params if isinstance(job.params, dict) else {}
    for key in ("title", "prompt", "tags", "style"):
        text = params.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip()
    if job.parent_id and job.parent:
        return f"{job.get_action_display()} of {job.parent}"
    return job.get_action_display()
