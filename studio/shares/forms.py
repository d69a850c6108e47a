"""The form that makes a share link: until when, and whether guests may download or
comment."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _


def latest_day(today: date) -> date:
    """The last day a link made today may work: the same day next year (28 February for
    a link made on the 29th)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


class ShareForm(forms.Form):
    expires_on = forms.DateField(
        label="Works until",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose the last day the link works.",
            "invalid": "Give the date as YYYY-MM-DD.",
        },
    )
    allow_downloads = forms.BooleanField(label="Guests may download", required=False)
    allow_comments = forms.BooleanField(label="Guests may comment", required=False)

    def clean_expires_on(self) -> date:
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("That day is over; choose today or later.")
        # A link is a key in a stranger's hands: it must run out within a foreseeable time.
        if day > latest_day(today):
            raise forms.ValidationError(
                _("A link works for at most a year: choose %(day)s or earlier.")
                % {"day": latest_day(today).isoformat()}
            )
        return day
