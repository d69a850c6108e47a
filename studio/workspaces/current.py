"""Creating workspaces and choosing the one a person works in."""

from django.db import transaction

from studio.models import Membership, Profile, Role, Workspace


@transaction.atomic
def create_workspace(name: str, owner) -> Workspace:
    workspace = Workspace.objects.create(name=name[:100])
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    Profile.objects.update_or_create(user=owner, defaults={"current_workspace": workspace})
    return workspace


def switch_workspace(user, workspace: Workspace) -> None:
    Profile.objects.update_or_create(user=user, defaults={"current_workspace": workspace})
