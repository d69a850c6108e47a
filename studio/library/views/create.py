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
from studio.library.forms import CreateForm, LyricsForm
from studio.models import JobStatus, LyricsDraft
from studio.workspaces.access import current_workspace, job_for, require_editor, song_for


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    bound = request.POST if request.method == "POST" else None
    # The chosen engine's form takes the post; the other one's fields are not sent.
    initial = {} if bound is not None else _settings_of(request)
    picker, forms, takes_form = submissions.create_forms(bound, workspace, initial)
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


def _settings_of(request: HttpRequest) -> dict:
    """ "Use these settings": the form filled in from a song (?from=<song id>), from what its
    job sent when it was made here by Create, else from the song itself."""
    source = request.GET.get("from", "")
    if not source:
        return {}
    try:
        song, _ = song_for(request, uuid.UUID(source))
    except ValueError:
        raise Http404 from None
    names = set(CreateForm.base_fields)
    job = song.job
    if job is not None and job.action == Action.MUSIC:
        initial = {k: v for k, v in job.params.items() if k in names}
    else:
        initial = {
            "sound_prompt": song.prompt,
            "lyrics_text": song.lyrics,
            "instrumental": song.instrumental,
            "mv": song.model,
            "seed": song.seed,
        }
    initial["title"] = song.title
    return {k: v for k, v in initial.items() if v not in (None, "")}


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
