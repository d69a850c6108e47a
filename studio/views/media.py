"""Archived media, served only to members of the song's workspace, with Range support so
players can seek. Before a file is archived the provider's URL stands in."""

import mimetypes
import os

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from studio.access import song_for
from studio.models import Asset
from studio.ranges import ranged_response

KINDS = {"audio": "audio/mpeg", "image": "image/png", "video": "video/mp4"}


def serve_file(
    request: HttpRequest, file: FieldFile, fallback_type: str, download_name: str | None
) -> HttpResponse:
    content_type = mimetypes.guess_type(file.name)[0] or fallback_type
    try:
        handle = file.open("rb")
        size = file.size
    except (FileNotFoundError, OSError):
        raise Http404("The archived file is missing.") from None
    response = ranged_response(
        request,
        handle,
        size,
        content_type,
        filename=download_name,
        as_attachment=download_name is not None,
        etag=f'"{os.path.basename(file.name)}-{size}"',
    )
    # Archived files never change under their name; only members may cache them.
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _download_name(request: HttpRequest, title: str, file_name: str) -> str | None:
    if request.GET.get("download") != "1":
        return None
    ext = os.path.splitext(file_name)[1] or ".bin"
    return f"{slugify(title) or 'song'}{ext}"


@require_safe
@login_required
def song_media(request: HttpRequest, song_id, kind: str) -> HttpResponse:
    song, _role = song_for(request, song_id)
    if kind not in KINDS:
        raise Http404
    file: FieldFile = getattr(song, f"{kind}_file")
    if file:
        name = _download_name(request, song.title, file.name)
        return serve_file(request, file, KINDS[kind], name)
    remote = getattr(song, f"{kind}_url")
    if remote:
        return redirect(remote)
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
        name = _download_name(request, title, asset.file.name)
        return serve_file(request, asset.file, asset.content_type or "audio/mpeg", name)
    if asset.remote_url:
        return redirect(asset.remote_url)
    raise Http404("This file is not ready yet.")
