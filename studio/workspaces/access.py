"""Who may see what: one helper per object kind, returning the object and the caller's role.

Outsiders get 404 (nothing tells them the object exists); members whose role does not
allow an action get 403 through `require_editor` / `require_owner`.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from studio.library.trash import cutoff
from studio.models import Job, Membership, Profile, Role, Song, Workspace
from studio.models.projects import Project
from studio.workspaces.current import create_workspace


def _role_in(request: HttpRequest, workspace_id: UUID) -> Role:
    if not request.user.is_authenticated:
        raise Http404
    role = (
        Membership.objects.filter(workspace_id=workspace_id, user=request.user)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise Http404
    return Role(role)


def workspace_for(request: HttpRequest, workspace_id: UUID | str) -> tuple[Workspace, Role]:
    membership = (
        Membership.objects.select_related("workspace")
        .filter(workspace_id=workspace_id, user=request.user)
        .first()
        if request.user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    return membership.workspace, Role(membership.role)


def current_workspace(request: HttpRequest) -> tuple[Workspace, Role]:
    """The workspace the person last chose, else their first one (created if none is left)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    if hasattr(request, "_current_workspace"):
        return request._current_workspace
    profile = Profile.objects.filter(user=user).select_related("current_workspace").first()
    request._profile = profile  # read by the pages' context, with no query of its own
    workspace = profile.current_workspace if profile else None
    membership = (
        Membership.objects.filter(user=user, workspace=workspace)
        .select_related("workspace")
        .first()
        if workspace
        else None
    )
    if membership is None:
        membership = Membership.objects.filter(user=user).select_related("workspace").first()
        if membership is None:
            workspace = create_workspace(f"{user.get_username()}'s studio", owner=user)
            membership = Membership.objects.get(user=user, workspace=workspace)
        Profile.objects.update_or_create(
            user=user, defaults={"current_workspace": membership.workspace}
        )
    request._current_workspace = (membership.workspace, Role(membership.role))
    return request._current_workspace


def current_profile(request: HttpRequest) -> Profile | None:
    """The person's profile, as read with their current workspace."""
    current_workspace(request)
    if not hasattr(request, "_profile"):  # the workspace was set without reading it
        request._profile = Profile.objects.filter(user=request.user).first()
    return request._profile


def workspace_from_url(
    request: HttpRequest, workspace_id: UUID | str | None
) -> tuple[Workspace, Role]:
    """The workspace the URL names (404 unless a member), else the current one: pages that
    exist both for the current workspace and, by id, for any of the person's."""
    if workspace_id is None:
        return current_workspace(request)
    return workspace_for(request, workspace_id)


def song_for(request: HttpRequest, song_id: UUID | str) -> tuple[Song, Role]:
    song = Song.objects.live().filter(pk=song_id).select_related("workspace").first()
    if song is None:
        raise Http404
    return song, _role_in(request, song.workspace_id)


def trashed_song_for(request: HttpRequest, song_id: UUID | str, now) -> tuple[Song, Role]:
    """A song in the trash (deleted, and not yet past restoring)."""
    song = (
        Song.objects.filter(pk=song_id, deleted_at__gte=cutoff(now))
        .select_related("workspace")
        .first()
    )
    if song is None:
        raise Http404
    return song, _role_in(request, song.workspace_id)


def job_for(request: HttpRequest, job_id: UUID | str) -> tuple[Job, Role]:
    job = Job.objects.filter(pk=job_id).select_related("workspace").first()
    if job is None:
        raise Http404
    return job, _role_in(request, job.workspace_id)


def project_for(request: HttpRequest, project_id: UUID | str) -> tuple[Project, Role]:
    project = Project.objects.filter(pk=project_id).select_related("workspace").first()
    if project is None:
        raise Http404
    return project, _role_in(request, project.workspace_id)


def require_editor(role: Role) -> None:
    if not role.can_edit:
        raise PermissionDenied("Viewers can listen and download; ask an owner for editor rights.")


def require_owner(role: Role) -> None:
    if not role.can_manage:
        raise PermissionDenied("Only an owner of this workspace can do that.")
