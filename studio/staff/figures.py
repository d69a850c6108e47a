"""What the staff dashboard and the usage page share: periods, their chart buckets, labels."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from contract.producer import Action

ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime
    end: datetime
    unit: str  # "hour" or "day": the size of a chart bucket

    @property
    def buckets(self) -> list[datetime]:
        step = timedelta(hours=1) if self.unit == "hour" else timedelta(days=1)
        out, at = [], self.start
        while at <= self.end:
            out.append(at)
            at += step
        return out


PERIODS = {"24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days"}
DEFAULT_PERIOD = "7d"


def period(key: str, now: datetime | None = None) -> Period:
    """The period named `key` (unknown keys fall back to the default), ending now."""
    now = timezone.localtime(now or timezone.now())
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    if key == "24h":
        start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
        return Period(key, PERIODS[key], start, now, "hour")
    days = 7 if key == "7d" else 30
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return Period(key, PERIODS[key], midnight - timedelta(days=days - 1), now, "day")


def slot_of(index: int, buckets: list[datetime]) -> datetime:
    # A job created a moment after the period's end (while the page loads) joins the last one.
    return buckets[min(max(index, 0), len(buckets) - 1)]


def action_label(action: str) -> str:
    try:
        return Action(action).label
    except ValueError:
        return action
