"""A Redis cache that treats an outage as a miss, so a Redis restart is no reason for a 500.

Django's RedisCache raises redis' ConnectionError from every call while Redis is down, and
the cache sits under every page (sessions, fragments, rate limits). This subclass answers as
if the key were missing (`get` gives the default, `add` and `delete` say False, `incr` says
the key is gone) and logs the outage once when it starts and once when it ends. After a
failure it does not try Redis again for RETRY_AFTER seconds, so a process does not wait on
a dead server for every call. django-redis' IGNORE_EXCEPTIONS would do the first part, but
logs every failure (or none) and brings a second client to configure: this is the backend
Django ships with, plus what an outage needs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("studio.cache")

RETRY_AFTER = 1.0  # seconds after a failure before Redis is tried again
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Per server and per process (Django makes one cache object per thread).
_lock = threading.Lock()
down_since: dict[str, float] = {}
retry_at: dict[str, float] = {}


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    def unreachable(self) -> bool:
        """Whether the last call found Redis down (and it is not yet time to try again)."""
        return self._location in down_since

    def _forgive(self, fallback: Any, call: Callable, *args: Any) -> Any:
        where = self._location
        if where in retry_at and time.monotonic() < retry_at[where]:
            return fallback
        try:
            result = call(*args)
        except UNREACHABLE as exc:
            with _lock:
                retry_at[where] = time.monotonic() + RETRY_AFTER
                if where not in down_since:
                    down_since[where] = time.monotonic()
                    logger.warning(
                        "The cache (Redis) is unreachable (%s); carrying on without it", exc
                    )
            return fallback
        if where in down_since:
            with _lock:
                since = down_since.pop(where, None)
                retry_at.pop(where, None)
            if since is not None:
                logger.warning("The cache (Redis) is back after %.0f s", time.monotonic() - since)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._forgive(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._forgive(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._forgive({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._forgive(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._forgive(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._forgive(None, super().delete_many, keys, version)

    def clear(self):
        return self._forgive(False, super().clear)


def unreachable(alias: str = "default") -> bool:
    """Whether that cache is a Redis cache found down (other backends never are)."""
    backend = caches[alias]
    return isinstance(backend, ForgivingRedisCache) and backend.unreachable()
