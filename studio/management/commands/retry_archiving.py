from django.core.management.base import BaseCommand
from django.db.models import Q

from studio.jobs import archive
from studio.models import ArchiveStatus, Asset, Song


class Command(BaseCommand):
    help = "Copy again every file whose archiving failed (or is still pending, with --pending)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--pending", action="store_true", help="Also retry pending copies.")
        parser.add_argument(
            "--now", action="store_true", help="Copy here and now instead of queueing."
        )

    def handle(self, *args, pending: bool, now: bool, **options) -> None:
        statuses = [ArchiveStatus.FAILED, *([ArchiveStatus.PENDING] if pending else [])]
        done = 0
        for model, copy in ((Song, archive.archive_song), (Asset, archive.archive_asset)):
            for row in model.objects.filter(Q(archive_status__in=statuses)):
                archive.retry_archiving(row)
                if now:
                    row.refresh_from_db()
                    # retry_archiving leased the row to its task; take it back to copy here.
                    model.objects.filter(pk=row.pk).update(archive_next_at=None)
                    done += bool(copy(row.pk))
                else:
                    done += 1
        verb = "Archived" if now else "Queued"
        self.stdout.write(f"{verb} {done} files.")
