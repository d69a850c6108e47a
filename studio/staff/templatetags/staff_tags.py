"""Formatting for the dashboard, usage and activity pages."""

from datetime import timedelta
from decimal import Decimal

from django import template

register = template.Library()
NONE = "\u2013"  # an en dash: no figure yet


@register.filter
def took(value: timedelta | None) -> str:
    """42 s, 3 m 07 s, 1 h 02 m; unknown -> an en dash."""
    if value is None:
        return NONE
    seconds = max(int(value.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} m {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} m"


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return NONE
    return f"{value * 100:.{digits}f} %"


@register.filter
def credits(value: Decimal | int | float | None) -> str:
    """1234.50 -> "1,234.5"; whole amounts without decimals."""
    if value is None:
        return "0"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@register.filter
def usd(value: Decimal | int | None) -> str:
    """Quota in US dollars (the provider bills 100 quota per dollar)."""
    return f"${Decimal(value or 0) / 100:,.2f}"
