from django.core.management.base import BaseCommand

from studio.jobs import archive
from studio.models import ArchiveStatus, Asset, Song

BATCH = 500  # archived rows whose files are looked for in storage per query


def candidates(model, statuses: list[str]):
    """Rows to copy again: those in `statuses`, then archived rows whose files are missing
    from storage (one existence check per file, read in batches by primary key)."""
    yield from model.objects.filter(archive_status__in=statuses).order_by("pk")
    after = None
    while True:
        batch = model.objects.filter(archive_status=ArchiveStatus.DONE).order_by("pk")
        if after is not None:
            batch = batch.filter(pk__gt=after)
        rows = list(batch[:BATCH])
        if not rows:
            return
        after = rows[-1].pk
        yield from (row for row in rows if archive.missing_files(row))


class Command(BaseCommand):
    help = (
        "Copy again every file whose archiving failed (or is still pending, with --pending), "
        "and every archived file missing from storage."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--pending", action="store_true", help="Also retry pending copies.")
        parser.add_argument(
            "--now", action="store_true", help="Copy here and now instead of queueing."
        )

    def handle(self, *args, pending: bool, now: bool, **options) -> None:
        statuses = [ArchiveStatus.FAILED, *([ArchiveStatus.PENDING] if pending else [])]
        done = 0
        for model, copy in ((Song, archive.archive_song), (Asset, archive.archive_asset)):
            for row in candidates(model, statuses):
                if not archive.retry_archiving(row):
                    continue
                if now:
                    # retry_archiving leased the row to its task; take it back to copy here.
                    model.objects.filter(pk=row.pk).update(archive_next_at=None)
                    done += bool(copy(row.pk))
                else:
                    done += 1
        verb = "Archived" if now else "Queued"
        self.stdout.write(f"{verb} {done} files.")
