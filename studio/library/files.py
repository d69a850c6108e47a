"""Serving stored files: inert, by range or offloaded to the front server, tagged copies
for downloads, and the readable answers for a file not (or no longer) there."""

from __future__ import annotations

import os
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from byteranges import ranged_response
from studio.jobs import archive
from studio.lib.filenames import content_disposition, file_name
from studio.lib.mediatypes import INERT, sniff_file
from studio.lib.offload import offloaded
from studio.library import delivery
from studio.models import ArchiveProblem, ArchiveStatus, Asset, Song
from studio.models.projects import Project
from studio.projects import contents as projects

KINDS = ("audio", "image", "video")


# Media files never need to run anything, even when opened on their own.
FILE_CSP = "default-src 'none'; sandbox"


class FileMissing(Http404):
    """The row names an archived file that storage does not hold."""


def inert(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def serve_file(
    request: HttpRequest,
    file: FieldFile | None,
    download_name: str | None,
    *,
    handle=None,
    stored_name: str = "",
    cache_control: str = "private, no-store",
    own_type: str = "",
    ascii_fallback: str = "song",
) -> HttpResponse:
    """A stored file (or an open `handle` of the default storage's `stored_name`) with its
    sniffed type; unknown types only as a download. The front server or the object store
    sends the bytes when MEDIA_OFFLOAD says so (studio/lib/offload.py). `own_type` is for
    files the studio made itself (zips): their type is known, not sniffed. `download_name`
    is any script's: the header carries it in UTF-8 too."""
    try:
        handle = handle or file.open("rb")
        size = handle.size
        content_type = own_type or sniff_file(handle)
    except (FileNotFoundError, OSError):
        raise FileMissing("The archived file is missing.") from None
    name = os.path.basename(handle.name or "file")
    filename = download_name or (name if content_type is None else None)
    as_attachment = download_name is not None or content_type is None
    storage = file.storage if file is not None else default_storage
    handed_off = offloaded(
        storage,
        file.name if file is not None else stored_name,
        content_type or INERT,
        filename=filename,
        as_attachment=as_attachment,
        cache_control=cache_control,
    )
    if handed_off is not None:
        handle.close()
        if download_name and "Content-Disposition" in handed_off:
            handed_off["Content-Disposition"] = content_disposition(download_name, ascii_fallback)
        return inert(handed_off)
    response = ranged_response(
        request,
        handle,
        size,
        content_type or INERT,
        filename=filename,
        as_attachment=as_attachment,
        etag=f'"{name}-{size}"',
    )
    response["Cache-Control"] = cache_control
    if download_name and "Content-Disposition" in response:  # not on a 304 or a 416
        response["Content-Disposition"] = content_disposition(download_name, ascii_fallback)
    return inert(response)


def not_archived(what: str, status: str, error: str) -> HttpResponse:
    """404 with the reason: still copying, or the copy failed (and why)."""
    if status == ArchiveStatus.FAILED:
        message = f"This {what} could not be copied into the studio: {error}"
    else:
        message = f"This {what} is still being copied into the studio; try again in a moment."
    return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")


def file_missing(request: HttpRequest, row: Song | Asset, song: Song) -> HttpResponse:
    """A readable 404 for an archived file storage has lost. While the provider's link may
    still serve it, a copy is queued (once: `retry_archiving` moves the row only from
    archived to copying); a file no link can give back is said to be gone."""
    gone = row.archive_problem == ArchiveProblem.MISSING
    copying = not gone and (
        row.archive_status == ArchiveStatus.PENDING or archive.retry_archiving(row)
    )
    context = {"song": song, "gone": gone, "copying": copying}
    return render(request, "library/file_missing.html", context, status=404)


def download_name_of(request: HttpRequest, title: str, stored_name: str) -> str | None:
    """The name a download is saved as: the song's title as written, the stored file's
    extension; None when the file is not asked for as a download."""
    if request.GET.get("download") != "1":
        return None
    return file_name(title, os.path.splitext(stored_name)[1] or ".bin", fallback="song")


# Archived files never change under their name; only members may cache them.
MEMBERS_CACHE = "private, max-age=86400"


TAGGED_TYPES = ("audio/mpeg", "audio/wav")  # what mediatools.tags writes into


def _album(request: HttpRequest, song: Song) -> tuple[str, int | None, int | None]:
    """The album, track number and track count of a download from a project (?project=),
    ('', None, None) without one. 404 when the project is not one of the song's workspace
    or does not hold the song."""
    project_id = request.GET.get("project", "")
    if not project_id:
        return "", None, None
    try:
        project_id = uuid.UUID(project_id)
    except ValueError:
        raise Http404(_("There is no such project.")) from None
    project = Project.objects.filter(pk=project_id, workspace_id=song.workspace_id).first()
    if project is None:
        raise Http404(_("There is no such project."))
    order = [s.pk for s in projects.ordered_songs(project)]
    if song.pk not in order:
        raise Http404(_("This song is not in that project."))
    return project.name, order.index(song.pk) + 1, len(order)


def tagged_download(
    request: HttpRequest,
    file: FieldFile,
    name: str,
    song: Song,
    title: str = "",
    album: tuple[str, int | None, int | None] | None = None,
) -> HttpResponse:
    """The file as a download, tagged when it is an MP3 or WAV (else as stored). `album`:
    the project, track and track count; None reads them from ?project= (members only)."""
    try:
        handle = file.open("rb")
        content_type = sniff_file(handle)
        if content_type not in TAGGED_TYPES:
            return serve_file(request, file, name, handle=handle)
        data = handle.read()
        handle.close()
    except (FileNotFoundError, OSError):
        raise Http404("The archived file is missing.") from None
    album, track, count = album if album is not None else _album(request, song)
    tags = delivery.tags_for(
        song, song.workspace, album=album, track=track, track_count=count, title=title
    )
    copy = ContentFile(delivery.tagged_copy(data, tags), name=os.path.basename(file.name))
    response = serve_file(request, None, name, handle=copy)
    response["Cache-Control"] = "private, no-cache"  # the tags follow the song's edits
    return response
