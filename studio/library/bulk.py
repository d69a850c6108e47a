"""Many songs at once: trash, restore, review status and projects for a selection, each in
a fixed number of queries however many songs are chosen."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max

from studio.lib import filenames
from studio.library import trash
from studio.models import ReviewStatus, Song, Workspace
from studio.models.activity import ActivityEvent, Verb
from studio.models.projects import Project, ProjectSong
from studio.projects.contents import MAX_SONGS, ProjectFull

MAX_CHOSEN = 200  # the trash page lists at most this many songs (a library page, 24)
UNDO_SESSION_KEY = "library-undo"  # the songs the last bulk trash moved, for its Undo


def _record(workspace: Workspace, actor: User, verb: Verb, songs: Iterable[Song], note="") -> None:
    ActivityEvent.objects.bulk_create(
        ActivityEvent(
            workspace=workspace,
            actor=actor,
            verb=verb,
            subject=(f"{song}: {note}" if note else str(song))[:200],
            song=song,
        )
        for song in songs
    )


def trash_many(workspace: Workspace, actor: User, songs: list[Song], now: datetime) -> list:
    """Move the live ones to the trash; returns the ids moved (for an undo)."""
    live = [song for song in songs if song.deleted_at is None]
    ids = [song.pk for song in live]
    Song.objects.live().filter(pk__in=ids).update(deleted_at=now)
    _record(workspace, actor, Verb.SONG_DELETED, live)
    return ids


def restore_many(workspace: Workspace, actor: User, songs: list[Song], now: datetime) -> int:
    """Back in the library: those still within the trash's keeping time."""
    back = [s for s in songs if s.deleted_at is not None and s.deleted_at >= trash.cutoff(now)]
    Song.objects.filter(pk__in=[s.pk for s in back]).update(deleted_at=None)
    _record(workspace, actor, Verb.SONG_RESTORED, back)
    return len(back)


def set_status_many(
    workspace: Workspace, actor: User, songs: list[Song], status: ReviewStatus
) -> int:
    changed = [song for song in songs if song.review_status != status]
    Song.objects.filter(pk__in=[s.pk for s in changed]).update(review_status=status)
    _record(workspace, actor, Verb.REVIEW_STATUS, changed, str(status.label))
    return len(changed)


def add_many(project: Project, songs: list[Song]) -> int:
    """Append the songs the project does not hold yet, in the order given; returns how many."""
    with transaction.atomic():
        # The project row is the lock that keeps two concurrent adds off one position.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        entries = ProjectSong.objects.filter(project=project)
        held = set(entries.values_list("song_id", flat=True))
        new = [song for song in songs if song.pk not in held]
        if len(held) + len(new) > MAX_SONGS:
            raise ProjectFull(f"A project holds at most {MAX_SONGS} songs.")
        last = entries.aggregate(last=Max("position"))["last"]
        start = 0 if last is None else last + 1
        try:
            with transaction.atomic():
                ProjectSong.objects.bulk_create(
                    ProjectSong(project=project, song=song, position=start + n)
                    for n, song in enumerate(new)
                )
        except IntegrityError:  # someone added one of them meanwhile
            return 0
    return len(new)


def zip_entries(songs: list[Song]) -> Iterator[tuple[str, BinaryIO | bytes]]:
    """The archived audio of each song under its title, and a note naming those whose files
    are not in the studio's storage (yet)."""
    missing, names = [], filenames.UniqueNames()
    for song in songs:
        title = song.title or "Untitled"
        if not song.audio_file:
            missing.append(f"{title}: not copied to the studio yet")
            continue
        try:
            handle = song.audio_file.open("rb")
        except OSError:
            missing.append(f"{title}: the archived file is missing")
            continue
        ext = os.path.splitext(song.audio_file.name)[1] or ".mp3"
        yield names.add(filenames.file_name(song.title, ext)), handle
    if missing:
        note = "These songs are not in this download:\n" + "\n".join(missing)
        yield names.add("MISSING.txt"), (note + "\n").encode()
