"""Song families: every song keeps its root, so one query loads the whole tree."""

from __future__ import annotations

from django.db.models import Q

from studio.models import Song


def family(song: Song) -> list[Song]:
    """The root and every song made from it, deleted ones included, oldest first."""
    root_id = song.root_id or song.pk
    return list(
        Song.objects.filter(Q(root_id=root_id) | Q(pk=root_id) | Q(pk=song.pk)).order_by(
            "created_at", "pk"
        )
    )


def ancestors(song: Song, songs: list[Song] | None = None) -> list[Song]:
    """From the root down to the song's parent (empty for a root)."""
    by_id = {s.pk: s for s in (songs if songs is not None else family(song))}
    chain: list[Song] = []
    seen = {song.pk}
    parent_id = song.parent_id
    while parent_id and parent_id in by_id and parent_id not in seen:
        seen.add(parent_id)
        chain.append(by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    return chain[::-1]


def descendants(song: Song, songs: list[Song] | None = None) -> list[Song]:
    """Every song made from this one, directly or not, breadth first, oldest first."""
    members = songs if songs is not None else family(song)
    children: dict = {}
    for member in members:
        children.setdefault(member.parent_id, []).append(member)
    found: list[Song] = []
    seen = {song.pk}
    queue = [song.pk]
    while queue:
        for child in children.get(queue.pop(0), []):
            if child.pk not in seen:
                seen.add(child.pk)
                found.append(child)
                queue.append(child.pk)
    return found
