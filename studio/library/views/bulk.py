"""Actions on several library songs at once, one POST endpoint each. The chosen songs
come as repeated `song` ids; every one must belong to the current workspace (else 404),
and viewers may only download."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from studio.lib.filenames import content_disposition
from studio.lib.zipstream import stream_zip
from studio.library import bulk
from studio.models import ReviewStatus, Song, Workspace
from studio.models.projects import Project
from studio.projects.contents import ProjectFull
from studio.workspaces.access import current_workspace, require_editor


class BadChoice(Exception):
    pass


def _chosen(request: HttpRequest, workspace: Workspace) -> list[Song]:
    """The songs chosen, in the order sent; an id of another workspace is not found."""
    raw = request.POST.getlist("song")
    try:
        ids = list(dict.fromkeys(uuid.UUID(value) for value in raw))
    except ValueError:
        raise BadChoice(_("A chosen song is not a song of this library.")) from None
    if not ids:
        raise BadChoice(_("Choose at least one song first."))
    if len(ids) > bulk.MAX_CHOSEN:
        raise BadChoice(_("Choose at most %(n)d songs at a time.") % {"n": bulk.MAX_CHOSEN})
    found = {s.pk: s for s in Song.objects.filter(workspace=workspace, pk__in=ids)}
    if len(found) != len(ids):
        raise Http404(_("Some of the chosen songs are not in this workspace."))
    return [found[pk] for pk in ids]


def _back(request: HttpRequest) -> HttpResponse:
    """Where the selection was made: the library (with its filters) or the trash."""
    back = request.POST.get("next", "")
    allowed = (reverse("library:library"), reverse("library:trash"))
    if not back.startswith(allowed) or "//" in back:
        back = reverse("library:library")
    return redirect(back)


def _refused(request: HttpRequest, exc: BadChoice) -> HttpResponse:
    # The page disables its buttons until a song is chosen: only a hand-made post gets here.
    return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")


@require_POST
@login_required
def bulk_trash(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    try:
        songs = _chosen(request, workspace)
    except BadChoice as exc:
        return _refused(request, exc)
    moved = bulk.trash_many(workspace, request.user, songs, timezone.now())
    request.session[bulk.UNDO_SESSION_KEY] = [str(pk) for pk in moved]
    messages.success(
        request,
        ngettext("%(n)d song moved to the trash.", "%(n)d songs moved to the trash.", len(moved))
        % {"n": len(moved)},
    )
    return _back(request)


@require_POST
@login_required
def bulk_restore(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    try:
        songs = _chosen(request, workspace)
    except BadChoice as exc:
        return _refused(request, exc)
    back = bulk.restore_many(workspace, request.user, songs, timezone.now())
    request.session.pop(bulk.UNDO_SESSION_KEY, None)
    messages.success(
        request,
        ngettext("%(n)d song is back in the library.", "%(n)d songs are back in the library.", back)
        % {"n": back},
    )
    return _back(request)


@require_POST
@login_required
def bulk_review_status(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    value = request.POST.get("status", "")
    if value not in ReviewStatus.values:
        return _refused(request, BadChoice(_("Choose a review status to set.")))
    try:
        songs = _chosen(request, workspace)
    except BadChoice as exc:
        return _refused(request, exc)
    status = ReviewStatus(value)
    changed = bulk.set_status_many(workspace, request.user, songs, status)
    messages.success(
        request,
        ngettext(
            "Review status %(status)s set on %(n)d song.",
            "Review status %(status)s set on %(n)d songs.",
            changed,
        )
        % {"status": status.label, "n": changed},
    )
    return _back(request)


@require_POST
@login_required
def bulk_add_to_project(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    try:
        project_id = uuid.UUID(request.POST.get("project", ""))
    except ValueError:
        return _refused(request, BadChoice(_("Choose a project to add the songs to.")))
    project = Project.objects.filter(pk=project_id, workspace=workspace).first()
    if project is None:
        raise Http404(_("No such project in this workspace."))
    try:
        songs = _chosen(request, workspace)
    except BadChoice as exc:
        return _refused(request, exc)
    live = [song for song in songs if song.deleted_at is None]
    try:
        added = bulk.add_many(project, live)
    except ProjectFull as exc:
        return _refused(request, BadChoice(str(exc)))
    messages.success(
        request,
        ngettext("%(n)d song added to %(project)s.", "%(n)d songs added to %(project)s.", added)
        % {"n": added, "project": project.name},
    )
    return _back(request)


@require_POST
@login_required
def bulk_download(request: HttpRequest) -> HttpResponse:
    """A zip of the chosen songs' audio; viewers may download too."""
    workspace, _role = current_workspace(request)
    try:
        songs = _chosen(request, workspace)
    except BadChoice as exc:
        return _refused(request, exc)
    live = [song for song in songs if song.deleted_at is None]
    response = StreamingHttpResponse(
        stream_zip(bulk.zip_entries(live)), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition("songs.zip", "songs")
    response["Cache-Control"] = "private, no-store"
    return response
