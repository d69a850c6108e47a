from django.http import HttpRequest

from studio.jobs.providers import uses_emulator
from studio.models import Membership
from studio.reviews.comments import unread_count
from studio.workspaces.access import current_profile, current_workspace


def workspace(request: HttpRequest) -> dict:
    """The active workspace, the caller's role and the workspaces they can switch to."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    active, role = current_workspace(request)
    profile = current_profile(request)
    return {
        # Until their address is confirmed, the studio's key and invitations are closed to
        # them: every page says so, with the way to confirm it.
        "email_unconfirmed": profile is None or not profile.has_verified(request.user.email),
        "active_workspace": active,
        "active_role": role,
        # Said in the footer: results are made up and nothing is charged.
        "emulator_in_use": uses_emulator(active),
        "my_memberships": Membership.objects.filter(user=request.user)
        .select_related("workspace")
        .order_by("workspace__name"),
        "unread_mentions": unread_count(request.user),
    }
