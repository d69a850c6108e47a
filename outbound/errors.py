"""What goes wrong with an outbound request, each with a message fit to show a user."""


class FetchError(Exception):
    """A download or post did not succeed; the message says why, in plain words."""


class Refused(FetchError):
    """The URL may not be fetched at all (scheme, internal address, too many redirects)."""


class TooLarge(FetchError):
    """The body is over the size limit (declared, or counted while reading)."""


class BadStatus(FetchError):
    """The server answered with an HTTP status other than 200 (`status`)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
