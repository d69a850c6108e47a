"""A project as a release package: what a label expects to receive for each song.

For every song in play order: a tagged WAV and MP3 (album = the project, track n/N), its
stems where they were made, its cover, its lyrics as text; and for the whole a manifest,
as CSV and as JSON, with title, duration, tempo, key, loudness, an ISRC column to fill in
and the song's lineage. A WAV the provider made is delivered as it is; otherwise the WAV is
the archived MP3 decoded (16-bit, 44.1 kHz), and the manifest says which. Songs rendered
at -14 LUFS (studio.projects.normalise) add that copy, and its measurement to the manifest.

Entries are made as the zip streams, one song at a time, so memory holds one song's files.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

import mediatools
from mediatools.tags import image_mime
from studio.lib import filenames
from studio.lib.mediatypes import sniff
from studio.library import delivery
from studio.models import ArchiveStatus, Asset, AssetKind, LoudnessRender, Song
from studio.models.projects import Project
from studio.projects.normalise import renders_of

logger = logging.getLogger(__name__)

WAV_RATE = 44100
MANIFEST_FIELDS = (
    "track",
    "title",
    "duration_seconds",
    "bpm",
    "key",
    "lufs",
    "true_peak_dbtp",
    "isrc",
    "mp3",
    "wav",
    "wav_source",
    "stems",
    "cover",
    "lyrics",
    "normalised_wav",
    "normalised_gain_db",
    "normalised_lufs",
    "normalised_true_peak_dbtp",
    "song_id",
    "relation",
    "parent_id",
    "root_id",
    "lineage",
)


@dataclass
class Row:
    """One song's line of the manifest, filled in as its files are written."""

    track: int
    song: Song
    lineage: str
    files: dict[str, str] = field(default_factory=dict)
    stems: list[str] = field(default_factory=list)
    wav_source: str = ""
    render: LoudnessRender | None = None

    def as_dict(self) -> dict:
        song = self.song
        return {
            "track": self.track,
            "title": song.title or "Untitled",
            "duration_seconds": round(song.duration, 3) if song.duration else None,
            "bpm": song.bpm,
            "key": song.key,
            "lufs": song.lufs,
            "true_peak_dbtp": song.true_peak,
            "isrc": "",  # assigned by the label or distributor; filled in by hand
            "mp3": self.files.get("mp3", ""),
            "wav": self.files.get("wav", ""),
            "wav_source": self.wav_source,
            "stems": self.stems,
            "cover": self.files.get("cover", ""),
            "lyrics": self.files.get("lyrics", ""),
            # The -14 LUFS copy (rendered on request), as measured once written.
            "normalised_wav": self.files.get("normalised", ""),
            "normalised_gain_db": self.render.gain if self.render else None,
            "normalised_lufs": self.render.lufs if self.render else None,
            "normalised_true_peak_dbtp": self.render.true_peak if self.render else None,
            "song_id": str(song.pk),
            "relation": song.relation,
            "parent_id": str(song.parent_id) if song.parent_id else "",
            "root_id": str(song.root_id) if song.root_id else "",
            "lineage": self.lineage,
        }


def _lineage(song: Song, by_id: dict) -> str:
    """The chain "original: First take > extend: Longer take", as far as the project's songs and
    their loaded parents tell."""
    chain, seen, node = [], set(), song
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(f"{node.relation}: {node.title or 'Untitled'}")
        node = by_id.get(node.parent_id) if node.parent_id else None
    return " > ".join(reversed(chain))


def _read(file) -> bytes:
    with file.open("rb") as handle:
        return handle.read()


def _wav_from(data: bytes) -> bytes:
    """16-bit stereo PCM at 44.1 kHz of any audio ffmpeg decodes."""
    # A WAV is read at its own rate (numpy, sample for sample); the rest ffmpeg decodes.
    samples, rate = mediatools.decode(data, channels=2, rate=WAV_RATE, any_wav_rate=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _mp3_from(data: bytes) -> bytes:
    import lameenc

    # A WAV is read at its own rate (numpy, sample for sample); the rest ffmpeg decodes.
    samples, rate = mediatools.decode(data, channels=2, rate=WAV_RATE, any_wav_rate=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(320)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(2)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def _assets(songs: list[Song]) -> dict:
    found: dict = {}
    for asset in Asset.objects.filter(
        song__in=songs,
        archive_status=ArchiveStatus.DONE,
        kind__in=(AssetKind.WAV, AssetKind.MP3, AssetKind.STEM),
    ).order_by("label"):
        if asset.file:
            found.setdefault(asset.song_id, []).append(asset)
    return found


def release_entries(project: Project, songs: list[Song]) -> Iterator[tuple[str, bytes]]:
    """The release package's (name, bytes) entries, the manifests last."""
    names = filenames.UniqueNames()
    assets = _assets(songs)
    renders = renders_of(songs)
    by_id = {song.pk: song for song in songs}
    parents = [s.parent_id for s in songs if s.parent_id and s.parent_id not in by_id]
    by_id.update({p.pk: p for p in Song.objects.filter(pk__in=parents)})
    count = len(songs)
    rows, missing = [], []
    for number, song in enumerate(songs, start=1):
        row = Row(number, song, _lineage(song, by_id))
        rows.append(row)
        stem = f"{number:02d} {filenames.file_name(song.title, '', fallback='song')}".rstrip(".")
        label = f"{number:02d} {song.title or 'Untitled'}"
        cover = delivery.cover_of(song)
        tags = delivery.tags_for(
            song, project.workspace, album=project.name, track=number, track_count=count,
            cover=cover or b"",  # b"": no cover, and no second look for one
        )  # fmt: skip
        own = {a.kind: a for a in assets.get(song.pk, []) if a.kind != AssetKind.STEM}
        try:
            audio = _read(song.audio_file) if song.audio_file else None
        except OSError:
            audio = None
        if audio is None:
            missing.append(f"{label}: its audio is not in the studio's storage (yet)")
            continue
        kind = sniff(audio[:64])
        try:
            if kind == "audio/mpeg":
                mp3 = audio
            elif AssetKind.MP3 in own:
                mp3 = _read(own[AssetKind.MP3].file)
            else:
                mp3 = _mp3_from(audio)
            if AssetKind.WAV in own:
                wav, row.wav_source = _read(own[AssetKind.WAV].file), "provider"
            elif kind == "audio/wav":
                wav, row.wav_source = audio, "original"
            else:
                wav, row.wav_source = _wav_from(audio), "decoded from the MP3"
        except (OSError, mediatools.DecodeError) as exc:
            logger.warning("Release of project %s: song %s left out (%s)", project.pk, song.pk, exc)
            missing.append(f"{label}: its audio could not be read")
            continue
        for ext, data in (("mp3", mp3), ("wav", wav)):
            name = names.add(f"{stem}.{ext}")
            row.files[ext] = name
            yield name, delivery.tagged_copy(data, tags)
        for asset in assets.get(song.pk, []):
            if asset.kind != AssetKind.STEM:
                continue
            ext = os.path.splitext(asset.file.name)[1] or ".wav"
            part = filenames.file_name(asset.label or "stem", ext, fallback="stem")
            name = names.add(f"stems/{stem} - {part}")
            try:
                data = _read(asset.file)
            except OSError:
                missing.append(f"{label}: the stem {asset.label} is missing")
                continue
            row.stems.append(name)
            yield name, data
        render = renders.get(song.pk)
        if render is not None:
            try:
                data = _read(render.file)
            except OSError:
                data = None
            if data is not None:
                row.render = render
                row.files["normalised"] = names.add(f"normalised/{stem} (-14 LUFS).wav")
                yield row.files["normalised"], delivery.tagged_copy(data, tags)
        if cover:
            ext = ".png" if image_mime(cover) == "image/png" else ".jpg"
            row.files["cover"] = names.add(f"covers/{stem}{ext}")
            yield row.files["cover"], cover
        if song.lyrics.strip():
            row.files["lyrics"] = names.add(f"lyrics/{stem}.txt")
            yield row.files["lyrics"], (song.lyrics.strip() + "\n").encode()
    manifest = [row.as_dict() for row in rows if row.files]
    yield (
        names.add("manifest.json"),
        json.dumps(
            {"project": project.name, "artist": delivery.artist(project.workspace),
             "tracks": manifest},
            ensure_ascii=False,
            indent=2,
        ).encode(),
    )  # fmt: skip
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=MANIFEST_FIELDS)
    writer.writeheader()
    for entry in manifest:
        writer.writerow({**entry, "stems": " | ".join(entry["stems"])})
    yield names.add("manifest.csv"), text.getvalue().encode("utf-8-sig")  # Excel reads UTF-8
    if missing:
        note = "These songs of the project are not in this package:\n" + "\n".join(missing)
        yield names.add("MISSING.txt"), (note + "\n").encode()
