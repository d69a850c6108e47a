"""Measure the archived songs that have no figures yet (those from before the worker did it).

Resumable: a song is measured once (its `analysed_at` is set), so a run stopped half-way
goes on where it stopped. Songs are read in batches by primary key, so a song that cannot
be measured is tried once per run and the run moves on.
"""

import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studio.jobs.analysis import analyse_song
from studio.models import ArchiveStatus, Song, Workspace

BATCH = 200


class Command(BaseCommand):
    help = "Measure tempo, key and loudness of every archived song not yet measured."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=0, help="Measure at most this many.")
        parser.add_argument("--workspace", default="", help="Only this workspace (its id).")

    def handle(self, *args, limit: int, workspace: str, **options) -> None:
        if limit < 0:
            raise CommandError("--limit must be 0 (no limit) or more.")
        songs = (
            Song.objects.live()
            .filter(analysed_at__isnull=True, archive_status=ArchiveStatus.DONE)
            .exclude(audio_file="")
        )
        if workspace:
            try:
                workspace_id = uuid.UUID(workspace)
            except ValueError:
                raise CommandError(f"--workspace {workspace!r} is not a workspace id.") from None
            if not Workspace.objects.filter(pk=workspace_id).exists():
                raise CommandError(f"There is no workspace {workspace_id}.")
            songs = songs.filter(workspace_id=workspace_id)
        total = songs.count()
        if limit:
            total = min(total, limit)
        self.stdout.write(f"{total} songs to measure.")
        done = failed = 0
        last = None
        while done + failed < total:
            batch = songs.order_by("pk")
            if last is not None:
                batch = batch.filter(pk__gt=last)
            ids = list(batch.values_list("pk", flat=True)[: min(BATCH, total - done - failed)])
            if not ids:
                break
            for pk in ids:
                if analyse_song(pk):
                    done += 1
                else:
                    failed += 1
                self.stdout.write(f"[{done + failed}/{total}] {pk}")
            last = ids[-1]
        self.stdout.write(f"Measured {done} songs; {failed} could not be measured (see the log).")
