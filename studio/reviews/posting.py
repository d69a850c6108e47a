"""Posting a comment from the song page: a refused one comes back on the song page itself,
with the words kept and the reason next to the field."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from studio.library.views.songs import render_song_page
from studio.models import Comment, Song
from studio.reviews import comments as reviews
from studio.reviews.forms import CommentForm
from studio.workspaces.access import song_for


def _parent(song: Song, value: str) -> Comment | None:
    if not value:
        return None
    try:
        parent = Comment.objects.filter(pk=uuid.UUID(value), song=song).first()
    except ValueError:
        parent = None
    if parent is None:
        raise Http404("No such comment on this song.")
    return parent


@require_POST
@login_required
def comment_post(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    parent = _parent(song, request.POST.get("parent", ""))
    form = CommentForm(request.POST, duration=song.duration)
    if not form.is_valid():
        return render_song_page(
            request, song, role, comment_form=form, comment_parent=parent, status=400
        )
    data = form.cleaned_data
    comment = reviews.post_comment(
        song,
        data["body"],
        author=request.user,
        at=data["at"],
        end=data["end"],
        parent=parent,
        song_url=request.build_absolute_uri(reverse("library:song", args=[song.id])),
    )
    return redirect(reverse("library:song", args=[song.id]) + f"#comment-{comment.id}")
