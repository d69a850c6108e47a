"""Choosing an engine through its model: the create page's picker and the workspace's default.

An option's value is `<engine>:<model>` ("flowmusic:Lyria 3 Pro", "producer:FUZZ-2.0"), so
the one choice names both the API and the model it is sent to.
"""

from __future__ import annotations

from typing import Any

from django import forms

from contract.engines import Engine
from contract.producer import DEFAULT_MODEL
from studio.jobs.ttapi import engines
from studio.models import Workspace


def key_of(engine: Engine | str, model: str) -> str:
    return f"{engines.engine_of(engine).value}:{model}"


def model_options() -> list[tuple[str, str]]:
    """Every model offered, Flow Music's first, labelled so the engine shows."""
    options = []
    for engine in (Engine.FLOWMUSIC, Engine.PRODUCER):
        if engines.disabled_reason(engine):
            continue
        for name in engines.models_of(engine):
            label = f"{name} — {engine.label}" if engine is Engine.FLOWMUSIC else name
            options.append((key_of(engine, name), label))
    return options


def parse_key(key: str) -> tuple[Engine, str] | None:
    """(engine, model) of an offered option, or None."""
    if key not in dict(model_options()):
        return None
    engine, _, model = key.partition(":")
    return Engine(engine), model


def model_label(key: str) -> str:
    return dict(model_options()).get(key, "")


def workspace_default_key(workspace: Workspace) -> str:
    """The workspace's own choice ("" when it has none)."""
    if not workspace.default_model:
        return ""
    return key_of(workspace.default_engine, workspace.default_model)


def default_key(workspace: Workspace) -> str:
    """The workspace's default model when it is still offered, else FUZZ-2.0, else the first."""
    offered = [key for key, _ in model_options()]
    for key in (workspace_default_key(workspace), key_of(Engine.PRODUCER, DEFAULT_MODEL)):
        if key in offered:
            return key
    return offered[0] if offered else ""


class ModelPicker(forms.Form):
    model = forms.ChoiceField(label="Model", choices=model_options, required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].initial = default_key(workspace)

    def clean_model(self) -> str:
        # Left out, a Producer API model may come as `mv` (the API's own name), else the
        # workspace's default applies.
        key = self.cleaned_data["model"]
        if not key and str(self.data.get("mv") or "").strip():
            key = key_of(Engine.PRODUCER, str(self.data["mv"]).strip())
        key = key or self.fields["model"].initial
        if not key or parse_key(key) is None:
            raise forms.ValidationError("Choose one of the models offered.")
        return key

    def choice(self) -> tuple[Engine, str] | None:
        """The engine and model chosen (bound and valid), else the workspace's default."""
        if self.is_bound:
            return parse_key(self.cleaned_data["model"]) if self.is_valid() else None
        return parse_key(self.fields["model"].initial or "")

    def engine(self) -> Engine:
        """The engine whose fields the page shows: the chosen one, else the posted one's."""
        picked = self.choice()
        if picked is None and self.is_bound:
            engine = str(self.data.get("model") or "").partition(":")[0]
            return Engine(engine) if engine in Engine.values else Engine.PRODUCER
        return picked[0] if picked else Engine.PRODUCER


class DefaultModelForm(forms.Form):
    default_model = forms.ChoiceField(
        label="Default model",
        choices=lambda: [("", "The studio's default"), *model_options()],
        required=False,
        help_text="The model the create page starts on; its engine is the workspace's default.",
    )

    def save(self, workspace: Workspace) -> None:
        picked = parse_key(self.cleaned_data["default_model"] or "")
        workspace.default_engine = picked[0] if picked else Engine.PRODUCER
        workspace.default_model = picked[1] if picked else ""
        workspace.save(update_fields=["default_engine", "default_model"])
