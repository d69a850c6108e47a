"""The trash: songs deleted in the last TRASH_DAYS, which editors restore."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from studio.library import trash
from studio.models.activity import Verb, record
from studio.workspaces.access import current_workspace, require_editor, trashed_song_for


@require_GET
@login_required
def trash_page(request: HttpRequest) -> HttpResponse:
    workspace, role = current_workspace(request)
    require_editor(role)
    now = timezone.now()
    songs = list(
        trash.trashed(workspace, now)
        .select_related("created_by")
        .only(
            "id", "title", "music_id", "relation", "duration", "deleted_at", "created_by__username"
        )[:200]
    )
    for song in songs:
        song.purge_at = song.deleted_at + trash.kept_for()
    context = {"songs": songs, "role": role, "days": trash.kept_for().days, "nav": "library"}
    return render(request, "library/trash.html", context)


@require_POST
@login_required
def song_restore(request: HttpRequest, song_id) -> HttpResponse:
    song, role = trashed_song_for(request, song_id, timezone.now())
    require_editor(role)
    if trash.restore(song, timezone.now()):
        record(song.workspace, request.user, Verb.SONG_RESTORED, str(song), song)
        messages.success(request, f"Restored “{song}”: it is back in the library and its family.")
        return redirect("library:song", song.id)
    messages.error(request, "That song has left the trash already.")
    return redirect(reverse("library:trash"))
