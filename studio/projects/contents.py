"""Changing projects: adding, removing and ordering their songs, and what a project's zip
holds. Positions stay 0..n-1 after every change, so "up" and "down" are plain swaps."""

import os
from collections.abc import Iterator
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import ngettext

from studio.lib import filenames
from studio.models import Song, SongQuerySet
from studio.models.projects import Project, ProjectSong
from studio.models.workspaces import touch

MAX_SONGS = 500  # per project: a release or a game level, not a second library


class ProjectFull(Exception):
    pass


def ordered_songs(project: Project) -> list[Song]:
    """The project's songs in play order, deleted ones left out (they come back on restore)."""
    entries = (
        ProjectSong.objects.filter(SongQuerySet.live_via("song"), project=project)
        .select_related("song")
        .order_by("position", "added_at")
    )
    return [entry.song for entry in entries]


def trashed_songs(project: Project) -> list[Song]:
    """The project's songs that are in the trash: the team sees them as removed (they come
    back in place when restored)."""
    entries = (
        ProjectSong.objects.filter(project=project)
        .exclude(SongQuerySet.live_via("song"))
        .select_related("song")
        .order_by("position", "added_at")
    )
    return [entry.song for entry in entries]


def withdrawn_count(project: Project) -> int:
    """How many of the project's songs are in the trash: a guest is told some were
    withdrawn, and nothing more about them."""
    return (
        ProjectSong.objects.filter(project=project).exclude(SongQuerySet.live_via("song")).count()
    )


def add_song(project: Project, song: Song) -> bool:
    """Append the song; False when it was there already."""
    with transaction.atomic():
        # The project row is the lock that keeps two concurrent adds off one position.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        entries = ProjectSong.objects.filter(project=project)
        if entries.filter(song=song).exists():
            return False
        if entries.count() >= MAX_SONGS:
            raise ProjectFull(f"A project holds at most {MAX_SONGS} songs.")
        last = entries.aggregate(last=Max("position"))["last"]
        try:
            with transaction.atomic():
                ProjectSong.objects.create(
                    project=project, song=song, position=0 if last is None else last + 1
                )
        except IntegrityError:
            return False
        touch(project.workspace_id)
    return True


def remove_song(project: Project, song_id) -> bool:
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        deleted, _ = ProjectSong.objects.filter(project=project, song_id=song_id).delete()
        if deleted:
            _renumber(project, list(_order(project)))
            touch(project.workspace_id)
    return bool(deleted)


def _order(project: Project) -> list:
    """The live songs' ids in play order: what the project's page shows and a drag sends."""
    return list(
        ProjectSong.objects.filter(SongQuerySet.live_via("song"), project=project)
        .order_by("position", "added_at")
        .values_list("song_id", flat=True)
    )


def _renumber(project: Project, song_ids: list) -> None:
    """Number the given songs 0, 1, 2 ...; songs in the trash keep their turn after them."""
    entries = {e.song_id: e for e in ProjectSong.objects.filter(project=project)}
    rest = sorted(
        (e for e in entries.values() if e.song_id not in set(song_ids)),
        key=lambda e: (e.position, e.added_at),
    )
    song_ids = [*song_ids, *(e.song_id for e in rest)]
    changed = []
    for position, song_id in enumerate(song_ids):
        entry = entries[song_id]
        if entry.position != position:
            entry.position = position
            changed.append(entry)
    ProjectSong.objects.bulk_update(changed, ["position"])


def move_song(project: Project, song_id, step: int) -> bool:
    """Move one song up (-1) or down (+1); False at either end or when it is not there."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        order = _order(project)
        if song_id not in order:
            return False
        index = order.index(song_id)
        target = index + step
        if not 0 <= target < len(order):
            return False
        order[index], order[target] = order[target], order[index]
        _renumber(project, order)
    return True


def reorder(project: Project, song_ids: list) -> bool:
    """Put the songs in the given order (what a drag sends). The list must hold exactly
    the project's songs: a page left open while someone else changed it gets False."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        order = _order(project)
        if len(song_ids) != len(order) or set(song_ids) != set(order):
            return False
        _renumber(project, song_ids)
    return True


def _file_name(number: int, song: Song, stored_name: str) -> str:
    ext = os.path.splitext(stored_name)[1] or ".mp3"
    return f"{number:02d} {filenames.file_name(song.title, ext)}"


def zip_entries(
    project: Project, songs: list[Song], withdrawn: int = 0
) -> Iterator[tuple[str, BinaryIO | bytes]]:
    """The archived audio of each song, numbered in play order, and a note naming the songs
    whose files are not in the studio's storage (yet) and saying how many were withdrawn."""
    missing, names = [], filenames.UniqueNames()
    for number, song in enumerate(songs, start=1):
        if not song.audio_file:
            missing.append(f"{number:02d} {song.title or 'Untitled'}: not copied to the studio yet")
            continue
        try:
            handle = song.audio_file.open("rb")
        except OSError:
            missing.append(f"{number:02d} {song.title or 'Untitled'}: the archived file is missing")
            continue
        yield names.add(_file_name(number, song, song.audio_file.name)), handle
    if withdrawn:
        missing.append(
            ngettext(
                "%(n)d song was withdrawn from the project (moved to the trash).",
                "%(n)d songs were withdrawn from the project (moved to the trash).",
                withdrawn,
            )
            % {"n": withdrawn}
        )
    if missing:
        note = "These songs of the project are not in this download:\n" + "\n".join(missing)
        yield names.add("MISSING.txt"), (note + "\n").encode()
