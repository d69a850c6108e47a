"""What the team's open pages poll: "has anything changed in this workspace since version N?"

Every write a teammate's open page shows (jobs and their progress, new and archived songs,
renames, trash and restore, comments, review status, projects) calls `touch`, which bumps
`Workspace.live_version` once the write's transaction commits: a page that reads the new
version then also reads the new rows. The question is one primary-key read, so it works
across any number of web processes and machines, and an idle tab's poll is answered with
an empty 204.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse

from studio.lib.numbers import strict_int
from studio.models import Workspace
from studio.models.workspaces import touch

__all__ = ["VERSION_PARAM", "nothing_new", "seen_version", "touch", "unchanged", "version"]

VERSION_PARAM = "v"


def version(workspace_id: UUID | str) -> int:
    return (
        Workspace.objects.filter(pk=workspace_id).values_list("live_version", flat=True).first()
        or 0
    )


def seen_version(request: HttpRequest) -> int | None:
    """The version the page was rendered at, or None when the poll does not say."""
    return strict_int(request.GET.get(VERSION_PARAM, ""), digits=18)


def unchanged(request: HttpRequest, current: int) -> bool:
    return seen_version(request) == current


def nothing_new() -> HttpResponse:
    """An idle poll's answer: no content, so htmx swaps nothing."""
    return HttpResponse(status=204)
