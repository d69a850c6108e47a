"""Changing who belongs to a workspace: roles, removal, leaving, invitations, deletion.

Every change that could leave a workspace without an owner runs in a transaction that
first locks the workspace row, so two owners demoting each other at the same moment
cannot both succeed.
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from studio.library import uploads, zips
from studio.models import Asset, Invitation, Membership, Profile, Role, Song, Verb, Workspace
from studio.models.activity import record
from studio.workspaces.current import switch_workspace


class MembershipError(Exception):
    """A change refused for a reason the person can read."""


LAST_OWNER = (
    "A workspace needs at least one owner: make someone else an owner first, "
    "or delete the workspace."
)


def _lock(workspace_id) -> None:
    # SQLite ignores FOR UPDATE, but its IMMEDIATE transactions already serialise writers.
    list(Workspace.objects.select_for_update().filter(pk=workspace_id).values_list("pk"))


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


def change_role(membership: Membership, role: Role, actor) -> None:
    with transaction.atomic():
        _lock(membership.workspace_id)
        current = Membership.objects.select_related("user").filter(pk=membership.pk).first()
        if current is None:
            raise MembershipError("That person is no longer a member.")
        if current.role == role:
            return
        if current.role == Role.OWNER and not _other_owners(current):
            raise MembershipError(LAST_OWNER)
        Membership.objects.filter(pk=current.pk).update(role=role)
        record(
            current.workspace,
            actor,
            Verb.ROLE_CHANGED,
            f"{current.user.get_username()}: {Role(current.role).label} → {Role(role).label}",
        )


def remove_member(membership: Membership, actor) -> None:
    """Remove a member; when the actor removes themselves, they leave."""
    leaving = membership.user_id == actor.pk
    with transaction.atomic():
        _lock(membership.workspace_id)
        current = Membership.objects.select_related("user").filter(pk=membership.pk).first()
        if current is None:
            return
        if current.role == Role.OWNER and not _other_owners(current):
            raise MembershipError(LAST_OWNER)
        current.delete()
        if leaving:
            record(current.workspace, actor, Verb.MEMBER_LEFT, actor.get_username())
        else:
            record(current.workspace, actor, Verb.MEMBER_REMOVED, current.user.get_username())


def invite(workspace: Workspace, email: str, role: Role, actor) -> tuple[Invitation, str, bool]:
    """The invitation to send and its token, and whether it was already pending.

    Inviting an address again sends the same link again (with the role asked now and a
    fresh expiry), so the link mailed earlier keeps working."""
    with transaction.atomic():
        pending = workspace.invitations.usable().filter(email__iexact=email).select_for_update()
        for invitation in pending:
            token = invitation.token()
            if token is None:  # a random token from before links could be made again
                continue
            invitation.role = role
            invitation.invited_by = actor
            invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
            invitation.save(update_fields=["role", "invited_by", "expires_at"])
            record(
                workspace, actor, Verb.MEMBER_INVITED, f"{invitation.email} as {Role(role).label}"
            )
            return invitation, token, True
        invitation, token = Invitation.issue(workspace, email, role, invited_by=actor)
        record(workspace, actor, Verb.MEMBER_INVITED, f"{invitation.email} as {Role(role).label}")
    return invitation, token, False


def accept_invitation(invitation: Invitation, user) -> Membership:
    """Join as invited: only the account whose confirmed address is the invited one."""
    email = (user.email or "").strip().lower()
    profile = Profile.objects.filter(user=user).only("verified_email").first()
    if email != invitation.email.lower() or profile is None or not profile.has_verified(email):
        raise MembershipError(
            _("Only the account that confirmed %(email)s can accept this invitation.")
            % {"email": invitation.email}
        )
    with transaction.atomic():
        # Compare-and-set: of two concurrent acceptances only one updates the row.
        used = (
            Invitation.objects.usable()
            .filter(pk=invitation.pk)
            .update(accepted_at=timezone.now(), accepted_by=user)
        )
        if not used:
            raise MembershipError("This invitation has already been used or has expired.")
        membership, created = Membership.objects.get_or_create(
            workspace_id=invitation.workspace_id, user=user, defaults={"role": invitation.role}
        )
        if created:
            record(
                invitation.workspace,
                user,
                Verb.MEMBER_JOINED,
                f"{user.get_username()} as {Role(invitation.role).label}",
            )
    switch_workspace(user, invitation.workspace)
    return membership


def delete_workspace(workspace: Workspace) -> None:
    """Delete the workspace with its songs, jobs and events, then its stored files."""
    names = []
    for song in Song.objects.filter(workspace=workspace).only(
        "audio_file", "image_file", "video_file"
    ):
        names += [f.name for f in (song.audio_file, song.image_file, song.video_file) if f]
    names += [
        name
        for name in Asset.objects.filter(workspace=workspace).values_list("file", flat=True)
        if name
    ]
    names += uploads.paths_of(workspace) + zips.paths_of(workspace.pk)
    with transaction.atomic():
        workspace.delete()
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    # A file already gone, or a storage out of reach, leaves at worst an orphan file.
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
