"""The form that makes a share link: until when, and whether guests may download or
comment."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

LONGEST_DAYS = 366  # a link works for at most about a year; it can be extended later


def check_expiry(day: date) -> date:
    """Today at the earliest, a year from today at the latest."""
    today = timezone.localdate()
    if day < today:
        raise forms.ValidationError(_("That day is over; choose today or later."))
    last = today + timedelta(days=LONGEST_DAYS)
    if day > last:
        raise forms.ValidationError(
            _("A link works for at most a year: choose %(day)s or earlier.")
            % {"day": last.isoformat()}
        )
    return day


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
        return check_expiry(self.cleaned_data["expires_on"])


class ExpiryForm(forms.Form):
    """A new last day for a link that exists."""

    expires_on = ShareForm.base_fields["expires_on"]

    def clean_expires_on(self) -> date:
        return check_expiry(self.cleaned_data["expires_on"])
