"""Pooled connections are pinged when they sat idle, not on every hand-out."""

from types import SimpleNamespace

import pytest
from psycopg import OperationalError
from psycopg_pool import ConnectionPool

from producer_site import dbpool
from producer_site.dbpool import RecentlyUsedCheck


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(dbpool.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def pings(monkeypatch) -> list:
    seen: list = []
    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(seen.append))
    return seen


def test_pings_a_connection_only_after_the_window(clock, pings):
    check, conn = RecentlyUsedCheck(1.0), SimpleNamespace()
    check(conn)
    assert pings == [conn]  # never handed out before
    for _ in range(5):  # busy: handed out again and again within the window
        clock[0] += 0.9
        check(conn)
    assert pings == [conn]
    clock[0] += 1.5  # sat idle longer than the window
    check(conn)
    assert pings == [conn, conn]
    other = SimpleNamespace()
    check(other)  # each connection keeps its own time
    assert pings == [conn, conn, other]


def test_a_dead_connection_raises_so_the_pool_replaces_it(clock, monkeypatch):
    def dead(conn):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(dead))
    check, conn = RecentlyUsedCheck(1.0), SimpleNamespace()
    with pytest.raises(OperationalError):
        check(conn)
    assert not hasattr(conn, "_studio_handed_out")  # not marked alive
