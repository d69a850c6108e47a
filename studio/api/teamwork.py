"""Projects (list, create, add and order songs, zip) and reviews (comments, status)."""

from __future__ import annotations

from uuid import UUID

from django.core.files.storage import default_storage
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from studio.api.auth import actor, require_write, workspace_of
from studio.api.problems import ApiProblem, Problem
from studio.api.schemas import (
    CommentIn,
    CommentOut,
    ProjectIn,
    ProjectOrder,
    ProjectOut,
    ProjectSongIn,
    ReviewIn,
    ReviewOut,
)
from studio.api.songs import live_song
from studio.lib.filenames import file_name
from studio.library import zips
from studio.library.files import serve_file
from studio.models import Comment, ReviewStatus
from studio.models.projects import Project
from studio.projects import contents as projects
from studio.projects.forms import ProjectForm
from studio.reviews import comments as reviews
from studio.reviews.forms import CommentForm

router = Router()
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 429: Problem}


def _project(request: HttpRequest, project_id: UUID) -> Project:
    project = Project.objects.filter(pk=project_id, workspace=workspace_of(request)).first()
    if project is None:
        raise ApiProblem(404, _("No project with this id in this token's workspace."))
    return project


def _project_out(project: Project, *, songs: bool = False) -> dict:
    out = {"id": project.id, "name": project.name, "created_at": project.created_at}
    if songs:
        out["songs"] = [
            {"id": s.id, "title": s.title, "relation": s.relation}
            for s in projects.ordered_songs(project)
        ]
    return out


@router.get("/projects", response={200: list[ProjectOut], **ERRORS}, tags=["projects"])
def list_projects(request: HttpRequest):
    found = Project.objects.filter(workspace=workspace_of(request)).order_by("name", "id")
    return [_project_out(project) for project in found[:500]]


@router.post("/projects", response={201: ProjectOut, **ERRORS}, tags=["projects"])
def create_project(request: HttpRequest, body: ProjectIn):
    require_write(request)
    form = ProjectForm({"name": body.name})
    if not form.is_valid():
        raise ApiProblem(400, " ".join(form.errors["name"]), errors={"name": form.errors["name"]})
    project = Project.objects.create(
        workspace=workspace_of(request), name=form.cleaned_data["name"], created_by=actor(request)
    )
    return Status(201, _project_out(project, songs=True))


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, tags=["projects"])
def get_project(request: HttpRequest, project_id: UUID):
    return _project_out(_project(request, project_id), songs=True)


@router.post(
    "/projects/{project_id}/songs",
    response={200: ProjectOut, **ERRORS},
    tags=["projects"],
    summary="Add a song at the end",
)
def add_song(request: HttpRequest, project_id: UUID, body: ProjectSongIn):
    require_write(request)
    project = _project(request, project_id)
    song = live_song(request, body.song_id)
    try:
        projects.add_song(project, song)
    except projects.ProjectFull as exc:
        raise ApiProblem(409, str(exc)) from None
    return _project_out(project, songs=True)


@router.delete(
    "/projects/{project_id}/songs/{song_id}",
    response={200: ProjectOut, **ERRORS},
    tags=["projects"],
)
def remove_song(request: HttpRequest, project_id: UUID, song_id: UUID):
    require_write(request)
    project = _project(request, project_id)
    if not projects.remove_song(project, song_id):
        raise ApiProblem(404, _("This song is not in the project."))
    return _project_out(project, songs=True)


@router.put(
    "/projects/{project_id}/order",
    response={200: ProjectOut, **ERRORS},
    tags=["projects"],
    summary="Put the songs in this order",
)
def reorder(request: HttpRequest, project_id: UUID, body: ProjectOrder):
    """The list must hold exactly the project's songs (409 when it changed meanwhile)."""
    require_write(request)
    project = _project(request, project_id)
    if len(set(body.song_ids)) != len(body.song_ids) or not projects.reorder(
        project, body.song_ids
    ):
        raise ApiProblem(
            409, _("The order must list each of the project's songs once: read it again.")
        )
    return _project_out(project, songs=True)


class ZipPreparing(Schema):
    status: str
    retry_after: int


ZIP_RETRY_SECONDS = 2


@router.get(
    "/projects/{project_id}/zip",
    response={200: None, 202: ZipPreparing, **ERRORS},
    tags=["projects"],
    summary="The project's audio, numbered in play order, as a zip",
    description="The worker builds the zip: 202 with Retry-After until it is ready, then the file.",
)
def project_zip(request: HttpRequest, project_id: UUID):
    project = _project(request, project_id)
    songs = projects.ordered_songs(project)
    name = zips.zip_name(project, songs)
    if zips.ready(name):
        download = file_name(project.name, ".zip", fallback="project")
        handle = default_storage.open(name, "rb")
        return serve_file(
            request,
            None,
            download,
            handle=handle,
            stored_name=name,
            own_type="application/zip",
            ascii_fallback="project",
        )
    zips.request_build(project, songs, name)
    response = JsonResponse({"status": "preparing", "retry_after": ZIP_RETRY_SECONDS}, status=202)
    response["Retry-After"] = str(ZIP_RETRY_SECONDS)
    return response


def _comment_out(comment: Comment) -> dict:
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author": comment.who,
        "body": comment.body,
        "at": comment.at_seconds,
        "end": comment.end_seconds,
        "resolved": comment.resolved_at is not None,
        "created_at": comment.created_at,
    }


@router.get(
    "/songs/{song_id}/comments", response={200: list[CommentOut], **ERRORS}, tags=["reviews"]
)
def list_comments(request: HttpRequest, song_id: UUID):
    song = live_song(request, song_id)
    rows = Comment.objects.filter(song=song).select_related("author").order_by("created_at")
    return [_comment_out(comment) for comment in rows[:1000]]


@router.post("/songs/{song_id}/comments", response={201: CommentOut, **ERRORS}, tags=["reviews"])
def post_comment(request: HttpRequest, song_id: UUID, body: CommentIn):
    require_write(request)
    song = live_song(request, song_id)
    parent = None
    if body.parent_id is not None:
        parent = Comment.objects.filter(pk=body.parent_id, song=song).first()
        if parent is None:
            raise ApiProblem(404, _("No such comment on this song."))
    data = {
        "body": body.body,
        "at": "" if body.at is None else f"{body.at:.3f}",
        "end": "" if body.end is None else f"{body.end:.3f}",
    }
    form = CommentForm(data, duration=song.duration)
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        detail = " ".join(message for messages in errors.values() for message in messages)
        raise ApiProblem(400, detail, errors=errors)
    who = actor(request)
    comment = reviews.post_comment(
        song,
        form.cleaned_data["body"],
        author=who,
        guest_name="" if who else request.auth.name[:60],
        at=form.cleaned_data["at"],
        end=form.cleaned_data["end"],
        parent=parent,
        song_url=request.build_absolute_uri(reverse("library:song", args=[song.id])),
    )
    return Status(201, _comment_out(comment))


@router.put("/songs/{song_id}/review", response={200: ReviewOut, **ERRORS}, tags=["reviews"])
def set_review(request: HttpRequest, song_id: UUID, body: ReviewIn):
    require_write(request)
    song = live_song(request, song_id)
    if body.status not in ReviewStatus.values:
        raise ApiProblem(
            400,
            _("A review status is one of: %(names)s.") % {"names": ", ".join(ReviewStatus.values)},
            errors={"status": [_("Not a review status.")]},
        )
    changed = reviews.set_status(song, ReviewStatus(body.status), actor(request))
    return {"status": body.status, "changed": changed}
