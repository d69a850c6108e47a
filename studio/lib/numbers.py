"""Numbers read from query strings and headers: ASCII digits only, of bounded length.

`str.isdigit` accepts "²" and other digits `int` then refuses, and `int` of thousands of
digits is refused or slow; a database integer overflows past 19 digits. Anything else is
"no number" and the caller falls back or answers 400.
"""


def strict_int(text: str | None, *, digits: int = 9) -> int | None:
    """A non-negative integer written in at most `digits` ASCII digits, else None."""
    if not text or len(text) > digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
