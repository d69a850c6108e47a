"""The library: the workspace's songs as cards, the jobs still making songs, and the one
poll request per page that keeps the running cards up to date."""

import uuid

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseStopPolling

from contract.engines import Engine
from studio.jobs.ttapi import engines
from studio.lib.keyset import AFTER, BEFORE, BadCursor
from studio.library import bulk, figures
from studio.library.listing import (
    CARD_FIELDS,
    JOB_CARD_FIELDS,
    MAX_JOB_CARDS,
    SORTS,
    STATUSES,
    song_page,
)
from studio.models import (
    ArchiveStatus,
    Job,
    JobStatus,
    Membership,
    Relation,
    ReviewStatus,
    Role,
    Song,
    Workspace,
)
from studio.models.music import RUNNING_STATUSES
from studio.models.projects import Project
from studio.workspaces import live
from studio.workspaces.access import current_workspace

COPYING = "COPYING"  # the state a song card reports while its files are archived


def _filtered(request: HttpRequest, workspace: Workspace) -> dict:
    params = request.GET
    found, page = song_page(workspace, params)
    f = found.filters
    pager_words = SORTS[found.sort][2]
    jobs = found.jobs
    # The live poll asks for this very page again: filters and cursor, without its own keys.
    live_query = params.copy()
    for name in (live.VERSION_PARAM, "j"):
        live_query.pop(name, None)
    query = live_query.copy()
    for name in (AFTER, BEFORE, "page"):
        query.pop(name, None)
    filtering = any(value for name, value in f.items() if name != "sort")
    # Job cards belong to the top of the first page.
    job_list = list(jobs[:MAX_JOB_CARDS]) if page.is_first else []
    return {
        "page": page,
        "pager_words": pager_words,
        "jobs": job_list,
        "failed_cards": f["status"] != "failed"
        and any(j.status == JobStatus.FAILED for j in job_list),
        "running": any(job.is_running for job in job_list)
        or any(
            song.job_id and song.archive_status == ArchiveStatus.PENDING
            for song in page.object_list
        ),
        "query": query.urlencode(),
        "live_query": live_query.urlencode(),
        "live_version": workspace.live_version,
        "filtering": filtering,
        "f": f,
    }


@require_GET
@login_required
def library(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    # PostgreSQL refuses NUL in any text it is given; no filter or word holds one.
    if any("\x00" in value for _name, values in request.GET.lists() for value in values):
        return HttpResponseBadRequest(_("A filter cannot contain a NUL character."))
    try:
        context = _filtered(request, workspace)
    except BadCursor:
        return HttpResponseBadRequest(
            "This page link is not valid (cut short or edited). Open the library again to "
            "start from the first page."
        )
    context["role"] = role
    context["nav"] = "library"
    if request.htmx and request.htmx.target == "results":
        return render(request, "library/library.html#results", context)
    context.update(
        members=Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .only("user__id", "user__username", "workspace_id")
        .order_by("user__username"),
        relations=Relation.choices,
        models=[name for engine in Engine for name in engines.models_of(engine)],
        sorts=[(key, label) for key, (_, label, _) in SORTS.items()],
        statuses=STATUSES.items(),
        review_statuses=ReviewStatus.choices,
        keys=[(key, figures.key_name(key)) for key in figures.KEYS],
        loudness_bands=[(value, label) for value, label, _, _ in figures.LOUDNESS_BANDS],
        # The selection bar: projects to add to, and the Undo of the last bulk trash.
        projects=Project.objects.filter(workspace=workspace).order_by("name").only("id", "name")
        if role.can_edit
        else [],
        undo=request.session.pop(bulk.UNDO_SESSION_KEY, None) if role.can_edit else None,
    )
    return render(request, "library/library.html", context)


def known_states(request: HttpRequest) -> dict[str, str]:
    """The cards' `j` values are "<job id>:<status>:<progress>" as the page last saw them."""
    known = {}
    for value in request.GET.getlist("j")[:MAX_JOB_CARDS]:
        job_id, _, state = value.partition(":")
        try:
            known[str(uuid.UUID(job_id))] = state
        except ValueError:
            continue
    return known


def card_id(job: Job, song: Song | None, known: dict[str, str]) -> str:
    """The element a fresh card replaces: the job's card, or the song card it became."""
    if song is not None and known.get(str(job.id)) == COPYING:
        return f"song-{song.id}"
    return f"job-{job.id}"


def card_state(job: Job) -> str:
    return f"{job.status}:{job.progress}"


def poll_answer(content: str = "", *, more: bool) -> HttpResponse:
    """A poll's answer: 200 while something still runs, htmx's "stop polling" (286) once
    nothing does."""
    return HttpResponse(content) if more else HttpResponseStopPolling(content)


@require_GET
@login_required
def poll(request: HttpRequest) -> HttpResponse:
    """The page's live poll: 204 while nothing changed in the workspace since the version
    the page shows (one primary-key read), else this page of results again, as the team
    left it. A poll without a version (a page loaded before live pages) gets `card_swaps`."""
    seen = live.seen_version(request)
    if seen is None:
        return card_swaps(request)
    workspace, role = current_workspace(request)
    if workspace.live_version == seen:
        return live.nothing_new()
    try:
        context = _filtered(request, workspace)
    except BadCursor:
        return live.nothing_new()  # the page's own pager link says what is wrong
    context["role"] = role
    return render(request, "library/library.html#results", context)


def card_swaps(request: HttpRequest) -> HttpResponse:
    """Out-of-band swaps of the cards whose job moved on; "stop polling" once nothing runs.

    Called every few seconds by every open library, so it stays at a fixed handful of
    queries: the caller's role in each job's workspace is the access check (jobs of
    workspaces the caller is not a member of are simply not found). The jobs are found by
    their keys alone and the role is looked up per job: a join on the workspace lets the
    planner walk all of a big workspace's jobs for the 50 asked about.
    """
    known = known_states(request)
    if not known:
        return poll_answer(more=False)
    role_here = (
        Membership.objects.filter(workspace_id=OuterRef("workspace_id"), user=request.user)
        .order_by()
        .values("role")[:1]
    )
    visible = (
        Job.objects.filter(id__in=list(known))
        .annotate(caller_role=Subquery(role_here))
        .filter(caller_role__isnull=False)
    )
    # Most polls change nothing: compare three small columns before loading any card.
    found = list(visible.values_list("id", "status", "progress", "caller_role"))
    roles = {pk: role for pk, _, _, role in found}
    states = [(pk, status, progress) for pk, status, progress, _ in found]
    # Song cards whose files are still being copied wait for their waveform and cover.
    copying = [pk for pk, _, _ in states if known[str(pk)] == COPYING]
    archive = {}
    if copying:
        archive = dict(
            Song.objects.live().filter(job_id__in=copying).values_list("job_id", "archive_status")
        )
    changed_ids = [
        pk
        for pk, status, progress in states
        if (
            archive.get(pk) != ArchiveStatus.PENDING
            if known[str(pk)] == COPYING
            else f"{status}:{progress}" != known[str(pk)]
        )
    ]
    waiting = any(status in RUNNING_STATUSES for _, status, _ in states) or any(
        value == ArchiveStatus.PENDING for value in archive.values()
    )
    if not changed_ids:
        return poll_answer(more=waiting)
    jobs = list(
        Job.objects.filter(id__in=changed_ids).select_related("user").only(*JOB_CARD_FIELDS)
    )
    finished = [job.id for job in jobs if job.status == JobStatus.SUCCESS]
    songs: dict = {}
    if finished:
        found = Song.objects.live().filter(job_id__in=finished)
        for song in found.select_related("created_by").only(*CARD_FIELDS).order_by("created_at"):
            songs.setdefault(song.job_id, song)
    swaps = [
        {
            "job": job,
            "song": songs.get(job.id),
            "role": Role(roles[job.id]),
            "oob": f"outerHTML:#{card_id(job, songs.get(job.id), known)}",
        }
        for job in jobs
    ]
    # Rendered without the request: no context processors, so no queries of their own.
    html = render_to_string(
        "library/library.html#poll_swaps", {"swaps": swaps, "csrf_token": get_token(request)}
    )
    still_waiting = any(job.is_running for job in jobs) or any(
        song.archive_status == ArchiveStatus.PENDING for song in songs.values()
    )
    return poll_answer(html, more=waiting or still_waiting)
