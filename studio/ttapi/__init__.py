"""The boundary with the Producer API: a typed client, request rules, loose result parsing."""

from .actions import Action
from .client import Client
from .errors import TTAPIError
from .results import JobResult, Music, SubmitResult
from .switches import disabled_reason, is_enabled

__all__ = [
    "Action",
    "Client",
    "JobResult",
    "Music",
    "SubmitResult",
    "TTAPIError",
    "disabled_reason",
    "is_enabled",
]
