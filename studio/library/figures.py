"""A song's measured figures as people read them, and the library's filters on them.

The figures themselves are measured by mediatools.analysis (studio/jobs/analysis.py stores
them); here are their words, the playback gain of "equal loudness" and the filter values.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediatools.analysis import PITCH_CLASSES, normalisation_gain
from studio.lib.numbers import strict_int

# Playback at equal loudness: every song at the level streaming services play at, never
# turned up past a true peak of -1 dBTP (the same rule as the normalised export).
PLAYBACK_LUFS = -14.0
PLAYBACK_CEILING = -1.0
MAX_BPM = 400  # a filter's bound beyond any tempo the analysis reports

KEYS = tuple(f"{tonic} {mode}" for mode in ("major", "minor") for tonic in PITCH_CLASSES)

# Loudness bands of the library's filter: (value, label, lowest LUFS, highest LUFS).
LOUDNESS_BANDS = (
    ("quiet", gettext_lazy("Quiet (below -20 LUFS)"), None, -20.0),
    ("moderate", gettext_lazy("Moderate (-20 to -14 LUFS)"), -20.0, -14.0),
    ("loud", gettext_lazy("Loud (-14 to -9 LUFS)"), -14.0, -9.0),
    ("very-loud", gettext_lazy("Very loud (above -9 LUFS)"), -9.0, None),
)


def key_name(key: str) -> str:
    """ "A minor" in the reader's language; '' for no key."""
    tonic, _space, mode = (key or "").partition(" ")
    if mode == "minor":
        return _("%(tonic)s minor") % {"tonic": tonic}
    if mode == "major":
        return _("%(tonic)s major") % {"tonic": tonic}
    return ""


def playback_gain(song) -> float | None:
    """The dB the player turns this song by to play it at PLAYBACK_LUFS; None unmeasured."""
    if song.lufs is None or song.true_peak is None:
        return None
    return normalisation_gain(song.lufs, song.true_peak, PLAYBACK_LUFS, PLAYBACK_CEILING)


@dataclass(frozen=True)
class FigureFilter:
    bpm_min: int | None = None
    bpm_max: int | None = None
    key: str = ""
    loudness: str = ""

    @property
    def active(self) -> bool:
        return any((self.bpm_min is not None, self.bpm_max is not None, self.key, self.loudness))

    def q(self) -> Q:
        """The songs that pass; unmeasured songs pass no figure filter."""
        q = Q()
        if self.bpm_min is not None:
            q &= Q(bpm__gte=self.bpm_min)
        if self.bpm_max is not None:
            q &= Q(bpm__lte=self.bpm_max)
        if self.key:
            q &= Q(key=self.key)
        for value, _label, low, high in LOUDNESS_BANDS:
            if value == self.loudness:
                q &= Q(lufs__isnull=False)
                if low is not None:
                    q &= Q(lufs__gte=low)
                if high is not None:
                    q &= Q(lufs__lt=high)
        return q


def figure_filter(params) -> FigureFilter:
    """The figure filters of a query string; values that are not one are ignored, as the
    library's other filters are."""

    def bpm(name: str) -> int | None:
        value = strict_int(params.get(name, "").strip(), digits=3)
        return value if value is not None and 0 < value <= MAX_BPM else None

    key = params.get("key", "")
    loudness = params.get("loudness", "")
    return FigureFilter(
        bpm_min=bpm("bpm_min"),
        bpm_max=bpm("bpm_max"),
        key=key if key in KEYS else "",
        loudness=loudness if loudness in {band[0] for band in LOUDNESS_BANDS} else "",
    )
