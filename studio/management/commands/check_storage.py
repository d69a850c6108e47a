"""Check the media storage against the database, and repair what can be repaired."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from studio.jobs import storage_check as check
from studio.models import Asset, Song

SHOWN = 20  # problems listed one per line in a restore check; the rest are counted


class Command(BaseCommand):
    help = (
        "Check archived files against the database: missing, damaged (not the size copied, "
        "or audio that does not decode) and orphaned (no row names them). Read-only unless "
        "--repair or --delete-orphans. Resumable: each progress line gives its cursor."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Copy missing or damaged files again from the provider's link while it "
            "lives; mark the rest as gone on their songs. Also notes the sizes of sound files "
            "archived before sizes were kept.",
        )
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete files no row names, once older than --grace-hours.",
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=24.0,
            help="Orphans younger than this are left alone (default 24): a copy writes its "
            "file a moment before its row names it.",
        )
        parser.add_argument(
            "--restore-check",
            action="store_true",
            help="Verify a restore: counts of rows and files, rows whose files are missing, "
            "files without rows. Read-only; exits with status 1 when a row's file is missing "
            "or damaged.",
        )
        parser.add_argument(
            "--resume", metavar="CURSOR", default="", help="Carry on from a progress line's cursor."
        )
        parser.add_argument("--batch", type=int, default=500, help="Rows read per query.")
        parser.add_argument(
            "--no-orphans", action="store_true", help="Skip the walk of the storage for orphans."
        )

    def handle(self, *args, **options) -> None:
        restore_check = options["restore_check"]
        if restore_check and (options["repair"] or options["delete_orphans"]):
            raise CommandError(
                "--restore-check only reads: leave out --repair and --delete-orphans."
            )
        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more.")
        try:
            cursor = check.Cursor.parse(options["resume"]) if options["resume"] else check.Cursor()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.repairing = options["repair"]
        self.tally = check.Tally()
        self.listed = 0
        self.restore_check = restore_check
        start = check.PHASES.index(cursor.phase)
        for phase in check.PHASES[start:]:
            after = cursor.after if phase == cursor.phase else ""
            if phase == "orphans":
                if not options["no_orphans"]:
                    self.check_orphans(after, options)
            else:
                self.check_rows(Song if phase == "songs" else Asset, phase, after, options["batch"])
        self.summary()

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def check_rows(self, model, phase: str, after: str, batch: int) -> None:
        tally = self.tally
        for page in check.rows(model, after, batch):
            for row in page:
                tally.rows += 1
                problems, sizes = check.check_row(row, tally)
                if self.repairing and sizes:
                    model.objects.filter(pk=row.pk).update(**sizes)
                    tally.sized += len(sizes)
                if not problems:
                    continue
                for problem in problems:
                    self.report(problem)
                if self.repairing:
                    outcome = check.repair(row, problems)
                    setattr(tally, outcome, getattr(tally, outcome) + 1)
                    self.say(f"  {outcome}")
            cursor = check.Cursor(phase, str(page[-1].pk))
            self.say(
                f"{phase}: {tally.rows} rows, {tally.files} files checked · {tally.missing} "
                f"missing · {tally.damaged} damaged (cursor {cursor})"
            )

    def report(self, problem: check.Problem) -> None:
        self.listed += 1
        if not self.restore_check or self.listed <= SHOWN:
            self.say(str(problem))

    def check_orphans(self, after: str, options) -> None:
        storage = default_storage
        tally = self.tally
        older_than = timezone.now() - timedelta(hours=max(0.0, options["grace_hours"]))
        for folder in check.workspace_folders(storage, after):
            found, orphans = check.orphans(storage, folder)
            tally.stored += found
            tally.orphans += len(orphans)
            for name in orphans:
                deleted = options["delete_orphans"] and check.delete_orphan(
                    storage, name, older_than
                )
                tally.deleted += deleted
                if not self.restore_check or len(orphans) <= SHOWN:
                    self.say(f"orphan{' deleted' if deleted else ''}: {name}")
            self.say(
                f"orphans: {tally.stored} files in storage · {tally.orphans} named by no row "
                f"(cursor {check.Cursor('orphans', folder)})"
            )

    def summary(self) -> None:
        t = self.tally
        self.say(
            f"Checked {t.rows} rows naming {t.files} files: {t.present} present "
            f"({t.bytes / 1_048_576:.1f} MB), {t.missing} missing, {t.damaged} damaged; "
            f"{t.stored} files in storage, {t.orphans} named by no row."
        )
        if self.repairing:
            self.say(
                f"Repaired {t.repaired}, marked gone {t.gone}, left to the worker {t.waiting}; "
                f"sizes noted for {t.sized} files."
            )
        if t.deleted:
            self.say(f"Deleted {t.deleted} orphans.")
        if self.restore_check:
            songs, assets = Song.objects.count(), Asset.objects.count()
            self.say(f"Restore check: {songs} songs, {assets} assets in the database.")
            if t.missing or t.damaged:
                raise CommandError(
                    f"Restore check failed: {t.missing} files missing and {t.damaged} damaged. "
                    "Restore the media from a copy at least as new as the database, then run "
                    "check_storage --repair for what the provider can still give back."
                )
            self.say("Restore check passed: every file the database names is in storage.")
