"""Counting failures in a fixed window on the cache, to slow down password guessing.

Each key (a username, a client address) gets a counter and the time its window ends.
Counters live in the cache: with the default local-memory cache they are per process,
with REDIS_URL they are shared by every web process. While Redis is unreachable they are
counted in this process's memory instead (fail safe: guessing is still slowed, per process).
"""

import hashlib
import time

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from studio.lib.cache import unreachable

# Counters for when the shared cache is down.
FALLBACK = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


def _key(kind: str, value: str) -> str:
    # Hashed: usernames and addresses may hold characters cache backends reject.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"ratelimit:{kind}:{digest}"


def _hit(store: BaseCache, key: str, window: int) -> int:
    now = time.time()
    # add() only writes when the key is missing: the first failure opens the window.
    store.add(f"{key}:until", now + window, timeout=window)
    store.add(key, 0, timeout=window)
    try:
        return store.incr(key)
    except ValueError:  # expired between add() and incr()
        store.set(f"{key}:until", now + window, timeout=window)
        store.set(key, 1, timeout=window)
        return 1


def hit(kind: str, value: str, window: int) -> int:
    """Count one failure for `value`; the number of failures in the current window."""
    key = _key(kind, value)
    count = _hit(cache, key, window)
    if unreachable():  # the shared count was not kept: keep one here
        count = _hit(FALLBACK, key, window)
    return count


def retry_after(kind: str, value: str, limit: int) -> int:
    """Seconds until `value` may try again, or 0 when it is under the limit."""
    key = _key(kind, value)
    values = cache.get_many([key, f"{key}:until"])
    if unreachable():
        values = FALLBACK.get_many([key, f"{key}:until"])
    if values.get(key, 0) < limit:
        return 0
    return max(1, int(values.get(f"{key}:until", time.time()) - time.time() + 0.999))


def reset(kind: str, value: str) -> None:
    key = _key(kind, value)
    cache.delete_many([key, f"{key}:until"])
    FALLBACK.delete_many([key, f"{key}:until"])
