from django.core.management.base import BaseCommand

from studio.jobs import lifecycle as jobs
from studio.management.commands.job import load_job


class Command(BaseCommand):
    help = "Check a job with the music service now (or send it, if it never left)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job_id")

    def handle(self, *args, job_id: str, **options) -> None:
        before = load_job(job_id)
        job = jobs.reconcile(before)
        note = f": {job.error}" if job.error else ""
        self.stdout.write(f"{job.pk} {before.status} -> {job.status}{note}")
