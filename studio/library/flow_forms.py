"""Flow Music's forms: the create page's fields and the song page's remixes.

Field names are Flow Music's own (the create page's lyrics box keeps its shared name and is
sent as `lyrics`), so a form's cleaned data is the request body. Each form checks its values
against the contract's rules and, on the song page, against the song (no point past its end)
before anything is sent.
"""

from __future__ import annotations

from typing import Any

from django import forms

from contract import flowmusic
from contract.engines import Engine
from contract.errors import PayloadInvalid
from contract.flowmusic import MAX_LENGTH, STRENGTH
from contract.producer import Action
from studio.jobs.ttapi import engines
from studio.library.forms import ApiForm, Slider
from studio.models import Song

PLACEHOLDER_CLIP = "clip"  # stands in for the song's clip id while the form checks itself


def _seconds(label: str, help_text: str, wave: str) -> forms.FloatField:
    """Seconds into the song; `wave` names what the waveform sets it to (point, start, end)."""
    return forms.FloatField(
        label=label,
        min_value=0,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "data-wave": wave}),
    )


def _instruction(placeholder: str) -> forms.CharField:
    return forms.CharField(
        label="Instruction",
        max_length=MAX_LENGTH["instruction"],
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": placeholder}),
        help_text="What to change, in your words.",
    )


def model_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in engines.models_of(Engine.FLOWMUSIC)]


class FlowForm(ApiForm):
    """A Flow Music form: checked against the contract (and the song) as it cleans."""

    engine = Engine.FLOWMUSIC
    # Form field -> the API's field, where they differ.
    wire_names: dict[str, str] = {}

    def __init__(self, *args: Any, song: Song | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_flow_{self.action.value}_%s")
        super().__init__(*args, **kwargs)
        self.song = song

    def params(self) -> dict[str, Any]:
        return {self.wire_names.get(k, k): v for k, v in super().params().items()}

    def add_api_errors(self, errors: dict[str, str]) -> None:
        fields = {wire: name for name, wire in self.wire_names.items()}
        super().add_api_errors({fields.get(k, k): v for k, v in errors.items()})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        params = self.params()
        if engines.FLOW_ACTIONS[self.action] in flowmusic.PARENT_ACTIONS:
            params["clip_id"] = self.song.music_id if self.song else PLACEHOLDER_CLIP
        duration = self.song.duration if self.song else None
        try:
            engines.validate(self.engine, self.action, params, source_duration=duration)
        except PayloadInvalid as exc:
            self.add_api_errors(exc.errors)
        return data


class FlowCreateForm(FlowForm):
    action = Action.MUSIC
    wire_names = {"lyrics_text": "lyrics"}

    sound_prompt = forms.CharField(
        label="Sound",
        required=False,
        max_length=MAX_LENGTH["sound_prompt"],
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "dreamy synth-pop, female vocals"}),
        help_text="Style, instruments, mood. A sound or lyrics (or both) is needed.",
    )
    lyrics_text = forms.CharField(
        label="Lyrics",
        required=False,
        max_length=MAX_LENGTH["lyrics"],
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "[Verse]\n…"}),
    )
    title = forms.CharField(label="Title", required=False, max_length=MAX_LENGTH["title"])
    bpm = forms.FloatField(
        label="BPM",
        required=False,
        min_value=flowmusic.MIN_BPM,
        widget=forms.NumberInput(
            attrs={"step": "any", "inputmode": "decimal", "placeholder": "any"}
        ),
        help_text="Tempo in beats per minute; empty lets the model choose.",
    )
    length = forms.IntegerField(
        label="Length (seconds)",
        required=False,
        min_value=flowmusic.LENGTH[0],
        max_value=flowmusic.LENGTH[1],
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "any"}),
        help_text=f"{flowmusic.LENGTH[0]} to {flowmusic.LENGTH[1]} s; empty lets the model choose.",
    )
    seed = forms.RegexField(
        label="Seed",
        required=False,
        regex=r"^\d{1,32}$",
        error_messages={"invalid": "Digits only (a whole number)."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "random"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_%s")  # shares the page's prompt, lyrics and title
        super().__init__(*args, **kwargs)


class FlowEditForm(FlowForm):
    title = forms.CharField(label="Title", required=False, max_length=MAX_LENGTH["title"])
    model = forms.ChoiceField(label="Model", choices=model_choices, required=False)


class FlowCoverForm(FlowEditForm):
    action = Action.COVER
    instruction = _instruction("Change this song to jazz style")
    strength = forms.FloatField(
        label="Strength",
        min_value=STRENGTH[0],
        max_value=STRENGTH[1],
        initial=flowmusic.DEFAULT_STRENGTH,
        widget=Slider(attrs={"step": "0.05", "data-show-value": ""}),
        help_text="How far the cover may move from the original.",
    )
    field_order = ["instruction", "strength", "title", "model"]


class FlowExtendForm(FlowEditForm):
    action = Action.EXTEND
    extend_from_s = _seconds(
        "Extend from (seconds)", "Click the waveform to pick the point.", "point"
    )
    extend_s = forms.FloatField(
        label="Seconds to add",
        min_value=0.01,
        max_value=flowmusic.MAX_EXTEND_S,
        initial=30,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=f"At most {flowmusic.MAX_EXTEND_S:g} s.",
    )
    instruction = _instruction("Continue with a bridge and a big final chorus")
    field_order = ["extend_from_s", "extend_s", "instruction", "title", "model"]


class FlowReplaceForm(FlowEditForm):
    action = Action.REPLACE
    start_s = _seconds("From (seconds)", "Drag on the waveform.", "start")
    end_s = _seconds("To (seconds)", "Drag on the waveform.", "end")
    instruction = _instruction("A drum fill here")
    field_order = ["start_s", "end_s", "instruction", "title", "model"]


class FlowStemsForm(FlowForm):
    action = Action.STEMS


# The song page's Flow Music actions, in the order their panels appear.
FLOW_ACTION_FORMS: dict[Action, type[FlowForm]] = {
    Action.EXTEND: FlowExtendForm,
    Action.REPLACE: FlowReplaceForm,
    Action.COVER: FlowCoverForm,
    Action.STEMS: FlowStemsForm,
}
