"""Creating workspaces and choosing the one a person works in."""

from django.db import transaction
from django.utils.translation import gettext as _

from studio.models import Membership, Profile, Role, Workspace


class WorkspaceLimit(Exception):
    """The person owns as many workspaces as they may; `message` says so."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def create_workspace(name: str, owner) -> Workspace:
    workspace = Workspace.objects.create(name=name[:100])
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    Profile.objects.update_or_create(user=owner, defaults={"current_workspace": workspace})
    return workspace


def switch_workspace(user, workspace: Workspace) -> None:
    Profile.objects.update_or_create(user=user, defaults={"current_workspace": workspace})


@transaction.atomic
def create_own_workspace(name: str, owner) -> Workspace:
    """A workspace a person asked for, within the number they may own (each one would
    otherwise bring its own running-jobs cap and budget). Their profile row is locked, so
    two requests at once cannot both take the last one."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=owner)
    owned = Membership.objects.filter(user=owner, role=Role.OWNER).count()
    if owned >= profile.workspace_limit:
        raise WorkspaceLimit(
            _(
                "You own %(owned)s workspaces, as many as you may: delete one, or ask the "
                "studio's staff to raise your limit."
            )
            % {"owned": owned}
        )
    return create_workspace(name, owner)
