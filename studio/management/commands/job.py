import json
import uuid

from django.core.management.base import BaseCommand, CommandError

from studio.models import Job


def load_job(job_id: str) -> Job:
    try:
        pk = uuid.UUID(job_id)
    except ValueError:
        raise CommandError(f"{job_id!r} is not a job id (a UUID).") from None
    job = Job.objects.select_related("workspace", "user", "parent").filter(pk=pk).first()
    if job is None:
        raise CommandError(f"No job {job_id}.")
    return job


class Command(BaseCommand):
    help = "Show a job: status, provider id, error, songs and files it made."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job_id")
        parser.add_argument("--raw", action="store_true", help="Also print the last payload.")

    def handle(self, *args, job_id: str, raw: bool, **options) -> None:
        job = load_job(job_id)
        lines = [
            f"Job         {job.pk}",
            f"Action      {job.action}",
            f"Status      {job.status}"
            + (" (failed by the studio)" if job.failed_locally else "")
            + (f", {job.progress}%" if job.is_running else ""),
            f"Provider id {job.provider_job_id or '-'}",
            f"Workspace   {job.workspace} ({job.workspace_id})",
            f"User        {job.user or '-'}",
            f"Parent      {job.parent or '-'}",
            f"Quota       {job.quota if job.quota is not None else '-'}",
            f"Created     {job.created_at:%Y-%m-%d %H:%M:%S}",
            f"Submitted   {job.submitted_at or '-'} (attempts {job.submit_attempts})",
            f"Finished    {job.finished_at or '-'}",
            f"Next poll   {job.next_poll_at or '-'} (polls {job.poll_count})",
            f"Error       {job.error or '-'}",
            f"Params      {json.dumps(job.params, sort_keys=True)}",
        ]
        for song in job.songs.all():
            lines.append(f"Song        {song.pk} {song.music_id} {song} [{song.archive_status}]")
        for asset in job.assets.all():
            lines.append(
                f"File        {asset.pk} {asset.kind} {asset.label} [{asset.archive_status}]"
            )
        if raw:
            lines.append(json.dumps(job.raw, indent=2, sort_keys=True))
        self.stdout.write("\n".join(lines))
