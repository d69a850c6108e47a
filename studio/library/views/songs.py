"""The song page: the big player, the family tree, one panel per remix or file action, and
the small edits (favourite, rename, delete). Also retry and check-again for jobs."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from contract.engines import Engine
from contract.errors import PayloadInvalid, TTAPIError
from contract.producer import Action
from studio.jobs import ledger
from studio.jobs import lifecycle as jobs
from studio.jobs.ttapi import engines, switches
from studio.library import lineage, submissions, trash
from studio.library.forms import ApiForm, RenameForm
from studio.library.submissions import action_forms, held_format, song_form
from studio.library.views.library import card_state, known_states, poll_answer
from studio.models import (
    ArchiveStatus,
    Asset,
    AssetKind,
    Comment,
    Job,
    JobStatus,
    Membership,
    Role,
    Song,
)
from studio.models.activity import Verb, record
from studio.models.music import RUNNING_STATUSES
from studio.models.workspaces import touch
from studio.reviews.forms import CommentForm
from studio.reviews.panel import review_context
from studio.shares import links as share_links
from studio.workspaces import live
from studio.workspaces.access import current_workspace, job_for, require_editor, song_for

FAILED_SHOWN_FOR = timedelta(hours=24)


MAX_GUIDES = 9  # connector columns drawn; deeper families keep the last ones


@dataclass
class Node:
    song: Song
    # The connectors left of the title, one per column: "blank", "pipe" (a line going on
    # down), "tee" (a child with siblings below) or "elbow" (the last child).
    guides: list[str]
    current: bool = False


def _chain_guides(depth: int) -> list[str]:
    return (["blank"] * (depth - 1) + ["elbow"])[-MAX_GUIDES:] if depth else []


def family_tree(song: Song) -> list[Node]:
    """The song's ancestors, the song, then all its descendants depth-first (so each sits
    under its parent), from one query over the family; deleted members keep their place."""
    members = lineage.family(song)
    chain = lineage.ancestors(song, members)
    rows = [Node(s, _chain_guides(depth)) for depth, s in enumerate(chain)]
    by_id = {m.pk: m for m in members}
    here = len(chain)
    rows.append(Node(by_id.get(song.pk, song), _chain_guides(here), current=True))
    for branch in lineage.walk(song, members):
        guides = ["blank"] * here + ["pipe" if on else "blank" for on in branch.open_levels]
        guides.append("elbow" if branch.last else "tee")
        rows.append(Node(branch.song, guides[-MAX_GUIDES:]))
    return rows


def _song_jobs(song: Song) -> list[Job]:
    recent = timezone.now() - FAILED_SHOWN_FOR
    return list(
        Job.objects.filter(parent=song)
        .filter(
            Q(status__in=RUNNING_STATUSES)
            | Q(status=JobStatus.FAILED, created_at__gte=recent, dismissed_at__isnull=True)
        )
        .select_related("user")
        .order_by("-created_at")[:20]
    )


def _files(song: Song) -> dict:
    assets = list(Asset.objects.filter(song=song).order_by("kind", "label", "-created_at"))
    by_kind: dict[str, list[Asset]] = {}
    for asset in assets:
        by_kind.setdefault(asset.kind, []).append(asset)
    videos = sorted(by_kind.get(AssetKind.VIDEO, []), key=lambda a: a.created_at, reverse=True)
    wav = (by_kind.get(AssetKind.WAV) or [None])[0]
    mp3 = (by_kind.get(AssetKind.MP3) or [None])[0]
    held = held_format(song)
    return {
        "stems": by_kind.get(AssetKind.STEM, []),
        "wav": wav,
        "mp3": mp3,
        "held": held,
        # The paid `download` only for a format the studio holds no copy of.
        "paid_formats": [
            f for f, asset in (("mp3", mp3), ("wav", wav)) if asset is None and f != held
        ],
        # One per style made, newest first: each style is its own file.
        "videos": videos,
    }


def _flow_initial(song: Song, action: Action) -> dict:
    initial: dict = {"title": song.title, "model": song.model or None}
    if action is Action.EXTEND:
        initial["extend_from_s"] = round(song.duration, 2) if song.duration else None
    if action is Action.REPLACE and song.duration:
        initial["start_s"] = round(song.duration / 3, 2)
        initial["end_s"] = round(song.duration * 2 / 3, 2)
    return {k: v for k, v in initial.items() if v not in (None, "")}


def _initial(song: Song, action: Action) -> dict:
    if song.engine == Engine.FLOWMUSIC:
        return _flow_initial(song, action)
    initial: dict = {"title": song.title, "mv": song.model or None}
    if song.prompt:
        initial["sound_prompt"] = song.prompt
    elif song.lyrics:
        initial["lyrics_text"] = song.lyrics
    if action is Action.EXTEND:
        initial["starts"] = round(song.duration, 2) if song.duration else 30.0
    if action is Action.REPLACE and song.duration:
        initial["starts"] = round(song.duration / 3, 2)
        initial["ends"] = round(song.duration * 2 / 3, 2)
    initial["instrumental"] = song.instrumental
    return {k: v for k, v in initial.items() if v not in (None, "")}


FILE_ACTIONS = {Action.STEMS: "stems", Action.DOWNLOAD: "download", Action.VIDEO: "video"}


def _panels(song: Song, role: Role, bound: ApiForm | None = None) -> tuple[list[dict], dict]:
    """One panel per action the role may use: remixes as a list, file actions by name."""
    if not role.can_edit:
        return [], {}
    remixes, files = [], {}
    off = engines.disabled_reason(song.engine)
    for action, form_class in action_forms(song).items():
        if bound is not None and bound.action is action:
            form = bound
        else:
            form = song_form(form_class, song, initial=_initial(song, action))
        panel = {
            "action": action.value,
            "label": action.label,
            "form": form,
            "disabled": off or switches.disabled_reason(action),
            "open": bound is not None and bound.action is action,
        }
        if action in FILE_ACTIONS:
            files[FILE_ACTIONS[action]] = panel
        else:
            remixes.append(panel)
    return remixes, files


def _live(song: Song, role: Role, bound: ApiForm | None = None) -> dict:
    """What changes while jobs run: the job list, the files and the family tree."""
    song_jobs = _song_jobs(song)
    remixes, file_panels = _panels(song, role, bound)
    return {
        "song": song,
        "role": role,
        "song_jobs": song_jobs,
        "running": any(job.is_running for job in song_jobs),
        # The song's own file is being copied in: the page polls until it is there.
        "copying": song.archive_status == ArchiveStatus.PENDING,
        "files": _files(song),
        "tree": family_tree(song),
        "live_version": song.workspace.live_version,
        "remixes": remixes,
        "file_panels": file_panels,
    }


def render_song_page(
    request: HttpRequest,
    song: Song,
    role: Role,
    *,
    comment_form: CommentForm | None = None,
    comment_parent: Comment | None = None,
    status: int = 200,
) -> HttpResponse:
    """The song page with a refused comment in its review panel (errors shown)."""
    return _page(request, song, role, status=status, review=(comment_form, comment_parent))


def _page(
    request: HttpRequest,
    song: Song,
    role: Role,
    bound: ApiForm | None = None,
    status=200,
    review: tuple = (None, None),
):
    context = _live(song, role, bound)
    if role.can_edit:
        context["budget"] = ledger.budget_left(song.workspace)
    parent = Song.objects.live().filter(pk=song.parent_id).first()
    context.update(
        parent=parent,
        ab_songs=(song, parent),
        creator=song.created_by,
        rename_form=RenameForm(initial={"title": song.title}),
        new_share=share_links.take_new_link(request.session, song.id),
        nav="library",
    )
    context.update(review_context(request, song, role, *review))
    return render(request, "library/song.html", context, status=status)


def _retry_form(song: Song, job: Job) -> ApiForm | None:
    """The form a failed remix was sent from, filled in with what was sent."""
    known = action_forms(song)
    form_class = known.get(Action(job.action)) if job.action in Action.values else None
    if form_class is None:
        return None
    source = ("music_id", "clip_id")
    data = {k: v for k, v in job.params.items() if k not in source and v is not None}
    return song_form(form_class, song, data=data)


def refused_for_parameters(job: Job) -> bool:
    """The provider's answer to bad parameters (400) is "Parameter error": sending the
    same request again can only fail the same way."""
    return "parameter error" in job.error.lower()


@require_GET
@login_required
def song_page(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    bound = None
    retry_id = request.GET.get("retry", "")
    if retry_id and role.can_edit:
        job = Job.objects.filter(
            pk=retry_id if _is_uuid(retry_id) else None,
            parent=song,
            status=JobStatus.FAILED,
        ).first()
        bound = _retry_form(song, job) if job else None
        if bound is not None and bound.is_valid() and refused_for_parameters(job):
            bound.add_error(None, f"The music service refused these settings: {job.error}")
    return _page(request, song, role, bound)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@require_POST
@login_required
def song_action(request: HttpRequest, song_id, action: str) -> HttpResponse:
    song, role = song_for(request, song_id)
    require_editor(role)
    try:
        form_class = action_forms(song)[Action(action)]
    except (ValueError, KeyError):
        raise Http404 from None
    form = song_form(form_class, song, data=request.POST)
    if submissions.submit_song_action(form, song, request.user) is None:
        return _page(request, song, role, form, status=400)
    messages.success(
        request,
        f"{form.action.label} started. It shows below while it runs.",
        extra_tags="until-done",
    )
    return redirect(reverse("library:song", args=[song.id]) + "#song-jobs")


@require_GET
@login_required
def song_poll(request: HttpRequest, song_id) -> HttpResponse:
    """The page's live poll: 204 while nothing changed in the workspace since the version
    the page shows, else what a teammate may have changed (title, jobs, files, family,
    review status, comments) swapped in place. A poll without a version (a page loaded
    before live pages) gets `song_job_swaps`."""
    seen = live.seen_version(request)
    if seen is None:
        return song_job_swaps(request, song_id)
    try:
        song, role = song_for(request, song_id)
    except Http404:
        trashed = Song.objects.filter(pk=song_id, deleted_at__isnull=False).first()
        member = Membership.objects.filter(
            workspace_id=getattr(trashed, "workspace_id", None), user=request.user
        )
        if trashed is None or not member.exists():
            raise
        return render(request, "library/song.html#gone", {"song": trashed})
    if song.workspace.live_version == seen:
        return live.nothing_new()
    context = _live(song, role)
    context.update(review_context(request, song, role), oob=True)
    return render(request, "library/song.html#team_changes", context)


def song_job_swaps(request: HttpRequest, song_id) -> HttpResponse:
    """One request for all the page's running jobs: fresh panels once one moves on."""
    song, role = song_for(request, song_id)
    known = known_states(request)
    context = _live(song, role)
    song_jobs = context["song_jobs"]
    more = bool(context["running"] or context["copying"])
    now = {str(job.id): card_state(job) for job in song_jobs if job.is_running}
    if now == known and request.GET.get("copy", song.archive_status) == song.archive_status:
        return poll_answer(more=more)
    context["oob"] = True
    html = render_to_string("library/song.html#live", context, request=request)
    return poll_answer(html, more=more)


@require_POST
@login_required
def song_favourite(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    require_editor(role)
    # The button says which state it asks for, so a double click cannot undo itself.
    wanted = request.POST.get("on")
    song.favourite = wanted == "1" if wanted in ("0", "1") else not song.favourite
    Song.objects.filter(pk=song.pk).update(favourite=song.favourite)
    touch(song.workspace_id)
    if request.htmx:
        return render(request, "library/library.html#fav", {"song": song, "role": role})
    return redirect("library:song", song.id)


@require_POST
@login_required
def song_rename(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    require_editor(role)
    form = RenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A title needs 1 to 200 characters.")
        return redirect("library:song", song.id)
    old = song.title
    Song.objects.filter(pk=song.pk).update(title=form.cleaned_data["title"])
    record(
        song.workspace,
        request.user,
        Verb.SONG_RENAMED,
        f"{old} → {form.cleaned_data['title']}",
        song,
    )
    messages.success(request, "Renamed.")
    return redirect("library:song", song.id)


@require_POST
@login_required
def song_delete(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    require_editor(role)
    # To the trash: the row, its files and its lineage stay, so it can be restored.
    if trash.move_to_trash(song, timezone.now()):
        record(song.workspace, request.user, Verb.SONG_DELETED, str(song), song)
    messages.success(
        request,
        f"Moved “{song}” to the trash; editors can restore it there for"
        f" {trash.kept_for().days} days. Its remixes stay in the library.",
    )
    return redirect("library:library")


def _after_job(job: Job) -> HttpResponse:
    if job.parent_id:
        return redirect(reverse("library:song", args=[job.parent_id]) + "#song-jobs")
    return redirect("library:library")


@require_POST
@login_required
def job_retry(request: HttpRequest, job_id) -> HttpResponse:
    job, role = job_for(request, job_id)
    require_editor(role)
    if job.status != JobStatus.FAILED:
        messages.info(request, "Only a failed job can be retried.")
        return _after_job(job)
    parent = Song.objects.live().filter(pk=job.parent_id).first()
    form = _retry_form(parent, job) if parent else None
    if form is not None and (not form.is_valid() or refused_for_parameters(job)):
        # Sending the same values again would fail the same way: let the user change them.
        messages.info(request, "Change the settings below, then send it again.")
        url = reverse("library:song", args=[parent.id])
        return redirect(f"{url}?retry={job.id}#panel-{job.action}")
    try:
        new = jobs.retry(job, request.user)
    except PayloadInvalid as exc:
        messages.error(request, exc.message)
        return _after_job(job)
    except jobs.SubmitRefused as exc:
        messages.error(request, exc.message)
        return _after_job(job)
    messages.success(request, "Sent again.")
    return _after_job(new)


@require_POST
@login_required
def job_dismiss(request: HttpRequest, job_id) -> HttpResponse:
    """Put a failed job out of sight (the "Failed" filter of the library still lists it)."""
    job, role = job_for(request, job_id)
    require_editor(role)
    Job.objects.filter(pk=job.pk, status=JobStatus.FAILED, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
    touch(job.workspace_id)
    if request.htmx:
        return HttpResponse("")  # the card or row is swapped for nothing
    return _after_job(job)


@require_POST
@login_required
def jobs_dismiss_failed(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    count = Job.objects.filter(
        workspace=workspace, status=JobStatus.FAILED, dismissed_at__isnull=True
    ).update(dismissed_at=timezone.now())
    touch(workspace.pk)
    noun = "failed job" if count == 1 else "failed jobs"
    messages.success(request, f"Dismissed {count} {noun}. The “Failed” filter still lists them.")
    return redirect("library:library")


@require_POST
@login_required
def job_check(request: HttpRequest, job_id) -> HttpResponse:
    job, role = job_for(request, job_id)
    require_editor(role)
    try:
        job = jobs.reconcile(job)
    except TTAPIError as exc:
        messages.error(request, f"Could not reach the music service: {exc.message}")
        return _after_job(job)
    if job.status == JobStatus.UNKNOWN:
        messages.info(request, "Still no answer from the music service; we keep checking.")
    else:
        messages.success(request, f"Checked: the job is {job.get_status_display().lower()}.")
    return _after_job(job)
