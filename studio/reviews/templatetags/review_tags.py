"""Template helpers for reviews: moments in a song, and comments with their @mentions."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from studio.reviews.comments import MENTION

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """72.4 -> "1:12"."""
    if seconds is None:
        return ""
    minutes, secs = divmod(max(int(seconds), 0), 60)
    return f"{minutes}:{secs:02d}"


@register.filter
def with_mentions(body: str) -> SafeString:
    """The comment, escaped, with each @name set in bold."""
    text = escape(body)
    return mark_safe(MENTION.sub(r'<strong class="mention">@\1</strong>', text))  # noqa: S308
