"""Projects: the list, one project's page (play it as a queue, reorder, download as zip),
and adding a song to one from a card or the song page. Viewers see; editors change."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from studio.lib.filenames import content_disposition, file_name
from studio.lib.redirects import is_safe_url
from studio.lib.zipstream import stream_zip
from studio.models import Song, SongQuerySet, Workspace
from studio.models.projects import Project, ProjectSong
from studio.models.workspaces import touch
from studio.projects import contents as projects
from studio.projects import normalise, release
from studio.projects.downloads import zip_response
from studio.projects.forms import ProjectForm, song_ids
from studio.shares import links as share_links
from studio.workspaces.access import current_workspace, project_for, require_editor, song_for


def workspace_projects(workspace: Workspace):
    return Project.objects.filter(workspace=workspace).annotate(
        songs=Count("entries", filter=SongQuerySet.live_via("entries__song"))
    )


def _back(request: HttpRequest, project: Project) -> HttpResponse:
    target = request.POST.get("next", "")
    if is_safe_url(request, target):
        return redirect(target)
    return redirect("projects:project", project.id)


def _song_in(request: HttpRequest, workspace: Workspace, song_id: str) -> Song:
    """The posted song, if it is a live song of the workspace."""
    try:
        song, _role = song_for(request, uuid.UUID(song_id))
    except ValueError:
        raise Http404("No such song.") from None
    if song.workspace_id != workspace.id:
        raise Http404("No such song in this workspace.")
    return song


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        require_editor(role)
        song_id = request.POST.get("song", "")
        # The song is checked before the project exists: a bad one makes nothing.
        song = _song_in(request, workspace, song_id) if song_id else None
        if form.is_valid():
            project = Project.objects.create(
                workspace=workspace, name=form.cleaned_data["name"], created_by=request.user
            )
            if song is not None:
                projects.add_song(project, song)
                messages.success(request, f"Created “{project.name}” with the song in it.")
                return _back(request, project)
            messages.success(request, f"Created “{project.name}”.")
            return redirect("projects:project", project.id)
    context = {
        "projects": workspace_projects(workspace),
        "form": form,
        "role": role,
        "workspace": workspace,
        "nav": "projects",
    }
    return render(request, "projects/list.html", context, status=400 if form.errors else 200)


@require_GET
@login_required
def project_page(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    songs = projects.ordered_songs(project)
    context = {
        "project": project,
        "songs": songs,
        "normalised": normalise.state(songs),
        "trashed": projects.trashed_songs(project),
        "role": role,
        "rename_form": ProjectForm(initial={"name": project.name}),
        "new_share": share_links.take_new_link(request.session, project.id),
        "nav": "projects",
    }
    return render(request, "projects/project.html", context)


@require_POST
@login_required
def project_rename(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    require_editor(role)
    form = ProjectForm(request.POST)
    if form.is_valid():
        Project.objects.filter(pk=project.pk).update(name=form.cleaned_data["name"])
        touch(project.workspace_id)
        messages.success(request, "Renamed.")
    else:
        messages.error(request, form.errors["name"][0])
    return redirect("projects:project", project.id)


@require_POST
@login_required
def project_delete(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    require_editor(role)
    project.delete()  # its songs stay in the library
    messages.success(request, f"Deleted the project “{project.name}”. Its songs stay.")
    return redirect("projects:project_list")


@require_POST
@login_required
def project_add(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    require_editor(role)
    song = _song_in(request, project.workspace, request.POST.get("song", ""))
    try:
        added = projects.add_song(project, song)
    except projects.ProjectFull as exc:
        messages.error(request, str(exc))
        return _back(request, project)
    if added:
        messages.success(request, f"Added “{song}” to “{project.name}”.")
    else:
        messages.info(request, f"“{song}” is in “{project.name}” already.")
    return _back(request, project)


@require_POST
@login_required
def project_remove(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    require_editor(role)
    ids = song_ids([request.POST.get("song", "")])
    if ids is None or not projects.remove_song(project, ids[0]):
        messages.info(request, "That song is not in this project.")
    return _back(request, project)


@require_POST
@login_required
def project_move(request: HttpRequest, project_id) -> HttpResponse:
    project, role = project_for(request, project_id)
    require_editor(role)
    ids = song_ids([request.POST.get("song", "")])
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if ids is None or step is None:
        return HttpResponse("Say which song moves, up or down.", status=400)
    projects.move_song(project, ids[0], step)
    return redirect(reverse("projects:project", args=[project.id]) + f"#entry-{ids[0]}")


@require_POST
@login_required
def project_order(request: HttpRequest, project_id) -> HttpResponse:
    """The order a drag left the list in: every song of the project, once."""
    project, role = project_for(request, project_id)
    require_editor(role)
    ids = song_ids(request.POST.getlist("song"))
    if ids is None:
        return HttpResponse("Send the project's song ids in their new order.", status=400)
    if not projects.reorder(project, ids):
        return HttpResponse(
            "The project changed since this page was loaded; reload it and drag again.",
            status=409,
        )
    return HttpResponse(status=204)


@require_safe
@login_required
def project_zip(request: HttpRequest, project_id) -> HttpResponse:
    project, _role = project_for(request, project_id)
    return zip_response(request, project, projects.ordered_songs(project))


@require_POST
@login_required
def project_normalise(request: HttpRequest, project_id) -> HttpResponse:
    """Ask the worker for the songs' loudness-normalised copies (for the release package)."""
    project, role = project_for(request, project_id)
    require_editor(role)
    queued = normalise.request_renders(project)
    if queued:
        messages.success(
            request,
            ngettext(
                "Rendering %(count)d song at -14 LUFS; the release package includes it once done.",
                "Rendering %(count)d songs at -14 LUFS; the release package includes them once "
                "done.",
                queued,
            )
            % {"count": queued},
        )
    else:
        messages.info(request, _("Every song already has its -14 LUFS copy."))
    return redirect("projects:project", project.pk)


@require_safe
@login_required
def project_release(request: HttpRequest, project_id) -> HttpResponse:
    """The project as a release package (studio.projects.release), streamed as a zip."""
    project, _role = project_for(request, project_id)
    songs = projects.ordered_songs(project)
    response = StreamingHttpResponse(
        stream_zip(release.release_entries(project, songs)), content_type="application/zip"
    )
    name = file_name(f"{project.name} release", ".zip", fallback="release")
    response["Content-Disposition"] = content_disposition(name, "release")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def song_projects(request: HttpRequest, song_id) -> HttpResponse:
    """Which projects hold this song, to add it to one (or a new one) from any card."""
    song, role = song_for(request, song_id)
    rows = workspace_projects(song.workspace).annotate(
        has_song=Exists(ProjectSong.objects.filter(project=OuterRef("pk"), song=song))
    )
    context = {
        "song": song,
        "projects": rows,
        "role": role,
        "form": ProjectForm(),
        "nav": "projects",
    }
    return render(request, "projects/song_projects.html", context)
