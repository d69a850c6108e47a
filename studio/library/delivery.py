"""Files as they are delivered: tags written into the copy served, never the archived file.

Every MP3 a member downloads carries ID3v2.4 tags and every WAV the RIFF INFO list and an
`id3 ` chunk (mediatools.tags): title, artist (the workspace's artist name, else its name),
album and track number when downloaded from a project, cover, lyrics, BPM, key and the
song's id, so a file found in a folder a year later still says what it is.
"""

from __future__ import annotations

import logging

from mediatools.tags import TagError, Tags, image_mime, tagged
from studio.models import Song, Workspace

logger = logging.getLogger(__name__)

MAX_COVER_BYTES = 8 * 1024 * 1024  # a larger image is left out of the tags, not the file


def artist(workspace: Workspace) -> str:
    return workspace.artist_name or workspace.name


def cover_of(song: Song) -> bytes | None:
    """The song's archived cover when it is a JPEG or PNG (what ID3 readers show)."""
    if not song.image_file:
        return None
    try:
        if song.image_file.size > MAX_COVER_BYTES:
            return None
        with song.image_file.open("rb") as handle:
            data = handle.read()
        image_mime(data)
    except (OSError, TagError):
        return None
    return data


def tags_for(
    song: Song,
    workspace: Workspace,
    *,
    album: str = "",
    track: int | None = None,
    track_count: int | None = None,
    cover: bytes | None = None,
    title: str = "",
) -> Tags:
    return Tags(
        title=title or song.title or "Untitled",
        artist=artist(workspace),
        album=album,
        track=track,
        track_count=track_count,
        cover=cover if cover is not None else cover_of(song),
        lyrics=song.lyrics,
        bpm=song.bpm,
        key=song.key,
        song_id=str(song.pk),
    )


def tagged_copy(data: bytes, tags: Tags) -> bytes:
    """`data` with `tags` written in when it is an MP3 or WAV; as it is otherwise (a file
    mutagen cannot read is still the member's to download)."""
    try:
        return tagged(data, tags)
    except TagError as exc:
        logger.warning("Song %s was served without tags: %s", tags.song_id, exc)
        return data
