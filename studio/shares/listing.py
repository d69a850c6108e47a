"""A workspace's share links as its settings page lists them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from studio.models import Role, Workspace
from studio.models.shares import ShareLink


def workspace_links(workspace: Workspace) -> list[ShareLink]:
    """Every link of the workspace, newest first, for its settings page."""
    return list(
        ShareLink.objects.filter(workspace=workspace)
        .select_related("song", "project", "created_by")
        .order_by("-created_at")[:200]
    )


def settings_context(request: HttpRequest, workspace: Workspace, role: Role) -> dict:
    """The settings page's list of links."""
    now = timezone.now()
    links = workspace_links(workspace)
    for link in links:
        link.state = "revoked" if link.revoked_at else "expired" if link.is_expired(now) else "live"
    return {"share_links": links}
