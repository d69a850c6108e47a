"""Archived media, served only to members of the song's workspace, with Range support so
players can seek.

Files are served inert: the media type comes from the bytes the studio holds (an
allow-list, `studio.mediatypes`), never from a name or the provider, with `nosniff` and a
sandboxing CSP; anything else is an attachment of type application/octet-stream. Until a
file is archived nothing is served: the provider's copy is never streamed or redirected to
(its type and bytes are not ours to vouch for, and every play would be a fetch on the
viewer's behalf); archiving runs on its own queue, so the wait is short.

An MP3 or WAV asked for as a download (?download=1) is a tagged copy (studio.library.delivery):
title, artist, cover, lyrics, tempo, key and the song's id, and with ?project=<id> the
project as album and the song's place in it as track number. The archived file is only read.
"""

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from studio.library.files import (
    KINDS,
    MEMBERS_CACHE,
    FileMissing,
    download_name_of,
    file_missing,
    not_archived,
    serve_file,
    tagged_download,
)
from studio.models import ArchiveProblem, Asset
from studio.workspaces.access import song_for


@require_safe
@login_required
def song_media(request: HttpRequest, song_id, kind: str) -> HttpResponse:
    song, _role = song_for(request, song_id)
    if kind not in KINDS:
        raise Http404
    file: FieldFile = getattr(song, f"{kind}_file")
    if file:
        name = download_name_of(request, song.title, file.name)
        try:
            if name is not None and kind == "audio":
                return tagged_download(request, file, name, song)
            return serve_file(request, file, name, cache_control=MEMBERS_CACHE)
        except FileMissing:
            return file_missing(request, song, song)
    if getattr(song, f"{kind}_url"):
        if song.archive_problem == ArchiveProblem.MISSING:
            return file_missing(request, song, song)
        return not_archived(f"song's {kind}", song.archive_status, song.archive_error)
    raise Http404(f"This song has no {kind}.")


@require_safe
@login_required
def asset_media(request: HttpRequest, asset_id) -> HttpResponse:
    asset = Asset.objects.filter(pk=asset_id).only("song_id").first()
    if asset is None:
        raise Http404
    song, _role = song_for(request, asset.song_id)
    asset = Asset.objects.get(pk=asset_id)
    if asset.file:
        title = f"{song.title or 'song'} {asset.label or asset.get_kind_display()}"
        name = download_name_of(request, title, asset.file.name)
        try:
            if name is not None and asset.kind != "video":
                label = asset.label or asset.get_kind_display()
                tag_title = (
                    f"{song.title or _('Untitled')} ({label})" if asset.kind == "stem" else ""
                )
                return tagged_download(request, asset.file, name, song, tag_title)
            return serve_file(request, asset.file, name, cache_control=MEMBERS_CACHE)
        except FileMissing:
            return file_missing(request, asset, song)
    if asset.remote_url:
        if asset.gone:
            return file_missing(request, asset, song)
        return not_archived("file", asset.archive_status, asset.archive_error)
    raise Http404("This file is not ready yet.")
