"""The staff dashboard: how the whole site is doing, and buttons for what needs a hand.

Staff only; everyone else, signed in or not, gets 404 (nothing tells them it exists).
"""

from collections.abc import Callable
from functools import partial, wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Model
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from contract.producer import Action
from studio.admin import operations
from studio.lib.keyset import BadCursor
from studio.models import Asset, Job, JobStatus, Song
from studio.staff import charts, dashboard

STATUS_SERIES = [
    charts.Series(JobStatus.SUCCESS, "Done", "c-ok"),
    charts.Series(JobStatus.FAILED, "Failed", "c-bad"),
    charts.Series(JobStatus.UNKNOWN, "Unknown", "c-warn"),
    charts.Series("running", "Running", "c-run"),
]
ACTION_SERIES = [charts.Series(a.value, a.label, f"c{i}") for i, a in enumerate(Action)]
QUOTA_SERIES = [charts.Series("quota", "Quota", "c-quota")]


def staff_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _status_values(figures: dashboard.JobFigures) -> dict:
    # Submitting and running jobs share a colour: both are simply still under way.
    out = {}
    for bucket, counts in figures.status_series.items():
        running = counts.get(JobStatus.SUBMITTING, 0) + counts.get(JobStatus.ON_QUEUE, 0)
        out[bucket] = {**counts, "running": running}
    return out


@staff_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("period", dashboard.DEFAULT_PERIOD)
    try:
        data = dashboard.staff_dashboard(key, params=request.GET)
    except BadCursor:
        return HttpResponseBadRequest(
            "This page link of running jobs is not valid (cut short or edited). Open the "
            "dashboard again to start from the oldest running job."
        )
    p, jobs = data.period, data.jobs
    used_actions = {s.action for s in jobs.actions}
    action_series = [s for s in ACTION_SERIES if s.key in used_actions]
    quota_values = {b: {"quota": v} for b, v in jobs.quota_series.items()}
    chart = partial(charts.bar_chart, p.buckets, unit=p.unit)
    return render(
        request,
        "staff/dashboard.html",
        {
            "nav": "staff",
            "d": data,
            "periods": dashboard.PERIODS,
            "running_query": urlencode({"period": data.period.key}),
            "running_per_page": dashboard.RUNNING_PER_PAGE,
            "running_pager_words": ("Older", "Newer"),
            "status_chart": chart(
                STATUS_SERIES, _status_values(jobs), title=f"Jobs per {p.unit} by status"
            ),
            "status_legend": charts.legend(STATUS_SERIES),
            "action_chart": chart(
                action_series, jobs.action_series, title=f"Jobs per {p.unit} by action"
            ),
            "action_legend": charts.legend(action_series),
            "quota_chart": chart(QUOTA_SERIES, quota_values, title=f"Quota spent per {p.unit}"),
            "workspace_bars": charts.BarTable(
                [
                    charts.Bar(
                        w["workspace__name"],
                        w["spent"],
                        w["jobs"],
                        href=reverse("admin:studio_workspace_change", args=[w["workspace_id"]]),
                    )
                    for w in data.workspaces
                ]
            ),
        },
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    key = request.POST.get("period", "")
    query = f"?{urlencode({'period': key})}" if key in dashboard.PERIODS else ""
    return HttpResponseRedirect(reverse("staff:staff_dashboard") + query + "#attention")


def _tell(request: HttpRequest, outcome: operations.Outcome) -> HttpResponseRedirect:
    ok, text = outcome
    (messages.success if ok else messages.warning)(request, text)
    return _back(request)


# The buttons of "Needs attention": each one's URL (under /staff/), the row it acts on and
# what it does to it. The URL names are "staff_" and the key (studio/urls/staff.py).
ACTS: dict[str, tuple[str, type[Model], Callable[[Any, Any], operations.Outcome]]] = {
    "job_reconcile": ("jobs/<uuid:pk>/reconcile/", Job, lambda job, _: operations.reconcile(job)),
    "job_poll_soon": ("jobs/<uuid:pk>/poll-soon/", Job, lambda job, _: operations.poll_soon(job)),
    "job_fail": ("jobs/<uuid:pk>/fail/", Job, operations.mark_failed),
    "song_archive": ("songs/<uuid:pk>/archive/", Song, lambda s, _: operations.retry_archiving(s)),
    "asset_archive": (
        "assets/<uuid:pk>/archive/",
        Asset,
        lambda a, _: operations.retry_archiving(a),
    ),
}


@staff_required
@require_POST
def act(request: HttpRequest, act: str, pk: UUID) -> HttpResponse:
    _, model, operation = ACTS[act]
    return _tell(request, operation(get_object_or_404(model, pk=pk), request.user))
