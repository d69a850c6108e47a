"""Small helpers for the studio's templates: durations, job states, waveform pictures."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from studio import ledger
from studio.models import Job, JobStatus

register = template.Library()

WAVE_BARS = 64
WAVE_HEIGHT = 24


@register.filter
def duration(seconds: float | None) -> str:
    """187.4 -> "3:07"; unknown -> "" (the card simply shows no length)."""
    if seconds is None:
        return ""
    total = max(round(seconds), 0)
    minutes, secs = divmod(total, 60)
    return f"{minutes}:{secs:02d}"


def _bars(peaks: list, count: int) -> list[float]:
    values = []
    for value in peaks or ():
        try:
            values.append(abs(float(value)))
        except (TypeError, ValueError):
            values.append(0.0)
    if not values:
        return []
    top = max(values) or 1.0
    if len(values) <= count:
        return [v / top for v in values]
    step = len(values) / count
    # The loudest point of each slice, so short hits stay visible.
    return [
        max(values[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]) / top
        for i in range(count)
    ]


@register.simple_tag
def waveform(peaks: list, bars: int = WAVE_BARS) -> SafeString:
    """An inline SVG of the song's stored peaks: no JavaScript, a few hundred bytes."""
    heights = _bars(peaks, bars)
    if not heights:
        return mark_safe('<svg class="wave wave-empty" aria-hidden="true"></svg>')
    mid = WAVE_HEIGHT / 2
    path = "".join(
        f"M{i}.5 {mid - max(h * mid, 0.5):.1f}V{mid + max(h * mid, 0.5):.1f}"
        for i, h in enumerate(heights)
    )
    return format_html(
        '<svg class="wave" viewBox="0 0 {} {}" preserveAspectRatio="none" aria-hidden="true">'
        '<path d="{}"/></svg>',
        len(heights),
        WAVE_HEIGHT,
        path,
    )


@register.filter
def cost(action: str) -> str:
    """What an action will probably take from the budget, for its button."""
    amount = ledger.estimate(action)
    if not amount:
        return "free"
    return f"≈ {amount:g} credit" + ("" if amount == 1 else "s")


@register.filter
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


@register.filter
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


@register.filter
def hue(value: object) -> int:
    """A stable colour (0-11) for cards without cover art."""
    return sum(str(value).encode()) % 12
