"""Which database this is, asked once; and the one thing only PostgreSQL does with a commit."""

from __future__ import annotations

from functools import cache

from django.db import connection

# set_config(…, true) is SET LOCAL: it ends with the transaction.
RELAXED_COMMIT = "set_config('synchronous_commit', 'off', true)"


@cache
def on_postgresql() -> bool:
    """A process talks to one database (DATABASES["default"]): asked once."""
    return connection.vendor == "postgresql"


def relax_commit() -> None:
    """On PostgreSQL, this transaction's commit does not wait for its flush to the disk.

    For the outermost transaction of a result that won the job, whose provider id is stored
    (and committed): if the database crashed before flushing (a fraction of a second), the
    job would still be running with that id and its next poll would apply the same result
    again. Waiting for the flush is most of a delivery's time. Elsewhere: nothing.
    """
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {RELAXED_COMMIT}")
