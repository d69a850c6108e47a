"""A lock per key, held by one thread of this process at a time, forgotten when unused."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager


class KeyedLock:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held: dict[Hashable, tuple[threading.Lock, list[int]]] = {}

    @contextmanager
    def hold(self, key: Hashable, timeout: float = -1) -> Iterator[bool]:
        """Wait for `key` (at most `timeout` seconds if given); yields whether it was got."""
        with self._guard:
            lock, users = self._held.setdefault(key, (threading.Lock(), [0]))
            users[0] += 1
        got = lock.acquire(timeout=timeout)
        try:
            yield got
        finally:
            if got:
                lock.release()
            with self._guard:
                users[0] -= 1
                if not users[0]:
                    del self._held[key]

    def __len__(self) -> int:
        return len(self._held)
