"""Comments and their @mentions, read state, the counts on library cards and the review
status. Mail to mentioned members goes out after the comment is committed."""

import logging
import re
import smtplib
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from studio.models import Comment, Membership, Mention, ReviewStatus, Song, SongQuerySet
from studio.models.activity import Verb, record
from studio.models.workspaces import touch

log = logging.getLogger(__name__)
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
MAX_MENTIONS = 20


def mentioned_members(workspace_id, body: str) -> list[User]:
    """The workspace's members named as @username in the text."""
    names = {name.rstrip(".").lower() for name in MENTION.findall(body)}
    names.discard("")
    if not names:
        return []
    members = (
        Membership.objects.filter(workspace_id=workspace_id)
        .select_related("user")
        .only("user__id", "user__username", "user__email")
    )
    return [m.user for m in members if m.user.username.lower() in names][:MAX_MENTIONS]


def post_comment(
    song: Song,
    body: str,
    *,
    author: User | None = None,
    guest_name: str = "",
    at: float | None = None,
    end: float | None = None,
    parent: Comment | None = None,
    share=None,
    song_url: str = "",
) -> Comment:
    """Save a comment (a reply when `parent` is given) and mail each member it mentions."""
    if parent is not None and parent.parent_id:
        parent = parent.parent  # one level of replies: threads stay readable
    mentioned = [] if author is None else mentioned_members(song.workspace_id, body)
    mentioned = [user for user in mentioned if user.pk != getattr(author, "pk", None)]
    with transaction.atomic():
        comment = Comment.objects.create(
            song=song,
            parent=parent,
            author=author,
            guest_name=guest_name,
            share=share,
            body=body,
            at_seconds=None if parent else at,
            end_seconds=None if parent else end,
        )
        Mention.objects.bulk_create(Mention(comment=comment, user=user) for user in mentioned)
        touch(song.workspace_id)
        if mentioned:
            transaction.on_commit(lambda: _mail(comment, song, mentioned, song_url))
    return comment


def _mail(comment: Comment, song: Song, users: Iterable[User], song_url: str) -> None:
    context = {"comment": comment, "song": song, "url": f"{song_url}#comment-{comment.id}"}
    # A subject is one line: line breaks in a title would make the mail unsendable.
    title = " ".join((song.title or "Untitled").split())
    subject = f"{comment.who} mentioned you on “{title}”"
    body = render_to_string("reviews/mention_email.txt", context)
    for user in users:
        if not user.email:
            continue
        try:
            send_mail(subject, body, None, [user.email])
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("Mention mail to user %s failed: %s", user.pk, exc.__class__.__name__)


def unread_count(user: User) -> int:
    """Unread mentions on live songs of workspaces the person still belongs to."""
    return Mention.objects.filter(
        SongQuerySet.live_via("comment__song"),
        user=user,
        read_at__isnull=True,
        comment__song__workspace__memberships__user=user,
    ).count()


def mark_read(user: User, song: Song | None = None) -> int:
    mentions = Mention.objects.filter(user=user, read_at__isnull=True)
    if song is not None:
        mentions = mentions.filter(comment__song=song)
    return mentions.update(read_at=timezone.now())


def threads(song: Song, comments=None) -> list[Comment]:
    """The song's first comments, oldest first, each with `.thread` (its replies)."""
    rows = list(
        (comments if comments is not None else Comment.objects.filter(song=song))
        .select_related("author", "resolved_by")
        .order_by("created_at")
    )
    replies: dict = {}
    for row in rows:
        if row.parent_id:
            replies.setdefault(row.parent_id, []).append(row)
    heads = [row for row in rows if not row.parent_id]
    for head in heads:
        head.thread = replies.get(head.pk, [])
    return heads


def attach_counts(songs: list[Song]) -> None:
    """Each card's number of open threads, in one query for the whole page."""
    if not songs:
        return
    counts = dict(
        Comment.objects.filter(
            song_id__in=[song.pk for song in songs], parent__isnull=True, resolved_at__isnull=True
        )
        .order_by()
        .values_list("song_id")
        .annotate(n=Count("pk"))
    )
    for song in songs:
        song.open_comments = counts.get(song.pk, 0)


def set_status(song: Song, status: ReviewStatus, actor: User) -> bool:
    """False when the song had that status already (nothing recorded)."""
    changed = (
        Song.objects.filter(pk=song.pk).exclude(review_status=status).update(review_status=status)
    )
    if changed:
        song.review_status = status
        record(song.workspace, actor, Verb.REVIEW_STATUS, f"{song}: {status.label}", song)
    return bool(changed)


def resolve(comment: Comment, user: User, resolved: bool) -> None:
    if resolved:
        Comment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=user
        )
    else:
        Comment.objects.filter(pk=comment.pk).update(resolved_at=None, resolved_by=None)
    touch(comment.song.workspace_id)
