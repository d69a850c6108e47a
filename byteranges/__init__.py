"""Django file responses that honour Range requests, shared by the studio and the emulator.

Depends on Django only, never on the studio or the emulator, so either side can import it.
"""

from byteranges.responses import parse_range, ranged_response

__all__ = ["parse_range", "ranged_response"]
