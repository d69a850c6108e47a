"""Forms for projects: a name, and the order a drag leaves the songs in."""

import uuid

from django import forms


class ProjectForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        strip=True,
        label="Project name",
        error_messages={"required": "Give the project a name."},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the project a name.")
        return name


def song_ids(values: list[str]) -> list[uuid.UUID] | None:
    """The posted song ids, or None when one is not an id (a bad request)."""
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        return None
