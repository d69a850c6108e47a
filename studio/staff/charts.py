"""Charts drawn on the server as inline SVG.

No script and no style attributes (the Content Security Policy forbids inline styles): shapes
carry classes, and static/css/dashboard.css gives each class its colour.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28  # room for the axis labels
MAX_X_LABELS = 10

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str  # the class that colours it


@dataclass(frozen=True)
class Bar:
    """A row of a bar table (templates/studio/_bar_table.html): credits and a job count."""

    label: str
    value: Number
    jobs: int
    note: str = ""
    href: str = ""


@dataclass(frozen=True)
class BarTable:
    bars: list[Bar]

    @property
    def top(self) -> Number:
        """The longest bar: every other is drawn against it."""
        return max((bar.value for bar in self.bars), default=0)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k at or above `value` (at least 1): a readable axis top."""
    if value <= 1:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10**exponent
        if top >= value:
            return top
    return 10 ** (exponent + 1)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def bucket_label(bucket: datetime, unit: str) -> str:
    local = timezone.localtime(bucket) if timezone.is_aware(bucket) else bucket
    return local.strftime("%H:00") if unit == "hour" else local.strftime("%b %-d")


def bar_chart(
    buckets: Sequence[datetime],
    series: Sequence[Series],
    values: Mapping[datetime, Mapping[str, Number]],
    *,
    unit: str = "day",
    title: str,
    value_format: Callable[[float], str] = _number,
) -> SafeString:
    """Stacked bars, one per bucket, one segment per series; every segment has a tooltip."""
    totals = [sum(float(values.get(b, {}).get(s.key, 0) or 0) for s in series) for b in buckets]
    top = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(buckets), 1)
    bar_w = max(slot * 0.72, 1)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            WIDTH,
            HEIGHT,
            title,
            title,
        )
    ]
    for i in range(5):  # grid lines and the y axis labels
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                value_format(top * i / 4),
            )
        )
    every = max(1, math.ceil(len(buckets) / MAX_X_LABELS))
    for index, bucket in enumerate(buckets):
        x = LEFT + slot * index + (slot - bar_w) / 2
        y = TOP + plot_h
        label = bucket_label(bucket, unit)
        for s in series:
            value = float(values.get(bucket, {}).get(s.key, 0) or 0)
            if value <= 0:
                continue
            h = plot_h * value / top
            y -= h
            parts.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="1.5">'
                    "<title>{} · {}: {}</title></rect>",
                    s.css,
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{bar_w:.1f}",
                    f"{max(h, 0.5):.1f}",
                    label,
                    s.label,
                    value_format(value),
                )
            )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{LEFT + slot * index + slot / 2:.1f}",
                    HEIGHT - 8,
                    label,
                )
            )
    parts.append(
        format_html(
            '<line class="baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            LEFT,
            WIDTH - RIGHT,
            TOP + plot_h,
            TOP + plot_h,
        )
    )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above went through format_html


def legend(series: Sequence[Series]) -> SafeString:
    items = "".join(
        format_html('<li><span class="swatch {}"></span>{}</li>', s.css, s.label) for s in series
    )
    return mark_safe(f'<ul class="legend">{items}</ul>')  # noqa: S308 - escaped above
