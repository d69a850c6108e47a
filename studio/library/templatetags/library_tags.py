"""The library's template helpers: costs, lengths, job states, card colours, waveforms and
song URLs. The markup they feed is in the templates (library/library.html's cards,
library/_wave.html, library/_track.html)."""

from django import template

from studio.jobs import ledger
from studio.lib.reversing import url_of
from studio.library import display, figures

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
register.filter("wave", display.wave)
register.filter("key_name", figures.key_name)
register.filter("playback_gain", figures.playback_gain)
# {% url_of "library:song" song.id %}: a card's links, reversed once per name.
register.simple_tag(url_of, name="url_of")
