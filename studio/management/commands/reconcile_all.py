from django.core.management.base import BaseCommand

from studio.jobs import lifecycle as jobs
from studio.models import Job
from studio.models.music import RUNNING_STATUSES


class Command(BaseCommand):
    help = "Reconcile every running or unknown job with the music service."

    def handle(self, *args, **options) -> None:
        counts: dict[str, int] = {}
        for job in Job.objects.filter(status__in=RUNNING_STATUSES).order_by("created_at"):
            try:
                status = jobs.reconcile(job).status
            except Exception as exc:  # keep going; report it
                self.stderr.write(f"{job.pk}: {exc}")
                status = "error"
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        self.stdout.write(f"Reconciled {sum(counts.values())} jobs: {summary}.")
