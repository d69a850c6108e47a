"""Storage checked against the database: archived files missing, damaged (not the size they
were copied at, or audio that does not decode to its length) or orphaned (in storage, named
by no row); repairs go through the archive's own copy (`archive.archive_song`).

Rows are read in batches by primary key and orphans one workspace folder at a time, so a
check of a large store can stop and resume where it was (`Cursor`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import FileSystemStorage, Storage
from django.db.models import Model
from django.db.models.fields.files import FieldFile

from studio.jobs import archive
from studio.lib.mediatypes import sniff_file
from studio.models import ArchiveProblem, ArchiveStatus, Asset, AssetKind, Song

logger = logging.getLogger(__name__)

MEDIA_TOP = "ws"  # archived files live under ws/<workspace>/<random>/<name> (media_path)
# Audio this much shorter than the song's recorded length is a truncated file.
SHORT_BY_SECONDS = 1.0
PHASES = ("songs", "assets", "orphans")


@dataclass(frozen=True)
class Cursor:
    """Where a check is: the phase and the last primary key (or workspace folder) done."""

    phase: str = PHASES[0]
    after: str = ""

    @classmethod
    def parse(cls, text: str) -> Cursor:
        phase, _, after = text.partition(":")
        if phase not in PHASES:
            raise ValueError(f"A cursor starts with one of {', '.join(PHASES)}: {text!r}")
        return cls(phase, after)

    def __str__(self) -> str:
        return f"{self.phase}:{self.after}" if self.after else self.phase


@dataclass
class Problem:
    kind: str  # "missing" or "damaged"
    row: Song | Asset
    field: str
    name: str
    detail: str

    def __str__(self) -> str:
        what = "song" if isinstance(self.row, Song) else "asset"
        return f"{what} {self.row.pk} {self.field} {self.kind} ({self.detail}): {self.name}"


@dataclass
class Tally:
    rows: int = 0  # rows checked
    files: int = 0  # files they name
    present: int = 0
    bytes: int = 0  # bytes of the files present
    missing: int = 0
    damaged: int = 0
    stored: int = 0  # archived files found in storage
    orphans: int = 0
    repaired: int = 0
    gone: int = 0  # marked as gone: no link left to copy from
    waiting: int = 0  # the copy failed for another reason: the worker tries again
    sized: int = 0  # sizes noted for files archived before sizes were kept
    deleted: int = 0


def file_fields(row: Song | Asset) -> list[tuple[str, str, str]]:
    """(file field, size field, family) of each file a row can name."""
    if isinstance(row, Song):
        return [(f, s, fam) for _u, f, s, fam in archive.SONG_FILES]
    return [("file", "size", "video" if row.kind == AssetKind.VIDEO else "audio")]


def check_file(
    file: FieldFile, stored_size: int | None, family: str, seconds: float | None
) -> tuple[str | None, str, int | None]:
    """(problem or None, what is wrong, size in bytes) of one named file.

    With its size as copied, a file of another size is damaged. A file from before sizes
    were kept is read: audio must decode to (nearly) the song's length, anything else
    must start as a known media type."""
    storage = file.storage
    if not storage.exists(file.name):
        return "missing", "not in storage", None
    size = storage.size(file.name)
    if stored_size is not None:
        if size != stored_size:
            return "damaged", f"{size} bytes, {stored_size} when copied", size
        return None, "", size
    if size == 0:
        return "damaged", "empty", size
    with file.open("rb") as handle:
        if family != "audio":
            return (None, "", size) if sniff_file(handle) else ("damaged", "unknown type", size)
        data = handle.read()
    try:
        _samples, decoded = archive.decode(data)
    except archive.ArchiveError as exc:
        return "damaged", str(exc).rstrip("."), size
    if seconds and decoded < seconds - SHORT_BY_SECONDS:
        return "damaged", f"{decoded:.1f} s of {seconds:.1f} s", size
    return None, "", size


def check_row(row: Song | Asset, tally: Tally) -> tuple[list[Problem], dict[str, int]]:
    """The row's problems, and the sizes of its sound files that were not noted yet."""
    problems, sizes = [], {}
    seconds = row.duration if isinstance(row, Song) else None
    for field, size_field, family in file_fields(row):
        file = getattr(row, field)
        if not file:
            continue
        tally.files += 1
        stored = getattr(row, size_field)
        try:
            kind, detail, size = check_file(file, stored, family, seconds)
        except OSError as exc:  # unreadable counts as damaged; the check goes on
            kind, detail, size = "damaged", f"unreadable: {exc}", None
        if size is not None and kind != "missing":
            tally.present += 1
            tally.bytes += size
        if kind is None:
            if stored is None and size is not None:
                sizes[size_field] = size
            continue
        setattr(tally, kind, getattr(tally, kind) + 1)
        problems.append(Problem(kind, row, field, file.name, detail))
    return problems, sizes


def rows(model: type[Song] | type[Asset], after: str, batch: int) -> Iterator[list[Model]]:
    """Rows that name files, in batches by primary key after `after`; copies under way
    (pending) are the worker's and left alone."""
    query = model.objects.exclude(archive_status=ArchiveStatus.PENDING).order_by("pk")
    if model is Asset:
        query = query.exclude(file="")
    while True:
        page = list((query.filter(pk__gt=after) if after else query)[:batch])
        if not page:
            return
        yield page
        after = str(page[-1].pk)


def repair(row: Song | Asset, problems: list[Problem]) -> str:
    """Copy the row's lost files again from the provider's link, through the archive's
    copy: "repaired", "gone" (no link serves it: the row now says so) or "waiting" (the
    copy failed for another reason; the worker's sweep tries again with backoff)."""
    model = type(row)
    again = [p.field for p in problems if p.kind == "damaged"]
    model.objects.filter(pk=row.pk).exclude(archive_status=ArchiveStatus.PENDING).update(
        archive_status=ArchiveStatus.PENDING,
        archive_attempts=0,
        archive_error="",
        archive_problem=ArchiveProblem.NONE,
        archive_next_at=None,
    )
    copy = archive.archive_song if model is Song else archive.archive_asset
    # A 404 is taken as final once confirmed, as archiving does: at most two attempts.
    for _attempt in range(2):
        if copy(row.pk, again=again):
            return "repaired"
        row.refresh_from_db()
        if row.archive_problem != ArchiveProblem.MISSING:
            break
        if row.archive_status == ArchiveStatus.FAILED:
            return "gone"
    return "waiting"


# Orphans.


def walk(storage: Storage, top: str) -> Iterator[str]:
    """Every file under a folder of the storage, as names the storage takes."""
    try:
        folders, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{top}/{name}"
    for folder in sorted(folders):
        yield from walk(storage, f"{top}/{folder}")


def named_in(workspace: str) -> set[str]:
    """The files a workspace's rows name."""
    try:
        workspace_id = uuid.UUID(workspace)
    except ValueError:
        return set()  # not a workspace's folder: nothing names what is in it
    names: set[str] = set()
    for files in Song.objects.filter(workspace_id=workspace_id).values_list(
        "audio_file", "image_file", "video_file"
    ):
        names.update(name for name in files if name)
    names.update(
        Asset.objects.filter(workspace_id=workspace_id)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    return names


def workspace_folders(storage: Storage, after: str) -> list[str]:
    try:
        folders, _files = storage.listdir(MEDIA_TOP)
    except FileNotFoundError:
        return []
    return sorted(folder for folder in folders if folder > after)


def orphans(storage: Storage, workspace: str) -> tuple[int, list[str]]:
    """How many files one workspace's folder holds, and those no row names."""
    named = named_in(workspace)
    found = list(walk(storage, f"{MEDIA_TOP}/{workspace}"))
    return len(found), [name for name in found if name not in named]


def delete_orphan(storage: Storage, name: str, older_than: datetime) -> bool:
    """Remove an orphan last written before `older_than` (a younger one may be a copy
    whose row is being written). True when it went."""
    try:
        if storage.get_modified_time(name) >= older_than:
            return False
        storage.delete(name)
    except FileNotFoundError:
        return False
    if isinstance(storage, FileSystemStorage):
        # Each copy has a folder of its own: leave no empty ones behind.
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(storage.path(name)))
    return True
