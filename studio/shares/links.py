"""Finding a share link by its token, and what a link gives access to: its one song, or
its project's live songs, and nothing else of the workspace."""

import hmac
import re
from datetime import datetime

from studio.models import Comment, Song, SongQuerySet
from studio.models.projects import ProjectSong
from studio.models.shares import ShareLink, token_digest
from studio.projects import contents as projects

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
NEW_LINK_SESSION_KEY = "new-share-link"


def keep_new_link(session, url: str, link: ShareLink, target_id) -> None:
    """The link just made, for the page it was made on to show this once: only the
    token's digest is stored."""
    session[NEW_LINK_SESSION_KEY] = {"url": url, "link": str(link.id), "target": str(target_id)}


def take_new_link(session, target_id) -> dict | None:
    """The link just made for this song or project (then forgotten), else None."""
    fresh = session.get(NEW_LINK_SESSION_KEY)
    if not fresh or fresh.get("target") != str(target_id):
        return None
    del session[NEW_LINK_SESSION_KEY]
    return fresh


def find(token: str, now: datetime) -> ShareLink | None:
    """The live link the token opens, or None (malformed, unknown, revoked or expired)."""
    if not TOKEN.match(token):
        return None
    digest = token_digest(token)
    # The lookup is by digest, so its timing says nothing about the token; the compare
    # below is constant-time all the same.
    link = (
        ShareLink.objects.filter(token_digest=digest)
        .select_related("song", "project", "workspace")
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_digest, digest):
        return None
    if not link.is_live(now):
        return None
    if link.song_id and link.song.deleted_at is not None:
        return None
    return link


def shared_songs(link: ShareLink) -> list[Song]:
    if link.song_id:
        return [link.song]
    return projects.ordered_songs(link.project)


def shared_song(link: ShareLink, song_id) -> Song | None:
    """The song, if the link shares it."""
    if link.song_id:
        return link.song if link.song_id == song_id else None
    entry = (
        ProjectSong.objects.filter(
            SongQuerySet.live_via("song"), project_id=link.project_id, song_id=song_id
        )
        .select_related("song")
        .first()
    )
    return entry.song if entry else None


def guest_comments(link: ShareLink, songs: list[Song]) -> dict:
    """Comments made through this link, by song: guests never see the team's own."""
    rows = Comment.objects.filter(share=link, song__in=songs).order_by("created_at")
    by_song: dict = {}
    for row in rows:
        by_song.setdefault(row.song_id, []).append(row)
    return by_song
