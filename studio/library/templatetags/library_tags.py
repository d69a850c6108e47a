"""Small helpers for the studio's templates: durations, job states, waveform pictures."""

from django import template

from studio.jobs import ledger
from studio.library import cards, display

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


register.simple_tag(display.waveform_svg, name="waveform")
# The HTML of cards and player buttons is written in studio/cards.py.
for _tag in (
    cards.song_card,
    cards.track_attrs,
    cards.player_urls,
    cards.play_buttons,
    cards.favourite_button,
    cards.review_badge,
    cards.job_card,
    cards.job_detail,
):
    register.simple_tag(_tag)
