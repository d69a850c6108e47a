"""Song families: every song keeps its root, so one query loads the whole tree."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class Branch:
    """One song of a family drawn as a tree: how deep it sits, and for the connectors,
    whether it is its parent's last child and which ancestor levels still go on below."""

    song: Song
    depth: int
    last: bool = True
    open_levels: tuple[bool, ...] = ()


def walk(song: Song, songs: list[Song] | None = None, limit: int = 500) -> list[Branch]:
    """Every song made from this one, directly or not, depth first (each under its
    parent), oldest first among siblings; the song itself is not included."""
    members = songs if songs is not None else family(song)
    children: dict = {}
    for member in members:
        children.setdefault(member.parent_id, []).append(member)
    found: list[Branch] = []
    seen = {song.pk}

    def kids(parent_id) -> list[Song]:
        return [child for child in children.get(parent_id, []) if child.pk not in seen]

    first = kids(song.pk)
    stack = [(child, 1, n == len(first) - 1, ()) for n, child in reversed(list(enumerate(first)))]
    while stack and len(found) < limit:
        member, depth, last, levels = stack.pop()
        if member.pk in seen:
            continue
        seen.add(member.pk)
        found.append(Branch(member, depth, last, levels))
        below = kids(member.pk)
        inner = (*levels, not last)
        stack.extend(
            (child, depth + 1, n == len(below) - 1, inner)
            for n, child in reversed(list(enumerate(below)))
        )
    return found


def descendants(song: Song, songs: list[Song] | None = None) -> list[Song]:
    """Every song made from this one, directly or not, depth first."""
    return [branch.song for branch in walk(song, songs)]
