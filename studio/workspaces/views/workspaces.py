"""Workspaces: list, create, switch, settings (name, API key, budget), members, deletion.

Pages without a workspace in the URL show the active workspace; every form posts to a URL
naming its workspace, so a page left open after switching elsewhere changes the right one.
"""

import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from studio.accounts import policy, verification
from studio.api import tokens
from studio.api.forms import ApiTokenForm, token_of_workspace, token_settings
from studio.lib.redirects import is_safe_url
from studio.library.engine_forms import (
    DefaultModelForm,
    default_key,
    model_label,
    workspace_default_key,
)
from studio.models import Invitation, Membership, Role, Verb, Workspace
from studio.models.activity import record
from studio.shares.listing import settings_context as share_settings
from studio.workspaces.access import (
    current_workspace,
    require_owner,
    workspace_for,
    workspace_from_url,
)
from studio.workspaces.current import WorkspaceLimit, create_own_workspace, switch_workspace
from studio.workspaces.forms import (
    ApiKeyForm,
    ArtistForm,
    BudgetForm,
    DeleteForm,
    InviteForm,
    NameForm,
    RoleForm,
)
from studio.workspaces.members import (
    MembershipError,
    accept_invitation,
    change_role,
    delete_workspace,
    invite,
    remove_member,
)

log = logging.getLogger(__name__)


def key_source(workspace: Workspace) -> str:
    """Which TTAPI key this workspace's jobs use: "workspace", "site" or "emulator"."""
    if workspace.get_api_key():
        return "workspace"
    if settings.TTAPI_API_KEY:
        return "site"
    return "emulator"


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("workspace")
        .annotate(members=Count("workspace__memberships"))
        .order_by("workspace__name")
    )
    active, _ = current_workspace(request)
    ctx = {"memberships": memberships, "active": active, "nav": "workspaces"}
    return render(request, "workspaces/list.html", ctx)


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = create_own_workspace(form.cleaned_data["name"], owner=request.user)
        except WorkspaceLimit as exc:
            form.add_error(None, exc.message)
            return render(request, "workspaces/create.html", {"form": form}, status=400)
        messages.success(request, f"Created {workspace.name}. You are its owner.")
        return redirect("workspaces:workspace_settings_for", workspace.id)
    return render(request, "workspaces/create.html", {"form": form})


def _referer_path(request: HttpRequest) -> str:
    """The page the switch was made on, as a path, when it is a page of this site."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@login_required
@require_POST
def workspace_switch(request: HttpRequest, workspace_id) -> HttpResponse:
    workspace, _ = workspace_for(request, workspace_id)
    switch_workspace(request.user, workspace)
    back = request.POST.get("next") or _referer_path(request)
    return redirect(back if is_safe_url(request, back) else settings.LOGIN_REDIRECT_URL)


# Settings: name, TTAPI key, budget ------------------------------------------------------


def _settings_page(request, workspace: Workspace, role: Role, status: int = 200, **forms):
    ctx = {
        "workspace": workspace,
        "role": role,
        "name_form": forms.get("name_form") or NameForm(initial={"name": workspace.name}),
        "key_form": forms.get("key_form") or ApiKeyForm(),
        "artist_form": forms.get("artist_form")
        or ArtistForm(initial={"artist_name": workspace.artist_name}),
        "budget_form": forms.get("budget_form")
        or BudgetForm(initial={"monthly_budget": workspace.monthly_budget}),
        "model_form": forms.get("model_form")
        or DefaultModelForm(initial={"default_model": workspace_default_key(workspace)}),
        "default_model_label": model_label(default_key(workspace)),
        "key_source": key_source(workspace),
        "key_unreadable": workspace.has_api_key and not workspace.get_api_key(),
        "nav": "settings",
    }
    ctx.update(share_settings(request, workspace, role))
    ctx.update(token_settings(workspace, role, **forms))
    return render(request, "workspaces/settings.html", ctx, status=status)


@login_required
@sensitive_post_parameters("api_key")
def workspace_settings(request: HttpRequest, workspace_id=None) -> HttpResponse:
    workspace, role = workspace_from_url(request, workspace_id)
    if request.method != "POST":
        return _settings_page(request, workspace, role)
    require_owner(role)
    here = reverse("workspaces:workspace_settings_for", args=[workspace.id])

    if "rename" in request.POST:
        form = NameForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, workspace, role, name_form=form)
        old, workspace.name = workspace.name, form.cleaned_data["name"]
        if old != workspace.name:
            workspace.save(update_fields=["name"])
            record(workspace, request.user, Verb.WORKSPACE_RENAMED, f"{old} → {workspace.name}")
        messages.success(request, "Name saved.")
    elif "set_artist" in request.POST:
        form = ArtistForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, workspace, role, status=400, artist_form=form)
        workspace.artist_name = form.cleaned_data["artist_name"]
        workspace.save(update_fields=["artist_name"])
        messages.success(request, _("Artist name saved; downloads carry it from now on."))
    elif "set_key" in request.POST:
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, workspace, role, key_form=form)
        workspace.set_api_key(form.cleaned_data["api_key"])
        workspace.save(update_fields=["api_key_encrypted", "api_key_hint"])
        record(workspace, request.user, Verb.KEY_CHANGED, f"set {workspace.api_key_hint}")
        messages.success(request, f"Key {workspace.api_key_hint} saved; new jobs will use it.")
    elif "remove_key" in request.POST:
        if workspace.has_api_key:
            workspace.set_api_key("")
            workspace.save(update_fields=["api_key_encrypted", "api_key_hint"])
            record(workspace, request.user, Verb.KEY_CHANGED, "removed")
        messages.success(request, "Key removed.")
    elif "set_budget" in request.POST:
        form = BudgetForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, workspace, role, budget_form=form)
        budget = form.cleaned_data["monthly_budget"]
        if budget != workspace.monthly_budget:
            workspace.monthly_budget = budget
            workspace.save(update_fields=["monthly_budget"])
            words = "no limit" if budget is None else f"{budget:,} credits a month"
            record(workspace, request.user, Verb.BUDGET_CHANGED, words)
        messages.success(request, "Budget saved.")
    elif "create_token" in request.POST:
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, workspace, role, status=400, token_form=form)
        token, secret = tokens.issue(
            workspace,
            form.cleaned_data["token_name"],
            form.cleaned_data["token_role"],
            created_by=request.user,
            expires_at=form.expires_at(),
        )
        # Shown on this answer only: the studio keeps no copy of the secret.
        return _settings_page(request, workspace, role, new_token=token, new_token_secret=secret)
    elif "revoke_token" in request.POST:
        token = token_of_workspace(workspace, request.POST.get("token", ""))
        if tokens.revoke(token):
            messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    elif "set_default_model" in request.POST:
        form = DefaultModelForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, workspace, role, status=400, model_form=form)
        form.save(workspace)
        messages.success(request, "Default model saved; the create page starts on it.")
    else:
        return HttpResponseBadRequest("Unknown settings action.")
    return redirect(here)


@login_required
def workspace_delete(request: HttpRequest, workspace_id) -> HttpResponse:
    workspace, role = workspace_for(request, workspace_id)
    require_owner(role)
    form = DeleteForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        name = workspace.name
        delete_workspace(workspace)
        # current_workspace() falls back to another membership (or a fresh personal one).
        messages.success(request, f"Deleted {name} with its songs and jobs.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    ctx = {
        "workspace": workspace,
        "form": form,
        "songs": workspace.songs.count(),
        "jobs": workspace.jobs.count(),
        "members": workspace.memberships.count(),
    }
    return render(request, "workspaces/delete.html", ctx)


# Members and invitations ----------------------------------------------------------------


def _link_key(workspace: Workspace) -> str:
    return f"invitation-link:{workspace.id}"


def _members_page(request, workspace: Workspace, role: Role, invite_form=None, status=200):
    memberships = workspace.memberships.select_related("user").order_by("user__username")
    ctx = {
        "workspace": workspace,
        "role": role,
        "memberships": memberships,
        "owners": sum(1 for m in memberships if m.role == Role.OWNER),
        "invitations": workspace.invitations.usable() if role.can_manage else [],
        "invite_form": invite_form or InviteForm(workspace=workspace),
        "roles": Role.choices,
        # The link of a just-created invitation: shown once, then forgotten.
        "new_link": request.session.pop(_link_key(workspace), None),
        "nav": "members",
    }
    return render(request, "workspaces/members.html", ctx, status=status)


@login_required
def workspace_members(request: HttpRequest, workspace_id=None) -> HttpResponse:
    workspace, role = workspace_from_url(request, workspace_id)
    return _members_page(request, workspace, role)


def _invitation_url(request: HttpRequest, token: str) -> str:
    path = reverse("workspaces:invitation_accept", args=[token])
    base = settings.PUBLIC_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
@require_POST
def workspace_invite(request: HttpRequest, workspace_id) -> HttpResponse:
    workspace, role = workspace_for(request, workspace_id)
    require_owner(role)
    form = InviteForm(request.POST, workspace=workspace)
    if not form.is_valid():
        return _members_page(request, workspace, role, invite_form=form)
    invitation, token, again = invite(
        workspace, form.cleaned_data["email"], form.cleaned_data["role"], request.user
    )
    url = _invitation_url(request, token)
    ctx = {"workspace": workspace, "invitation": invitation, "url": url, "inviter": request.user}
    try:
        send_mail(
            f"Join {workspace.name} on Producer Studio",
            render_to_string("workspaces/invitation_email.txt", ctx),
            None,
            [invitation.email],
        )
        mailed = True
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("Invitation mail to %s failed: %s", invitation.email, exc.__class__.__name__)
        mailed = False
    request.session[_link_key(workspace)] = {
        "email": invitation.email,
        "url": url,
        "mailed": mailed,
        "again": again,
        "days": settings.INVITATION_DAYS,
    }
    return redirect("workspaces:workspace_members_for", workspace.id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, workspace_id, invitation_id: int) -> HttpResponse:
    workspace, role = workspace_for(request, workspace_id)
    require_owner(role)
    invitation = get_object_or_404(workspace.invitations.usable(), pk=invitation_id)
    invitation.delete()
    messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("workspaces:workspace_members_for", workspace.id)


@login_required
@require_POST
def member_role(request: HttpRequest, workspace_id, membership_id: int) -> HttpResponse:
    workspace, role = workspace_for(request, workspace_id)
    require_owner(role)
    membership = get_object_or_404(workspace.memberships.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose owner, editor or viewer.")
    new_role = Role(form.cleaned_data["role"])
    try:
        change_role(membership, new_role, request.user)
    except MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.get_username()} is now {new_role.label}.")
    return redirect("workspaces:workspace_members_for", workspace.id)


@login_required
@require_POST
def member_remove(request: HttpRequest, workspace_id, membership_id: int) -> HttpResponse:
    workspace, role = workspace_for(request, workspace_id)
    membership = get_object_or_404(workspace.memberships.select_related("user"), pk=membership_id)
    if membership.user_id != request.user.pk:
        require_owner(role)
    return _remove(request, workspace, membership)


@login_required
@require_POST
def workspace_leave(request: HttpRequest, workspace_id) -> HttpResponse:
    workspace, _ = workspace_for(request, workspace_id)
    membership = workspace.memberships.get(user=request.user)
    return _remove(request, workspace, membership)


def _remove(request: HttpRequest, workspace: Workspace, membership: Membership) -> HttpResponse:
    try:
        remove_member(membership, request.user)
    except MembershipError as exc:
        messages.error(request, str(exc))
        return redirect("workspaces:workspace_members_for", workspace.id)
    if membership.user_id == request.user.pk:
        messages.success(request, f"You left {workspace.name}.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    messages.success(request, f"Removed {membership.user.get_username()} from {workspace.name}.")
    return redirect("workspaces:workspace_members_for", workspace.id)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.find(token)
    ctx = {"invitation": invitation, "workspace": invitation and invitation.workspace}
    page = "workspaces/invitation.html"
    if invitation is None:
        return render(request, page, {**ctx, "state": "invalid"}, status=404)
    if invitation.accepted_at or invitation.is_expired:
        return render(request, page, {**ctx, "state": "gone"}, status=410)
    if not request.user.is_authenticated:
        ctx["may_sign_up"] = policy.may_sign_up(invitation)
        return render(request, page, {**ctx, "state": "anonymous", "here": request.path})
    if Membership.objects.filter(workspace=invitation.workspace, user=request.user).exists():
        switch_workspace(request.user, invitation.workspace)
        messages.info(request, f"You are already a member of {invitation.workspace.name}.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    # The link may have been forwarded: only the account with the invited address joins,
    # once it has shown it reads that address (anyone may type it in at sign-up).
    if (request.user.email or "").strip().lower() != invitation.email.lower():
        return render(request, page, {**ctx, "state": "wrong_account"}, status=403)
    if not verification.is_confirmed(request.user):
        # Shown plainly on the way back from sign-up; joining is what is refused.
        status = 403 if request.method == "POST" else 200
        return render(request, page, {**ctx, "state": "unconfirmed"}, status=status)
    if request.method != "POST":
        return render(request, page, {**ctx, "state": "ready"})
    try:
        accept_invitation(invitation, request.user)
    except MembershipError:
        if verification.is_confirmed(request.user):
            return render(request, page, {**ctx, "state": "gone"}, status=410)
        return render(request, page, {**ctx, "state": "unconfirmed"}, status=403)
    messages.success(
        request,
        f"Welcome to {invitation.workspace.name}: you joined as {invitation.get_role_display()}.",
    )
    return redirect(settings.LOGIN_REDIRECT_URL)
