"""Reviews on the song page: comments (at a moment or over a section), replies, resolve,
the review status; and the list of the caller's @mentions. Every member may comment;
editors set the status and resolve any thread, others resolve their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from studio.models import Comment, Mention, ReviewStatus, Role, Song, SongQuerySet
from studio.reviews import comments as reviews
from studio.reviews.forms import StatusForm
from studio.workspaces.access import require_editor, song_for


def _comment_for(request: HttpRequest, comment_id) -> tuple[Comment, Song, Role]:
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    song, role = song_for(request, comment.song_id)
    return comment, song, role


@require_POST
@login_required
def comment_resolve(request: HttpRequest, comment_id) -> HttpResponse:
    comment, song, role = _comment_for(request, comment_id)
    # A reply resolves its thread: the check applies to the thread's author, not the reply's.
    if comment.parent_id:
        comment = comment.parent
    if not role.can_edit and comment.author_id != request.user.pk:
        raise PermissionDenied("Editors resolve threads; you can resolve your own.")
    reviews.resolve(comment, request.user, request.POST.get("resolved", "1") != "0")
    return redirect(reverse("library:song", args=[song.id]) + f"#comment-{comment.id}")


@require_POST
@login_required
def review_status(request: HttpRequest, song_id) -> HttpResponse:
    song, role = song_for(request, song_id)
    require_editor(role)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            "Choose draft, in review, approved or changes requested.",
            status=400,
            content_type="text/plain",
        )
    status = ReviewStatus(form.cleaned_data["status"])
    if reviews.set_status(song, status, request.user):
        messages.success(request, f"Review status: {status.label}.")
    return redirect(reverse("library:song", args=[song.id]) + "#comments")


@require_GET
@login_required
def mention_list(request: HttpRequest) -> HttpResponse:
    mentions = list(
        Mention.objects.filter(
            SongQuerySet.live_via("comment__song"),
            user=request.user,
            comment__song__workspace__memberships__user=request.user,
        )
        .select_related("comment__author", "comment__song")
        .order_by("-created_at")[:100]
    )
    return render(request, "reviews/mentions.html", {"mentions": mentions, "nav": "mentions"})


@require_POST
@login_required
def mentions_read(request: HttpRequest) -> HttpResponse:
    reviews.mark_read(request.user)
    return redirect("reviews:mention_list")
