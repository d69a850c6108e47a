"""What the song page's review panel needs: threads, markers, the comment form and who
can be mentioned."""

from __future__ import annotations

from django.http import HttpRequest

from studio.models import Comment, Membership, ReviewStatus, Role, Song
from studio.reviews import comments as reviews
from studio.reviews.forms import CommentForm


def review_context(
    request: HttpRequest,
    song: Song,
    role: Role,
    comment_form: CommentForm | None = None,
    comment_parent: Comment | None = None,
) -> dict:
    """What the song page's review panel and waveform markers need; opening the page
    reads the caller's mentions on it. A comment that was refused comes back in
    `comment_form` (with `comment_parent` when it was a reply), its errors shown."""
    reviews.mark_read(request.user, song)
    heads = reviews.threads(song)
    return {
        "threads": heads,
        "timed_comments": [c for c in heads if c.is_timed and not c.resolved_at],
        "comment_form": comment_form or CommentForm(duration=song.duration),
        "comment_parent": comment_parent,
        # Who an @mention can name: the workspace's members, offered as one types.
        "mentionable": list(
            Membership.objects.filter(workspace_id=song.workspace_id)
            .order_by("user__username")
            .values_list("user__username", flat=True)
        ),
        "review_statuses": ReviewStatus.choices,
    }
