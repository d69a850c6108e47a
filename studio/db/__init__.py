"""Every hand-written SQL statement of the studio, behind one small interface.

The studio writes through the ORM everywhere but where building statements costs more than
running them: a webhook's result, and the figures of the dashboards. Those statements live
in this package, and so does the one question of which database this is (`vendor`):

- `record_songs`: a song result (the job moved to SUCCESS, its new songs, their events and
  the task that copies their files). On PostgreSQL one statement (`postgresql`); elsewhere
  the ORM in one transaction (`general`). tests/jobs/test_db_writes.py proves both leave the
  same rows.
- `relax_commit`: this transaction's commit does not wait for the disk (PostgreSQL only).
- `rows`: model rows as plain SQL for any database (an INSERT that says which rows it made).
- `dialect`: expressions and query plans each database gets its own way, for the figures.
- `search`: the library's search, chosen once per database: PostgreSQL's tsvector, SQLite's
  FTS5 table, or the plain ORM filter beside them (tests/library/test_search.py proves all find
  the same songs).
"""

from __future__ import annotations

from studio.db.song_write import SongWrite
from studio.db.vendor import on_postgresql, relax_commit

__all__ = ["SongWrite", "on_postgresql", "record_songs", "relax_commit", "writes"]


def writes():
    """The module that records a song result on this database."""
    # Imported here: both import the models, which import this package (studio.db.dialect).
    from studio.db import general, postgresql

    return postgresql if on_postgresql() else general


def record_songs(write: SongWrite, *, relax: bool) -> set | None:
    """Move the job and write its new songs, the events of those that are new and, when
    there is one, the queue row copying their files.

    Songs whose musicId this workspace already has are skipped. Returns the ids of the songs
    written, or None when the job did not move (another delivery won): then nothing is
    written. With `relax`, the commit does not wait for the disk (see `vendor.relax_commit`).
    """
    return writes().record_songs(write, relax=relax)
