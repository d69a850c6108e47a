"""The studio's side of the Producer API: the HTTP client and the configuration it reads.

The contract itself (actions, request rules, result parsing, errors) is in `contract`.
"""

from .client import Client
from .switches import disabled_reason, is_enabled

__all__ = ["Client", "disabled_reason", "is_enabled"]
