"""`manage.py worker` with a record of every poll and every applied result, for
bench/workers.py: one line per event in $BENCH_PROBE_LOG, written at once (O_APPEND), so a
worker killed mid-poll still leaves its `start` line.

    start <job> <pid> <time>    a poll began
    end <job> <pid> <time>      it returned (or raised)
    applied <job> <pid> <time>  this process won the job's SUCCESS (its songs were recorded)
"""

import os
import sys
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from studio.jobs import lifecycle as jobs  # noqa: E402

LOG = os.open(os.environ["BENCH_PROBE_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
PID = os.getpid()


def _record(event: str, job_id) -> None:
    os.write(LOG, f"{event} {job_id} {PID} {time.time():.6f}\n".encode())


_poll = jobs.poll
_apply_success = jobs._apply_success


def poll(job_id, *args, **kwargs):
    _record("start", getattr(job_id, "pk", job_id))
    try:
        return _poll(job_id, *args, **kwargs)
    finally:
        _record("end", getattr(job_id, "pk", job_id))


def apply_success(job, result, *args, **kwargs):
    won = _apply_success(job, result, *args, **kwargs)
    if won:
        _record("applied", job.pk)
    return won


jobs.poll = poll
jobs._apply_success = apply_success

if os.environ.get("BENCH_PROBE_SKIP_ARCHIVE"):
    # Copying files is not what this bench measures, and on one machine every copy makes
    # the emulator render a whole song on the cores the workers share.
    from studio.jobs import archive

    archive.archive_song = archive.archive_asset = lambda pk: False

if __name__ == "__main__":
    call_command("worker", *sys.argv[1:])
