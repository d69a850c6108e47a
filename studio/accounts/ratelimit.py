"""Counting failures in a fixed window on the cache, to slow down password guessing.

Each key (a username, a client address) gets a counter and the time its window ends.
Counters live only in the cache: with the default local-memory cache they are per process,
with REDIS_URL they are shared by every web process.
"""

import hashlib
import time

from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    # Hashed: usernames and addresses may hold characters cache backends reject.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"ratelimit:{kind}:{digest}"


def hit(kind: str, value: str, window: int) -> int:
    """Count one failure for `value`; the number of failures in the current window."""
    key = _key(kind, value)
    now = time.time()
    # add() only writes when the key is missing: the first failure opens the window.
    cache.add(f"{key}:until", now + window, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(f"{key}:until", now + window, timeout=window)
        cache.set(key, 1, timeout=window)
        return 1


def retry_after(kind: str, value: str, limit: int) -> int:
    """Seconds until `value` may try again, or 0 when it is under the limit."""
    key = _key(kind, value)
    values = cache.get_many([key, f"{key}:until"])
    if values.get(key, 0) < limit:
        return 0
    return max(1, int(values.get(f"{key}:until", time.time()) - time.time() + 0.999))


def reset(kind: str, value: str) -> None:
    key = _key(kind, value)
    cache.delete_many([key, f"{key}:until"])
