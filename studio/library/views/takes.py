"""A batch of takes side by side: play each, keep the best (the others go to the trash)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from studio.library import takes, trash
from studio.library.views.library import poll_answer
from studio.models import ArchiveStatus, Job, Role, Song, Workspace
from studio.models.activity import Verb, record
from studio.workspaces import live
from studio.workspaces.access import job_for, require_editor


def _batch_for(request: HttpRequest, batch: uuid.UUID) -> tuple[Workspace, Role]:
    first = Job.objects.filter(take_batch=batch).values_list("pk", flat=True).first()
    if first is None:
        raise Http404
    job, role = job_for(request, first)  # outsiders: 404
    return job.workspace, role


@require_GET
@login_required
def takes_page(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    workspace, role = _batch_for(request, batch)
    polled = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    seen = live.seen_version(request)
    if polled and seen is not None and seen == workspace.live_version:
        return live.nothing_new()  # the page's live poll, and nothing changed
    batch_takes = takes.takes_of(workspace, batch)
    # Polled until every take is finished and archived: a cover and waveform are ours only
    # once the files are copied in.
    running = any(
        take.job.is_running
        or (take.song is not None and take.song.archive_status == ArchiveStatus.PENDING)
        for take in batch_takes
    )
    context = {
        "batch": batch,
        "takes": batch_takes,
        "running": running,
        # What "Keep this one" sends to the trash, said before it does.
        "others": max(0, sum(1 for take in batch_takes if take.song) - 1),
        "role": role,
        "nav": "create",
        "live_version": workspace.live_version,
    }
    if polled:
        html = render_to_string("library/takes.html#takes", context, request=request)
        if seen is not None:
            return HttpResponse(html)
        # A page loaded before live pages: fresh takes, "stop polling" once none runs.
        return poll_answer(html, more=bool(running))
    return render(request, "library/takes.html", context)


@require_POST
@login_required
def keep_take(request: HttpRequest, batch: uuid.UUID, song_id: uuid.UUID) -> HttpResponse:
    workspace, role = _batch_for(request, batch)
    require_editor(role)
    batch_takes = takes.takes_of(workspace, batch)
    kept = next((t.song for t in batch_takes if t.song and t.song.pk == song_id), None)
    if kept is None:
        raise Http404
    Song.objects.filter(pk=kept.pk).update(favourite=True)
    now = timezone.now()
    others = [t.song for t in batch_takes if t.song and t.song.pk != kept.pk]
    for song in others:
        if trash.move_to_trash(song, now):
            record(workspace, request.user, Verb.SONG_DELETED, str(song), song)
    messages.success(
        request,
        f"Kept “{kept}” (a favourite now)."
        + (
            f" The other {len(others)} went to the trash, where they can be restored."
            if others
            else ""
        ),
    )
    return redirect("library:song", kept.pk)
