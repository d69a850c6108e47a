"""The workspace settings' API tokens: the form for a new one and the card's context."""

import uuid
from datetime import timedelta

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studio.models import ApiToken, Role, TokenRole, Workspace


class ApiTokenForm(forms.Form):
    token_name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": _("nightly build")}),
        error_messages={"required": _("Name the token after what will use it.")},
    )
    token_role = forms.ChoiceField(
        label=_("Role"), choices=TokenRole.choices, initial=TokenRole.READ_ONLY
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": _("never")}),
    )

    def expires_at(self):
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=days) if days else None


def token_settings(
    workspace: Workspace,
    role: Role,
    *,
    token_form: ApiTokenForm | None = None,
    new_token: ApiToken | None = None,
    new_token_secret: str = "",
    **_forms,
) -> dict:
    """The settings page's tokens card: owners see the list and make or revoke tokens."""
    return {
        "api_tokens": list(ApiToken.objects.filter(workspace=workspace)) if role.can_manage else [],
        "token_form": token_form or ApiTokenForm(),
        "new_token": new_token,
        "new_token_secret": new_token_secret,
        "docs_url": reverse("api:v1:openapi-view"),
    }


def token_of_workspace(workspace: Workspace, value: str) -> ApiToken:
    try:
        token = ApiToken.objects.filter(pk=uuid.UUID(value), workspace=workspace).first()
    except ValueError:
        token = None
    if token is None:
        raise Http404
    return token
