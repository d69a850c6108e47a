"""Measuring a song once its audio is ours: tempo, key, loudness, loudness range, true peak.

A step after archiving, on the archive queue (off the request path): a song whose audio
cannot be measured keeps no figures and leaves one log line; archiving is never undone by
it. `analyse_songs` (the management command) measures the songs archived before this step.
"""

from __future__ import annotations

import logging

from django.utils import timezone

import mediatools
from mediatools.analysis import analyse_file
from studio.models import Song

logger = logging.getLogger(__name__)

FIGURES = ("bpm", "key", "lufs", "lra", "true_peak")


def analyse_song(song_id) -> bool:
    """Measure a song's archived audio and store the figures. True when stored.

    Never raises: a song that cannot be measured is logged and left without figures.
    """
    song = Song.objects.filter(pk=song_id).only("id", "audio_file").first()
    if song is None or not song.audio_file:
        return False
    try:
        with song.audio_file.open("rb") as handle:
            figures = analyse_file(handle.read())
    except mediatools.DecodeError as exc:
        logger.warning(
            "Song %s was not analysed: its audio could not be decoded (%s)", song.pk, exc
        )
        return False
    except OSError as exc:
        logger.warning("Song %s was not analysed: its audio could not be read (%s)", song.pk, exc)
        return False
    except Exception:
        logger.exception("Song %s was not analysed: the analysis failed", song.pk)
        return False
    Song.objects.filter(pk=song.pk).update(
        bpm=figures.bpm,
        key=figures.key or "",
        lufs=figures.lufs,
        lra=figures.lra,
        true_peak=figures.true_peak,
        analysed_at=timezone.now(),
    )
    return True
