"""Loudness-normalised copies of a project's songs, for its release package.

Each song is rendered by the worker (the archive queue) at -14 LUFS with its true peak at
most -1 dBTP (mediatools.analysis.normalised: one linear gain, no limiter, so a song whose
peak would pass the ceiling stays quieter than -14), written as a 24-bit WAV and measured
again from what was written: the manifest gives that measurement, not the target. A render
is made once per archived audio file; the archived original is only read.
"""

from __future__ import annotations

import io
import logging
import wave
from functools import partial

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils.text import slugify
from django.utils.translation import gettext as _

import mediatools
from mediatools.analysis import loudness, normalised, true_peak
from studio.jobs import queueing
from studio.jobs.archive import QUEUE
from studio.models import LoudnessRender, Song
from studio.models.projects import Project
from studio.projects import contents as projects

logger = logging.getLogger(__name__)

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0
RATE = 48000  # what an MP3 is decoded at for its render (a WAV keeps its own rate)
FULL_SCALE_24 = 2**23 - 1


def _wav24(samples: np.ndarray, rate: int) -> bytes:
    """Stereo 24-bit PCM; never clips, since the gain left the peak under -1 dBTP."""
    ints = (np.clip(samples, -1.0, 1.0) * FULL_SCALE_24).round().astype("<i4")
    packed = ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()  # little-endian low 3 bytes
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(3)
        out.setframerate(rate)
        out.writeframes(packed)
    return buffer.getvalue()


def render_song(song_id) -> bool:
    """Render one song's normalised copy (again only when its audio changed). True when
    done; a failure is recorded on the render with the reason and logged."""
    song = Song.objects.filter(pk=song_id).first()
    if song is None or not song.audio_file:
        return False
    render, _created = LoudnessRender.objects.get_or_create(song=song)
    if render.status == LoudnessRender.Status.DONE and render.source == song.audio_file.name:
        return True
    try:
        with song.audio_file.open("rb") as handle:
            data = handle.read()
        # A WAV keeps its own rate (read in numpy); the rest ffmpeg decodes at RATE.
        samples, rate = mediatools.decode(data, channels=2, rate=RATE, any_wav_rate=True)
        out, gain = normalised(samples, rate, TARGET_LUFS, CEILING_DBTP)
        data = _wav24(out, rate)
        written, _rate = mediatools.read_wav(data)
        lufs, _lra = loudness(written, rate)
        peak = true_peak(written)
    except mediatools.DecodeError as exc:
        return _failed(render, _("The audio could not be decoded (%(reason)s).") % {
            "reason": exc.reason
        })  # fmt: skip
    except (OSError, ValueError) as exc:
        logger.warning("Loudness render of song %s failed: %s", song.pk, exc)
        return _failed(render, _("The audio could not be read."))
    old = render.file.name if render.file else ""
    render.file.save(f"{slugify(song.title)[:60] or 'song'}-14lufs.wav", ContentFile(data), False)
    LoudnessRender.objects.filter(pk=render.pk).update(
        status=LoudnessRender.Status.DONE,
        source=song.audio_file.name,
        file=render.file.name,
        gain=gain,
        lufs=lufs,
        true_peak=peak,
        error="",
    )
    if old and old != render.file.name:
        render.file.storage.delete(old)
    return True


def _failed(render: LoudnessRender, error: str) -> bool:
    logger.warning("Loudness render of song %s failed: %s", render.song_id, error)
    LoudnessRender.objects.filter(pk=render.pk).update(
        status=LoudnessRender.Status.FAILED, error=error
    )
    return False


@task(queue_name=QUEUE)
def render_songs(song_ids: list[str]) -> int:
    done = 0
    for pk in song_ids:
        try:
            done += render_song(pk)
        except Exception:  # the others still get theirs
            logger.exception("Loudness render of song %s failed", pk)
    return done


def request_renders(project: Project) -> int:
    """Queue renders of the project's songs that have none for their current audio (a render
    still pending is queued again: its task may have been lost); returns how many."""
    songs = [s for s in projects.ordered_songs(project) if s.audio_file]
    current = {
        r.song_id: r
        for r in LoudnessRender.objects.filter(song__in=songs)
    }  # fmt: skip
    done = LoudnessRender.Status.DONE
    wanted = [
        song
        for song in songs
        if not (
            song.pk in current
            and current[song.pk].status == done
            and current[song.pk].source == song.audio_file.name
        )
    ]
    if not wanted:
        return 0
    for song in wanted:
        LoudnessRender.objects.update_or_create(
            song=song, defaults={"status": LoudnessRender.Status.PENDING, "error": ""}
        )
    ids = [str(song.pk) for song in wanted]
    transaction.on_commit(partial(queueing.enqueue_quietly, render_songs, ids))
    return len(wanted)


def renders_of(songs: list[Song]) -> dict:
    """The finished renders of these songs whose source is their current audio, by song id."""
    sources = {song.pk: song.audio_file.name for song in songs}
    return {
        r.song_id: r
        for r in LoudnessRender.objects.filter(song__in=songs, status=LoudnessRender.Status.DONE)
        if r.file and sources.get(r.song_id) == r.source
    }


def state(songs: list[Song]) -> dict:
    """For the project page: how many songs have their copy, are being rendered, failed."""
    with_audio = [s for s in songs if s.audio_file]
    ready = renders_of(with_audio)
    busy = LoudnessRender.objects.filter(
        song__in=with_audio, status=LoudnessRender.Status.PENDING
    ).count()
    failed = LoudnessRender.objects.filter(
        song__in=with_audio, status=LoudnessRender.Status.FAILED
    ).count()
    return {"ready": len(ready), "total": len(with_audio), "busy": busy, "failed": failed}
