"""Small helpers for the studio's templates: durations, job states, waveform pictures."""

from django import template
from django.utils.safestring import SafeString

from studio import cards, display, ledger

register = template.Library()


@register.filter
def cost(action: str) -> str:
    """What an action will probably take from the budget, for its button."""
    amount = ledger.estimate(action)
    if not amount:
        return "free"
    return f"≈ {amount:g} credit" + ("" if amount == 1 else "s")


register.filter("duration", display.duration)
register.filter("job_state", display.job_state)
register.filter("ago", display.ago)
register.filter("hue", display.hue)


@register.simple_tag
def waveform(peaks: list, bars: int = display.WAVE_BARS) -> SafeString:
    return display.waveform_svg(peaks, bars)


@register.simple_tag
def song_card(song, role, oob: str = "") -> SafeString:
    return cards.song_card(song, role, oob)


@register.simple_tag
def track_attrs(song) -> SafeString:
    return cards.track_attrs(song)


@register.simple_tag
def play_buttons(song, queue_only: bool = False) -> SafeString:
    return cards.play_buttons(song, queue_only)


@register.simple_tag
def favourite_button(song) -> SafeString:
    return cards.favourite_button(song)


@register.simple_tag
def job_card(job, role, oob: str = "", csrf_token: str = "") -> SafeString:
    return cards.job_card(job, role, oob, csrf_token)


@register.simple_tag
def job_detail(job, role, csrf_token: str = "") -> SafeString:
    return cards.job_detail(job, role, csrf_token)
