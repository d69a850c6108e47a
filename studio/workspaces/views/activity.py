"""A workspace's activity log: who did what, newest first, for every member."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from studio.lib.keyset import BadCursor, Order, paginate
from studio.models import ActivityEvent, Verb
from studio.workspaces.access import workspace_from_url

PER_PAGE = 50
NEWEST_FIRST = Order(("created_at", "id"), descending=True)  # index event_ws_created


def song_url(event: ActivityEvent) -> str:
    """A link to the song the event is about, while the song is still in the library."""
    song = event.song
    if song is None or song.deleted_at is not None:
        return ""
    try:
        return reverse("library:song", args=[song.pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def activity_page(request: HttpRequest, workspace_id: UUID | None = None) -> HttpResponse:
    workspace, role = workspace_from_url(request, workspace_id)
    events = (
        ActivityEvent.objects.filter(workspace=workspace)
        .select_related("actor", "song")
        .defer("song__peaks", "song__raw", "song__lyrics", "song__prompt")
    )
    verb = request.GET.get("verb", "")
    if verb in Verb.values:
        events = events.filter(verb=verb)
    else:
        verb = ""
    try:
        page = paginate(events, NEWEST_FIRST, request.GET, PER_PAGE)
    except BadCursor:
        return HttpResponseBadRequest(
            "This page link is not valid (cut short or edited). Open the activity log again "
            "to start from the newest events."
        )
    for event in page.object_list:
        event.song_url = song_url(event)
    return render(
        request,
        "workspaces/activity.html",
        {
            "nav": "activity",
            "workspace": workspace,
            "role": role,
            "page": page,
            "verb": verb,
            "verbs": Verb.choices,
            "query": urlencode({"verb": verb}) if verb else "",
            "pager_words": ("Newer", "Older"),
        },
    )
