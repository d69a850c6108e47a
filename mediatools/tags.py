"""Tags inside delivered files: ID3v2.4 in an MP3, RIFF INFO and an `id3 ` chunk in a WAV.

Always on a copy: bytes in, new bytes out (or a new file from a file), never the archived
original. The ID3 frames are written by mutagen; the INFO chunk, a list of NUL-terminated
strings, is written here (mutagen reads and writes only ID3 in WAV files). Text is UTF-8
in both, so any title survives (ID3v2.4 allows UTF-8; INFO readers today assume it).

mutagen loads on the first call, so the emulator, which imports mediatools, stays light.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

SONG_ID_FRAME = "PRODUCER_STUDIO_SONG_ID"  # the TXXX description that carries the song's id
SOFTWARE = "Producer Studio"
UNKNOWN_LANGUAGE = "XXX"  # ID3's code for lyrics and comments in an unstated language


class TagError(ValueError):
    """The data is not a file of the kind asked for (or of any kind tagged here)."""


@dataclass(frozen=True)
class Tags:
    title: str = ""
    artist: str = ""
    album: str = ""
    track: int | None = None  # position in the album, from 1
    track_count: int | None = None
    cover: bytes | None = None  # a JPEG or PNG image
    lyrics: str = ""
    bpm: float | None = None
    key: str = ""  # as mediatools.analysis names it: "A minor", "Eb major"
    song_id: str = ""
    comment: str = ""

    @property
    def track_text(self) -> str:
        if not self.track:
            return ""
        return f"{self.track}/{self.track_count}" if self.track_count else str(self.track)


def key_code(key: str) -> str:
    """ID3's TKEY notation: "A minor" -> "Am", "Eb major" -> "Eb"; '' for what is not a key."""
    parts = key.split()
    if len(parts) != 2 or parts[1] not in {"major", "minor"}:
        return ""
    tonic = parts[0]
    if not (1 <= len(tonic) <= 2 and tonic[0] in "ABCDEFG" and tonic[1:] in {"", "#", "b"}):
        return ""
    return tonic + ("m" if parts[1] == "minor" else "")


def image_mime(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise TagError("the cover must be a JPEG or PNG image")


def _id3_frames(tags: Tags) -> list:
    from mutagen import id3

    utf8 = id3.Encoding.UTF8
    frames = []
    for frame, value in (
        (id3.TIT2, tags.title),
        (id3.TPE1, tags.artist),
        (id3.TALB, tags.album),
        (id3.TRCK, tags.track_text),
        (id3.TBPM, str(round(tags.bpm)) if tags.bpm else ""),  # an integer by the standard
        (id3.TKEY, key_code(tags.key)),
        (id3.TSSE, SOFTWARE),
    ):
        if value:
            frames.append(frame(encoding=utf8, text=[value]))
    if tags.song_id:
        frames.append(id3.TXXX(encoding=utf8, desc=SONG_ID_FRAME, text=[tags.song_id]))
    if tags.lyrics:
        frames.append(id3.USLT(encoding=utf8, lang=UNKNOWN_LANGUAGE, desc="", text=tags.lyrics))
    if tags.comment:
        frames.append(id3.COMM(encoding=utf8, lang=UNKNOWN_LANGUAGE, desc="", text=[tags.comment]))
    if tags.cover:
        frames.append(
            id3.APIC(
                encoding=utf8,
                mime=image_mime(tags.cover),
                type=id3.PictureType.COVER_FRONT,
                desc="",
                data=tags.cover,
            )
        )
    return frames


def tag_mp3(data: bytes, tags: Tags) -> bytes:
    """A copy of an MP3 with an ID3v2.4 tag holding `tags` (and nothing of its old tags)."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3
    from mutagen.mp3 import MP3

    buffer = io.BytesIO(data)
    try:
        MP3(buffer)  # is it an MP3 at all: mutagen finds a frame or says why not
    except MutagenError as exc:
        raise TagError(f"not an MP3 file: {exc}") from exc
    frames = ID3()
    for frame in _id3_frames(tags):
        frames.add(frame)
    buffer.seek(0)
    frames.save(buffer, v2_version=4, v1=0)  # v1=0: no ID3v1, which holds only Latin-1
    return buffer.getvalue()


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The top-level (id, body) chunks of a RIFF/WAVE file; TagError when it is not one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise TagError("not a WAV file")
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        cid = data[pos : pos + 4]
        size = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if pos + 8 + size > len(data):
            if cid != b"data":
                break  # a truncated trailing chunk: dropped
            size = len(data) - pos - 8  # a streamed WAV's data runs to the end
        chunks.append((cid, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    if not any(cid == b"data" for cid, _ in chunks):
        raise TagError("not a WAV file: it has no audio data")
    return chunks


def _info_chunk(tags: Tags) -> bytes:
    body = b"INFO"
    for cid, value in (
        (b"INAM", tags.title),
        (b"IART", tags.artist),
        (b"IPRD", tags.album),
        (b"ITRK", str(tags.track) if tags.track else ""),
        (b"ICMT", tags.comment),
        (b"ISFT", SOFTWARE),
    ):
        if value:
            text = value.encode() + b"\0"
            body += cid + struct.pack("<I", len(text)) + text + b"\0" * (len(text) & 1)
    return body


def _riff(chunks: list[tuple[bytes, bytes]]) -> bytes:
    parts = [b"WAVE"]
    for cid, body in chunks:
        parts.append(cid + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1))
    payload = b"".join(parts)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def tag_wav(data: bytes, tags: Tags) -> bytes:
    """A copy of a WAV with a LIST/INFO chunk and an `id3 ` chunk (ID3v2.4) holding `tags`.

    The old INFO and ID3 chunks go; the INFO list stands before the audio, where every
    reader looks for it.
    """
    from mutagen import MutagenError
    from mutagen.wave import WAVE

    kept = [
        (cid, body)
        for cid, body in _chunks(data)
        if not (cid == b"LIST" and body[:4] == b"INFO") and cid.lower() != b"id3 "
    ]
    at = next(i for i, (cid, _) in enumerate(kept) if cid == b"data")
    kept.insert(at, (b"LIST", _info_chunk(tags)))
    buffer = io.BytesIO(_riff(kept))
    try:
        wave = WAVE(buffer)
        wave.add_tags()
        for frame in _id3_frames(tags):
            wave.tags.add(frame)
        buffer.seek(0)
        wave.save(buffer, v2_version=4)
    except MutagenError as exc:
        raise TagError(f"not a WAV file mutagen can tag: {exc}") from exc
    return buffer.getvalue()


def tagged(data: bytes, tags: Tags) -> bytes:
    """A tagged copy of an MP3 or WAV, whichever the bytes are."""
    if data[:4] == b"RIFF":
        return tag_wav(data, tags)
    return tag_mp3(data, tags)


def tag_file(source: Path, destination: Path, tags: Tags) -> None:
    """Write a tagged copy of `source` to `destination`, which must be another file."""
    source, destination = Path(source), Path(destination)
    if destination.exists() and destination.resolve() == source.resolve():
        raise TagError("the tagged copy must not overwrite the original")
    destination.write_bytes(tagged(source.read_bytes(), tags))
