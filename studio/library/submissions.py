"""Starting work from submitted fields: the one path the studio's pages and its API share.

Each function binds the same form the page shows to the submitted data, so a field is
checked once, by the form, and the job goes through `jobs.submit` (budget, running cap,
disabled actions). Refusals land on the form, as the page shows them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from contract.engines import Engine
from contract.errors import PayloadInvalid
from contract.producer import Action
from studio.jobs import lifecycle as jobs
from studio.jobs.ttapi import engines, switches
from studio.library import takes
from studio.library.engine_forms import ModelPicker, parse_key
from studio.library.flow_forms import FLOW_ACTION_FORMS, FlowCreateForm, FlowForm
from studio.library.forms import SONG_ACTION_FORMS, ApiForm, CreateForm, LyricsForm, submit
from studio.models import Job, Song, Workspace

CREATE_FORMS: dict[Engine, type[ApiForm]] = {
    Engine.PRODUCER: CreateForm,
    Engine.FLOWMUSIC: FlowCreateForm,
}


def action_forms(song: Song) -> dict[Action, type[ApiForm]]:
    """The song's engine's actions: a Flow Music song offers no swap, variation or video."""
    return FLOW_ACTION_FORMS if song.engine == Engine.FLOWMUSIC else SONG_ACTION_FORMS


def song_form(form_class: type[ApiForm], song: Song, **kwargs: Any) -> ApiForm:
    # Every remix form checks its times against the song: Flow Music's read the song itself.
    if issubclass(form_class, FlowForm):
        kwargs["song"] = song
    else:
        kwargs["song_duration"] = song.duration
    return form_class(**kwargs)


def held_format(song: Song) -> str:
    """The format of the song's own archived audio ("mp3", "wav" or ""): a file the studio
    already has, so downloading it costs nothing."""
    name = song.audio_file.name.lower() if song.audio_file else ""
    return next((f for f in ("mp3", "wav") if name.endswith(f".{f}")), "")


def submit_song_action(form: ApiForm, song: Song, user) -> Job | None:
    """Start the remix or file action `form` (bound, made by `song_form`) asks for on
    `song`; None with the reasons on the form when it is refused."""
    reason = engines.disabled_reason(song.engine) or switches.disabled_reason(form.action)
    if reason:
        form.is_valid()
        form.add_error(None, reason)
        return None
    if not form.is_valid():
        return None
    if form.action is Action.DOWNLOAD and form.cleaned_data["format"] == held_format(song):
        form.add_error(None, _("The studio already holds this file: download it above, free."))
        return None
    params = {engines.api(song.engine).source_field: song.music_id, **form.params()}
    return submit(form, form.action, params, workspace=song.workspace, user=user, parent=song)


def create_forms(
    data, workspace: Workspace, initial: dict | None = None, model_key: str = ""
) -> tuple[ModelPicker, dict[Engine, ApiForm], takes.TakesForm]:
    """The create page's forms: the model picker (starting at `model_key`, a song's engine
    and model, when given), each engine's fields, the takes. Only the chosen engine's form
    is bound: the other one's fields are not sent."""
    picker = ModelPicker(data, workspace=workspace)
    if data is None and model_key and parse_key(model_key) is not None:
        picker.fields["model"].initial = model_key
    engine = picker.engine()
    forms = {
        e: cls(data if e is engine else None, initial=initial or {})
        for e, cls in CREATE_FORMS.items()
    }
    return picker, forms, takes.TakesForm(data)


def create_request(
    picker: ModelPicker, form: ApiForm, takes_form: takes.TakesForm
) -> tuple[Engine, dict, int] | None:
    """The engine, request body and number of takes the bound create forms ask for; None
    when a form is not valid (its errors say why)."""
    chosen = picker.choice()
    if not (form.is_valid() and takes_form.is_valid() and chosen is not None):
        return None
    engine = chosen[0]
    params = {**form.params(), engines.api(engine).model_field: chosen[1]}
    return engine, params, takes_form.cleaned_data["takes"]


def start_create(
    picker: ModelPicker, form: ApiForm, takes_form: takes.TakesForm, *, workspace, user
) -> takes.Started | None:
    """Start the takes the bound create forms ask for; None when something is refused (the
    reasons are on the forms)."""
    request = create_request(picker, form, takes_form)
    if request is None:
        return None
    engine, params, count = request
    try:
        return takes.start(params, count, workspace=workspace, user=user, engine=engine)
    except PayloadInvalid as exc:
        form.add_api_errors(exc.errors)
    except jobs.SubmitRefused as exc:
        form.add_error(None, exc.message)
    return None


def start_lyrics(form: LyricsForm, *, workspace, user) -> Job | None:
    if not form.is_valid():
        return None
    return submit(form, Action.LYRICS, form.params(), workspace=workspace, user=user)
