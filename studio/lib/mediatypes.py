"""The media types the studio serves from its own origin, told from a file's first bytes.

Never from a name or a provider's header: a "cover" that is really HTML, SVG or script
must not run on the studio's origin. What is not recognised here is served as an
attachment of type application/octet-stream.
"""

from __future__ import annotations

from typing import BinaryIO

HEAD = 64  # bytes read to tell the type
INERT = "application/octet-stream"


def sniff(head: bytes) -> str | None:
    """The allowed media type these leading bytes start, or None."""
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return "audio/aac"  # ADTS
        if head[1] & 0xE0 == 0xE0:
            return "audio/mpeg"  # an MPEG audio frame
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:11] in (b"M4A", b"M4B") else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def sniff_file(handle: BinaryIO) -> str | None:
    """Like `sniff`, for an open file whose position is then put back to the start."""
    head = handle.read(HEAD)
    handle.seek(0)
    return sniff(head)
