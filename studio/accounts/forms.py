"""Forms for signing up; logging in and passwords use Django's own auth forms."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from studio.models import Invitation

USERNAME_HELP = _("How your team sees you. Letters, digits and @ . + - _ only.")


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254,
        help_text=_(
            "For password resets and workspace invitations. We mail you a link to confirm it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, invitation: Invitation | None = None, **kwargs) -> None:
        """`invitation`: the one a sign-up by invitation only must use the address of."""
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["username"].help_text = USERNAME_HELP

    def clean_email(self) -> str:
        # Whether an account already has this address is never said here: the address is
        # only trusted once confirmed, and its owner is mailed if someone else tries it.
        email = self.cleaned_data["email"].strip().lower()
        if self.invitation is not None and email != self.invitation.email.lower():
            raise forms.ValidationError(_("Sign up with the address the invitation was sent to."))
        return email
