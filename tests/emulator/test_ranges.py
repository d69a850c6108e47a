"""studio.ranges: whole files, byte ranges, suffix ranges, 416, conditional requests."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory

from byteranges import parse_range, ranged_response

DATA = bytes(range(256)) * 40  # 10240 bytes
SIZE = len(DATA)


def serve(headers: dict | None = None, method: str = "get", **kwargs):
    request = getattr(RequestFactory(), method)("/f", headers=headers or {})
    return ranged_response(request, io.BytesIO(DATA), SIZE, "audio/mpeg", **kwargs)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, SIZE - 1)),
        ("bytes=-100", (SIZE - 100, SIZE - 1)),
        ("bytes=-99999", (0, SIZE - 1)),
        ("bytes=10-99999", (10, SIZE - 1)),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=9-3", None),
        (f"bytes={SIZE}-", False),
        ("bytes=-0", False),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, SIZE) == expected


def test_whole_file():
    response = serve()
    assert response.status_code == 200
    assert body(response) == DATA
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"


def test_range_gives_206_with_the_right_bytes():
    response = serve({"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert body(response) == DATA[1000:2000]
    assert response["Content-Range"] == f"bytes 1000-1999/{SIZE}"
    assert response["Content-Length"] == "1000"
    tail = serve({"Range": "bytes=-10"})
    assert body(tail) == DATA[-10:]
    assert tail["Content-Range"] == f"bytes {SIZE - 10}-{SIZE - 1}/{SIZE}"


def test_unsatisfiable_range_is_416():
    response = serve({"Range": f"bytes={SIZE + 5}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


def test_head_has_headers_and_no_body():
    response = serve({"Range": "bytes=0-9"}, method="head")
    assert response.status_code == 206
    assert response.content == b""
    assert response["Content-Length"] == "10"


def test_etag_if_none_match_and_if_range():
    assert serve(etag="abc")["ETag"] == '"abc"'
    assert serve({"If-None-Match": '"abc"'}, etag="abc").status_code == 304
    stale = serve({"Range": "bytes=0-9", "If-Range": '"old"'}, etag="abc")
    assert stale.status_code == 200
    assert body(stale) == DATA
    fresh = serve({"Range": "bytes=0-9", "If-Range": '"abc"'}, etag="abc")
    assert fresh.status_code == 206


def test_attachment_and_last_modified():
    response = serve(filename="My Song.mp3", as_attachment=True, last_modified=0.0)
    assert response["Content-Disposition"] == 'attachment; filename="My Song.mp3"'
    assert response["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"
