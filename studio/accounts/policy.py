"""Who may create an account (SIGNUP_POLICY): anyone, only someone holding a usable
invitation, or nobody (staff make accounts in the admin)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from studio.models import Invitation

OPEN, INVITATION, CLOSED = "open", "invitation", "closed"


def invitation_in(next_url: str) -> Invitation | None:
    """The usable invitation a sign-up is on its way to accept, if any."""
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return None
    if match.url_name != "invitation_accept":
        return None
    invitation = Invitation.find(match.kwargs.get("token", ""))
    if invitation is None or invitation.accepted_at or invitation.is_expired:
        return None
    return invitation


def needs_invitation() -> bool:
    return settings.SIGNUP_POLICY == INVITATION


def may_sign_up(invitation: Invitation | None) -> bool:
    if settings.SIGNUP_POLICY == CLOSED:
        return False
    return settings.SIGNUP_POLICY == OPEN or invitation is not None


def refusal() -> str:
    """Why the sign-up page is shut, for someone it is shut to."""
    if settings.SIGNUP_POLICY == CLOSED:
        return _("This studio does not take new sign-ups. Ask its staff for an account.")
    return _(
        "This studio takes new accounts by invitation only: follow the link in the "
        "invitation you were sent."
    )
