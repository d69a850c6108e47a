"""How songs are shown: lengths, "5 min ago", card colours and the waveform picture's path,
for the templates (studio/library/templatetags/library_tags.py)."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.utils import timezone

from studio.models import Job, JobStatus

WAVE_BARS = 64
WAVE_HEIGHT = 48  # units, in whole numbers: the path stays short (two dozen per page)


def duration(seconds: float | None) -> str:
    """187.4 -> "3:07"; unknown -> "" (the card simply shows no length)."""
    if seconds is None:
        return ""
    total = max(round(seconds), 0)
    minutes, secs = divmod(total, 60)
    return f"{minutes}:{secs:02d}"


def _numbers(peaks: list) -> np.ndarray:
    try:
        values = np.asarray(peaks, dtype=np.float64)
    except (TypeError, ValueError):  # a stray non-number among them counts as silence
        values = np.array([_number(v) for v in peaks], dtype=np.float64)
    if values.ndim != 1:
        return np.zeros(0)
    return np.abs(np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0))


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _bars(peaks: list, count: int) -> list[float]:
    """`count` heights in [0, 1]: the loudest point of each slice, so short hits stay
    visible (fewer peaks than bars: one bar each)."""
    values = _numbers(peaks or [])
    if not len(values):
        return []
    top = float(values.max()) or 1.0
    if len(values) > count:
        starts = (np.arange(count) * (len(values) / count)).astype(np.intp)
        values = np.maximum.reduceat(values, starts)
    return (values / top).tolist()


@dataclass(frozen=True, slots=True)
class Wave:
    """What library/_wave.html draws: `bars` bars of a `height`-unit box along `path`."""

    bars: int
    height: int
    path: str


def wave(peaks: list, bars: int = WAVE_BARS) -> Wave | None:
    """The song's stored peaks as bars for an inline SVG; None when it has none."""
    heights = _bars(peaks, bars)
    if not heights:
        return None
    mid = WAVE_HEIGHT // 2
    tops = [mid - max(round(h * mid), 1) for h in heights]
    return Wave(len(heights), WAVE_HEIGHT, _bars_path(tops))


def _bars_path(tops: list[int]) -> str:
    """Vertical bars one unit apart, each from `top` to its mirror below the middle.

    Drawn down, up, down…: the step to the next bar is then a small relative move
    ("m1-3") and each bar ends at an absolute height ("V41"), about 7 characters a bar
    against 10 for "M12.5 7V41" (a library page holds two dozen of these)."""
    ends = [
        (top, WAVE_HEIGHT - top) if n % 2 == 0 else (WAVE_HEIGHT - top, top)
        for n, top in enumerate(tops)
    ]
    start, end = ends[0]
    parts = [f"M0.5 {start}V{end}"]
    for start, next_end in ends[1:]:
        step = start - end
        parts.append(f"m1{step}V{next_end}" if step < 0 else f"m1 {step}V{next_end}")
        end = next_end
    return "".join(parts)


def ago(moment: datetime | None) -> str:
    """A short, cheap "5 min ago" (cards show dozens of these per page)."""
    if moment is None:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    for size, unit in (
        (86400 * 365, "y"),
        (86400 * 30, "mo"),
        (86400, "d"),
        (3600, "h"),
        (60, "min"),
    ):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"


def hue(value: object) -> int:
    """A stable colour (0-11) for cards without cover art."""
    return sum(str(value).encode()) % 12


def job_state(job: Job) -> str:
    """A job's state in plain words: queued, running 45%, failed, unknown, done."""
    if job.status == JobStatus.SUBMITTING:
        return "queued"
    if job.status == JobStatus.ON_QUEUE:
        return f"running {job.progress}%" if job.progress else "queued"
    if job.status == JobStatus.UNKNOWN:
        return "unknown"
    if job.status == JobStatus.FAILED:
        return "failed"
    return "done"
