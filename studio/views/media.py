"""Archived media, served only to members of the song's workspace, with Range support so
players can seek. Before a file is archived the provider's copy stands in, streamed through
the studio: the pages' CSP lets players load media from the studio's own origin only."""

import mimetypes
import os
from collections.abc import Iterator

import httpx
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from studio import providers
from studio.access import song_for
from studio.models import Asset
from studio.ranges import ranged_response

KINDS = {"audio": "audio/mpeg", "image": "image/png", "video": "video/mp4"}
PASSED_ON = ("Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", "ETag")


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


def stream_remote(
    request: HttpRequest, url: str, fallback_type: str, download_name: str | None
) -> HttpResponse:
    """The provider's copy, passed through with the player's Range header."""
    if not url.startswith(("https://", "http://")):
        raise Http404
    client = providers.media_client(timeout=30.0)
    headers = {"Range": request.headers["Range"]} if "Range" in request.headers else {}
    try:
        upstream = client.send(client.build_request("GET", url, headers=headers), stream=True)
    except httpx.HTTPError:
        client.close()
        return HttpResponse(
            "The file is still being copied and the music service's copy is not reachable "
            "right now; try again in a minute.",
            status=502,
            content_type="text/plain",
        )
    if upstream.status_code not in (200, 206):
        upstream.close()
        client.close()
        raise Http404("The music service no longer has this file.")

    def body() -> Iterator[bytes]:
        try:
            yield from upstream.iter_bytes(64 * 1024)
        finally:
            upstream.close()
            client.close()

    content_type = upstream.headers.get("Content-Type") or fallback_type
    response = StreamingHttpResponse(body(), status=upstream.status_code, content_type=content_type)
    for name in PASSED_ON:
        if name in upstream.headers and "Content-Encoding" not in upstream.headers:
            response[name] = upstream.headers[name]
    if download_name:
        response["Content-Disposition"] = content_disposition_header(True, download_name)
    response["Cache-Control"] = "private, no-store"
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
        name = _download_name(request, song.title, remote.split("?")[0])
        return stream_remote(request, remote, KINDS[kind], name)
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
        title = f"{song.title or 'song'} {asset.label or asset.get_kind_display()}"
        name = _download_name(request, title, asset.remote_url.split("?")[0])
        return stream_remote(request, asset.remote_url, asset.content_type or "audio/mpeg", name)
    raise Http404("This file is not ready yet.")
