"""KeyedLock: one holder per key, keys independent, waits bounded, nothing kept after use."""

import threading
import time

from studio.lib.keyedlock import KeyedLock


def test_one_holder_per_key():
    locks, inside, peak = KeyedLock(), [], []
    guard = threading.Lock()

    def work(key):
        with locks.hold(key) as got:
            assert got
            with guard:
                inside.append(key)
                peak.append(inside.count(key))
            time.sleep(0.01)
            with guard:
                inside.remove(key)

    threads = [threading.Thread(target=work, args=(key,)) for key in "aaaabbbb"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert max(peak) == 1  # never two holders of one key
    assert len(locks) == 0  # forgotten once unused


def test_keys_are_independent():
    # While one thread holds "a", another gets "b" at once and waits for "a" in vain: no
    # timing is measured, so a slow machine gives the same answer.
    locks = KeyedLock()
    with locks.hold("a") as first:
        assert first
        results = []

        def other():
            results.append(_try(locks, "b", 0))
            results.append(_try(locks, "a", 0))

        waiter = threading.Thread(target=other)
        waiter.start()
        waiter.join()
    assert results == [True, False]
    assert len(locks) == 0


def test_waiting_is_bounded():
    locks = KeyedLock()
    with locks.hold("job") as first:
        assert first
        results = []
        waiter = threading.Thread(target=lambda: results.append(_try(locks, "job", 0.05)))
        waiter.start()
        waiter.join()
    assert results == [False]
    with locks.hold("job", timeout=0.05) as got:  # free again
        assert got
    assert len(locks) == 0


def _try(locks: KeyedLock, key: str, timeout: float) -> bool:
    with locks.hold(key, timeout=timeout) as got:
        return got
