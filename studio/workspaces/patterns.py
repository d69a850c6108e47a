"""URL patterns more than one area of the studio builds."""

from collections.abc import Callable

from django.urls import URLPattern, path


def for_a_workspace(page: str, view: Callable, name: str) -> list[URLPattern]:
    """A workspace's page twice: for the current workspace (`workspace/<page>/`, named
    `name`) and by id (`workspaces/<id>/<page>/`, `<name>_for`). The view gets `workspace_id`
    or None, for `access.workspace_from_url`."""
    return [
        path(f"workspace/{page}/", view, name=name),
        path(f"workspaces/<uuid:workspace_id>/{page}/", view, name=f"{name}_for"),
    ]
