"""Handing a stored file's bytes to someone else to send, so a slow download never holds a
request thread: the front server (X-Accel-Redirect, X-Sendfile) or the object store (a
redirect to a short-lived presigned URL). The view has checked access and chosen the type
and disposition; they travel with the hand-off (as headers the front server keeps, or as
the presigned URL's response parameters)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def offloaded(
    storage: Storage,
    name: str,
    content_type: str,
    *,
    filename: str | None,
    as_attachment: bool,
    cache_control: str = "private, no-store",
) -> HttpResponse | None:
    """The response that hands `name` off, or None when the studio sends it itself."""
    mode = settings.MEDIA_OFFLOAD
    disposition = content_disposition_header(as_attachment, filename) if filename else None
    if as_attachment and not disposition:
        disposition = "attachment"
    if mode == "presigned":
        parameters = {"ResponseContentType": content_type, "ResponseCacheControl": cache_control}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        url = storage.url(name, parameters=parameters, expire=settings.MEDIA_URL_EXPIRY_SECONDS)
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the URL expires; ask again
        return response
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_OFFLOAD_PREFIX.rstrip("/") + "/" + quote(name)
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = storage.path(name)
    else:
        return None
    if disposition:
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = cache_control
    return response
