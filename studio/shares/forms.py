"""The form that makes a share link: until when, and whether guests may download or
comment."""

from datetime import date

from django import forms
from django.utils import timezone


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
        if day < timezone.localdate():
            raise forms.ValidationError("That day is over; choose today or later.")
        return day
