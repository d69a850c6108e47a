"""Forms for signing up; logging in and passwords use Django's own auth forms."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

USERNAME_HELP = "How your team sees you. Letters, digits and @ . + - _ only."


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254,
        help_text="For password resets and workspace invitations.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = USERNAME_HELP

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        # One account per address: invitations are matched to accounts by email.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Log in, or reset its password if you forgot it."
            )
        return email
