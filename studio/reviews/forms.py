"""Forms for reviews: a comment (optionally at a moment or over a section), a guest's
comment with their name, and a song's review status."""

import re

from django import forms

from studio.models import ReviewStatus

TIME = re.compile(r"^(?:(\d{1,3}):)?(\d{1,5}(?:\.\d{1,3})?)$")
MAX_BODY = 2000


def parse_time(text: str) -> float | None:
    """ "1:12", "72" or "72.5" -> seconds; "" -> None; anything else -> ValueError."""
    text = text.strip()
    if not text:
        return None
    match = TIME.match(text)
    if not match:
        raise ValueError(text)
    minutes, seconds = match.groups()
    if minutes is not None and float(seconds) >= 60:
        raise ValueError(text)
    return int(minutes or 0) * 60 + float(seconds)


class TimeField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, max_length=12, strip=True, **kwargs)

    def clean(self, value) -> float | None:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_time(text)
        except ValueError:
            raise forms.ValidationError(
                "Write a time as minutes:seconds (1:12) or seconds (72)."
            ) from None


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_BODY,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What do you hear? @name someone"}),
        error_messages={"required": "Write something first."},
    )
    at = TimeField(label="At")
    end = TimeField(label="To")

    def __init__(self, *args, duration: float | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duration = duration

    def clean(self) -> dict:
        data = super().clean()
        at, end = data.get("at"), data.get("end")
        if end is not None and at is None:
            self.add_error("at", "A section needs its start too.")
        elif at is not None and end is not None and end <= at:
            self.add_error("end", "The section must end after it starts.")
        limit = self.duration
        for name in ("at", "end"):
            value = data.get(name)
            if value is not None and limit and value > limit + 0.5:
                self.add_error(name, f"The song is only {limit:.0f} seconds long.")
        return data


class GuestCommentForm(CommentForm):
    name = forms.CharField(
        label="Your name",
        max_length=60,
        strip=True,
        error_messages={"required": "Say who you are, so the team knows."},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ReviewStatus.choices)
