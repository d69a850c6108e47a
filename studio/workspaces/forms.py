"""Forms for workspaces: name, API key, budget, invitations, roles and deletion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from studio.models import Role, Workspace


class NameForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True, label="Name")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the workspace a name.")
        return name


class ArtistForm(forms.Form):
    artist_name = forms.CharField(
        max_length=100,
        required=False,
        strip=True,
        label=_("Artist name"),
        help_text=_(
            "Written as the artist into every downloaded MP3 and WAV. Leave empty to use the "
            "workspace's name."
        ),
    )

    def clean_artist_name(self) -> str:
        return " ".join(self.cleaned_data["artist_name"].split())


class ApiKeyForm(forms.Form):
    # Never rendered back: the widget drops the value even when the form is re-shown.
    api_key = forms.CharField(
        label="TTAPI key",
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_api_key(self) -> str:
        key = self.cleaned_data["api_key"]
        if any(c.isspace() for c in key) or not key.isprintable():
            raise forms.ValidationError("A TTAPI key has no spaces or line breaks.")
        if len(key) < 8:
            raise forms.ValidationError("That is too short to be a TTAPI key.")
        return key


class BudgetForm(forms.Form):
    monthly_budget = forms.IntegerField(
        label="Monthly budget (credits)",
        required=False,
        min_value=0,
        max_value=1_000_000_000,
        help_text="Leave empty for no limit. 100 credits = 1 USD; a song costs about 3.",
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if self.workspace.memberships.filter(user__email__iexact=email).exists():
            raise forms.ValidationError("Someone with this address is already a member.")
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class DeleteForm(forms.Form):
    confirm_name = forms.CharField(label="Type the workspace's name to confirm", max_length=100)

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"].strip()
        if typed != self.workspace.name:
            raise forms.ValidationError(
                f"Type the name exactly as shown ({self.workspace.name}) to delete it."
            )
        return typed
