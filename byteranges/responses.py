"""File responses that honour Range requests, so audio and video players can seek.

One byte range per request (what players send); a multi-range request gets the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK = 64 * 1024
# ASCII digits, at most 18 (beyond any file size): no "²", no 4,000-digit ints.
RANGE = re.compile(r"^bytes=([0-9]{0,18})-([0-9]{0,18})$", re.ASCII)


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) inclusive for a satisfiable single range; None when the header is
    absent, malformed or multi-range (serve everything); False when unsatisfiable (416)."""
    match = RANGE.match(header.strip().replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the final N bytes
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid: ignore the header, as RFC 9110 allows
    if start >= size:
        return False
    return start, end


def _chunks(file: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def _if_range_holds(request: HttpRequest, etag: str | None, modified: float | None) -> bool:
    value = request.headers.get("If-Range")
    if not value:
        return True
    if value.startswith(('"', 'W/"')):
        return etag is not None and value == etag and not value.startswith("W/")
    when = parse_http_date_safe(value)
    return when is not None and modified is not None and int(modified) <= when


def ranged_response(
    request: HttpRequest,
    file: BinaryIO,
    size: int,
    content_type: str,
    *,
    filename: str | None = None,
    as_attachment: bool = False,
    etag: str | None = None,
    last_modified: datetime | float | None = None,
) -> HttpResponse:
    """Serve `file` (which this closes) whole (200), in part (206) or not at all (304/416)."""
    modified = last_modified.timestamp() if isinstance(last_modified, datetime) else last_modified
    if etag and not etag.startswith(('"', 'W/"')):
        etag = f'"{etag}"'

    def headers(response: HttpResponse) -> HttpResponse:
        response["Accept-Ranges"] = "bytes"
        if etag:
            response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified)
        return response

    if etag and etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        file.close()
        return headers(HttpResponse(status=304))

    span = parse_range(request.headers.get("Range", ""), size)
    if span is not None and not _if_range_holds(request, etag, modified):
        span = None
    if span is False:
        file.close()
        response = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{size}"
        return headers(response)

    start, end = span if span else (0, size - 1)
    length = max(0, end - start + 1)
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(status=206 if span else 200, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _chunks(file, start, length), status=206 if span else 200, content_type=content_type
        )
    response["Content-Length"] = str(length)
    if span:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    if filename or as_attachment:
        disposition = content_disposition_header(as_attachment, filename or "")
        if disposition:
            response["Content-Disposition"] = disposition
    return headers(response)
