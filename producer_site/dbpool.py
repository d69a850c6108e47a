"""The health check of pooled PostgreSQL connections (DATABASE_POOL).

psycopg's pool can ping every connection it hands out, which costs a round trip on every
request. A connection that answered a moment ago is alive: like HikariCP's bypass window,
the ping is skipped for a connection handed out within the last `window` seconds, and
done for one that sat idle longer (the kind a database restart or an idle timeout kills).
"""

from __future__ import annotations

import time

from psycopg import Connection
from psycopg_pool import ConnectionPool


class RecentlyUsedCheck:
    def __init__(self, window: float) -> None:
        self.window = window

    def __call__(self, conn: Connection) -> None:
        now = time.monotonic()
        if now - getattr(conn, "_studio_handed_out", float("-inf")) > self.window:
            ConnectionPool.check_connection(conn)  # raises for a dead one: the pool replaces it
        conn._studio_handed_out = now  # type: ignore[attr-defined]
