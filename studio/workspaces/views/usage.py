"""A workspace's spending this month, for its owners and editors."""

from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

import outbound
from studio.jobs.providers import uses_emulator
from studio.library import uploads
from studio.staff import charts
from studio.workspaces.access import require_editor, workspace_from_url
from studio.workspaces.usage import job_summary, workspace_usage

# Owners are warned from this share of the monthly budget on.
WARN_AT = 0.8
DAILY_SERIES = [charts.Series("quota", "Quota", "c-quota")]


@login_required
@require_GET
def usage_page(request: HttpRequest, workspace_id: UUID | None = None) -> HttpResponse:
    workspace, role = workspace_from_url(request, workspace_id)
    require_editor(role)
    usage = workspace_usage(workspace)
    for job in usage.top_jobs:
        job.summary = job_summary(job)
    share = usage.share
    used, limit = uploads.used_bytes(workspace), settings.WORKSPACE_UPLOAD_QUOTA_BYTES
    return render(
        request,
        "workspaces/usage.html",
        {
            "nav": "usage",
            "workspace": workspace,
            "role": role,
            "usage": usage,
            # The emulator's credits are counted, but no money is spent.
            "on_emulator": uses_emulator(workspace),
            "storage": {
                "used": outbound.size_text(used),
                "limit": outbound.size_text(limit),
                "used_bytes": used,
                "limit_bytes": limit,
                "percent": round(100 * used / limit) if limit else 100,
                "full": used >= limit,
            },
            "percent": None if share is None else round(share * 100),
            "over": share is not None and share >= 1,
            "near": share is not None and WARN_AT <= share < 1,
            "member_bars": charts.BarTable(
                [charts.Bar(m.name, m.spent, m.jobs, m.role.lower()) for m in usage.members]
            ),
            "action_bars": charts.BarTable(
                [charts.Bar(a["label"], a["spent"], a["jobs"]) for a in usage.actions]
            ),
            "daily_chart": charts.bar_chart(
                usage.days,
                DAILY_SERIES,
                {day: {"quota": v} for day, v in usage.daily.items()},
                title="Quota spent per day this month",
            ),
        },
    )
