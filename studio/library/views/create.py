"""Create a song, and the lyrics assistant that writes lyrics into the form."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contract.engines import Engine
from contract.producer import Action
from studio.jobs import ledger
from studio.jobs.ttapi import engines, switches
from studio.library import submissions, takes
from studio.library.engine_forms import key_of
from studio.library.forms import LyricsForm
from studio.library.submissions import CREATE_FORMS
from studio.models import JobStatus, LyricsDraft
from studio.workspaces.access import current_workspace, job_for, require_editor, song_for


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    bound = request.POST if request.method == "POST" else None
    # The chosen engine's form takes the post; the other one's fields are not sent.
    source_key, initial = ("", {}) if bound is not None else _settings_of(request)
    picker, forms, takes_form = submissions.create_forms(bound, workspace, initial, source_key)
    engine = picker.engine()
    form = forms[engine]
    status = 200
    if request.method == "POST":
        status = 400
        started = submissions.start_create(
            picker, form, takes_form, workspace=workspace, user=request.user
        )
        if started is not None:
            return _started(request, started, takes_form.cleaned_data["takes"])
    budget = ledger.budget_left(workspace)
    context = {
        "budget": budget,
        "budget_spent": not budget.allows(Action.MUSIC),
        "form": form,
        "takes_form": takes_form,
        "picker": picker,
        "engine": engine.value,
        "producer_form": forms[Engine.PRODUCER],
        "flow_form": forms[Engine.FLOWMUSIC],
        "lyrics_form": LyricsForm(),
        # The assistant writes with the Producer API's lyrics action, for either engine.
        "lyrics_off": engines.disabled_reason(Engine.PRODUCER)
        or switches.disabled_reason(Action.LYRICS),
        "music_off": switches.disabled_reason(Action.MUSIC)
        or ("" if picker.fields["model"].choices else "Every engine is switched off."),
        "nav": "create",
    }
    return render(request, "library/create.html", context, status=status)


def _started(request: HttpRequest, started: takes.Started, count: int) -> HttpResponse:
    if started.refused:
        messages.warning(
            request,
            f"{len(started.jobs)} of {count} takes started; the rest could not: {started.refused}",
            extra_tags="until-done",
        )
    elif count > 1:
        messages.success(
            request,
            f"{count} takes are on their way: they appear here side by side.",
            extra_tags="until-done",
        )
    else:
        messages.success(
            request, "Your song is on its way: it appears below.", extra_tags="until-done"
        )
    if started.batch and len(started.jobs) > 1:
        return redirect("library:takes", started.batch)
    return redirect("library:library")


def _settings_of(request: HttpRequest) -> tuple[str, dict]:
    """ "Use these settings": the model picker's key (`<engine>:<model>`) and the initial
    values of that engine's form, from a song (?from=<song id>): from what its job sent
    when it was made here by Create, else from the song itself."""
    source = request.GET.get("from", "")
    if not source:
        return "", {}
    try:
        song, _ = song_for(request, uuid.UUID(source))
    except ValueError:
        raise Http404 from None
    engine = engines.engine_of(song.engine)
    form_class = CREATE_FORMS[engine]
    names = set(form_class.base_fields)
    model_field = engines.api(engine).model_field
    # The form's names for the API's fields (Flow Music sends the lyrics box as `lyrics`).
    field_of = {wire: name for name, wire in getattr(form_class, "wire_names", {}).items()}
    job = song.job
    model = song.model
    if job is not None and job.action == Action.MUSIC:
        params = job.params or {}
        initial = {field_of.get(k, k): v for k, v in params.items()}
        initial = {k: v for k, v in initial.items() if k in names}
        model = str(params.get(model_field) or model)
    else:
        initial = {
            "sound_prompt": song.prompt,
            "lyrics_text": song.lyrics,
            "instrumental": song.instrumental,
            "seed": song.seed,
        }
        initial = {k: v for k, v in initial.items() if k in names}
    initial.pop("mv", None)  # the picker carries the model
    initial["title"] = song.title
    key = key_of(engine, model) if model else ""
    return key, {k: v for k, v in initial.items() if v not in (None, "")}


@require_POST
@login_required
def lyrics_start(request: HttpRequest) -> HttpResponse:
    """Ask the lyrics action for a draft; the answer polls until the draft arrives."""
    workspace, role = current_workspace(request)
    require_editor(role)
    form = LyricsForm(request.POST)
    context: dict = {"lyrics_form": form}
    if form.is_valid():
        context["job"] = submissions.start_lyrics(form, workspace=workspace, user=request.user)
    return render(request, "library/create.html#lyrics_status", context)


@require_GET
@login_required
def lyrics_poll(request: HttpRequest, job_id) -> HttpResponse:
    job, role = job_for(request, job_id)
    require_editor(role)
    context: dict = {"job": job, "lyrics_form": LyricsForm()}
    if job.status == JobStatus.SUCCESS:
        context["draft"] = LyricsDraft.objects.filter(job=job).first()
    return render(request, "library/create.html#lyrics_status", context)
