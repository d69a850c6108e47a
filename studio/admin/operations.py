"""What staff can do to a job or a file, from the admin or the staff dashboard.

Thin wrappers over the jobs layer (studio.jobs, studio.archive) that turn each outcome into a
sentence for the person who clicked; they never raise on a provider error.
"""

from django.utils import timezone

from contract.errors import TTAPIError
from studio.models import Asset, Job, Song
from studio.models.music import RUNNING_STATUSES

Outcome = tuple[bool, str]  # (it worked, what to tell the person)


def poll_soon(job: Job) -> Outcome:
    """Ask the poller to look at a running job now rather than at its next backoff step."""
    moved = Job.objects.filter(pk=job.pk, status__in=RUNNING_STATUSES).update(
        next_poll_at=timezone.now()
    )
    if not moved:
        return False, f"Job {job.pk} has already finished: nothing to poll."
    return True, f"Job {job.pk} will be polled on the worker's next pass."


def reconcile(job: Job) -> Outcome:
    """Fetch the job's state from the provider now and apply it."""
    # The jobs layer imports the whole client: load it on use.
    from studio.jobs import lifecycle as jobs

    try:
        jobs.reconcile(job)
    except TTAPIError as error:
        return False, f"Job {job.pk}: the provider could not be asked ({error})."
    job.refresh_from_db(fields=["status", "error"])
    return True, f"Job {job.pk} reconciled: {job.get_status_display().lower()}."


def mark_failed(job: Job, by) -> Outcome:
    from studio.jobs import lifecycle as jobs

    reason = f"Marked as failed by staff ({by.get_username()})."
    if jobs.mark_failed(job, reason):
        return True, f"Job {job.pk} marked as failed."
    return False, f"Job {job.pk} had already finished: left as it was."


def retry_archiving(item: Song | Asset) -> Outcome:
    from studio.jobs import archive

    if archive.retry_archiving(item):
        return True, f"Copying {item} into our storage again."
    return False, f"{item} is archived and its files are in storage: nothing to copy."
