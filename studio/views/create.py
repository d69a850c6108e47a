"""Create a song, and the lyrics assistant that writes lyrics into the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contract.producer import Action
from studio.access import current_workspace, job_for, require_editor
from studio.models import JobStatus, LyricsDraft
from studio.song_forms import CreateForm, LyricsForm, submit
from studio.ttapi import switches


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    form = CreateForm(request.POST) if request.method == "POST" else CreateForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and submit(
            form, Action.MUSIC, form.params(), workspace=workspace, user=request.user
        ):
            messages.success(request, "Your song is on its way: it appears below.")
            return redirect("library")
    context = {
        "form": form,
        "lyrics_form": LyricsForm(),
        "lyrics_off": switches.disabled_reason(Action.LYRICS),
        "music_off": switches.disabled_reason(Action.MUSIC),
        "nav": "create",
    }
    return render(request, "studio/create.html", context, status=status)


@require_POST
@login_required
def lyrics_start(request: HttpRequest) -> HttpResponse:
    """Ask the lyrics action for a draft; the answer polls until the draft arrives."""
    workspace, role = current_workspace(request)
    require_editor(role)
    form = LyricsForm(request.POST)
    context: dict = {"lyrics_form": form}
    if form.is_valid():
        context["job"] = submit(
            form, Action.LYRICS, form.params(), workspace=workspace, user=request.user
        )
    return render(request, "studio/create.html#lyrics_status", context)


@require_GET
@login_required
def lyrics_poll(request: HttpRequest, job_id) -> HttpResponse:
    job, role = job_for(request, job_id)
    require_editor(role)
    context: dict = {"job": job, "lyrics_form": LyricsForm()}
    if job.status == JobStatus.SUCCESS:
        context["draft"] = LyricsDraft.objects.filter(job=job).first()
    return render(request, "studio/create.html#lyrics_status", context)
