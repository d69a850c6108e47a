"""The job lifecycle: submit, send, apply a result, poll, reconcile. No HTTP views here.

The invariants of the job and its songs (docs/architecture.md) live here:
1. The Job row is committed before the HTTP call; the provider's job id is saved right after.
   `submitted_at` marks a send in flight: a job whose send was claimed is never sent again,
   so a crash mid-send leaves it UNKNOWN (resolved by its webhook), never sent twice.
2. Status only moves forward: every change is a compare-and-set `.filter(status__in=...)`.
3. No HTTP call inside a database transaction; tasks are enqueued with `on_commit` (a
   result's archiving goes into the same transaction when the queue is a table of the same
   database: see `archive.archive_later`).
4. Every failure leaves a readable sentence in `Job.error`.
"""

from __future__ import annotations

import json
import logging
import math
import re
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contract.engines import Engine
from contract.errors import MalformedResult, PayloadInvalid, TTAPIError
from contract.parsing import FAILED, SUCCESS, JobResult
from contract.producer import FREE_ACTIONS, PARENT_ACTIONS, Action, action_of
from studio import db
from studio.jobs import archive, ledger, outputs, providers, queueing, redaction
from studio.jobs.ttapi import engines
from studio.jobs.ttapi.switches import disabled_reason
from studio.models import Job, JobStatus, Profile, Song, Workspace
from studio.models.music import FINAL_STATUSES, RUNNING_STATUSES
from studio.models.workspaces import touch

logger = logging.getLogger(__name__)

S = JobStatus
ERROR_LIMIT = 1000
# A result finished by the studio (gave up waiting) may still be replaced by the provider's.
LATE_RESULT_OK = Q(status__in=RUNNING_STATUSES) | Q(status=S.FAILED, failed_locally=True)
# The fields of a job its card shows: changing one tells the team's open pages.
SHOWN_FIELDS = frozenset({"status", "progress", "error"})


def poll_delay(poll_count: int) -> timedelta:
    """2 s, 3 s, 4.5 s ... capped at JOB_POLL_MAX_SECONDS (60 s)."""
    first = settings.JOB_POLL_FIRST_SECONDS
    cap = settings.JOB_POLL_MAX_SECONDS
    return timedelta(seconds=min(cap, first * 1.5 ** min(poll_count, 30)))


def resend_delay(attempt: int) -> timedelta:
    """Wait before sending again after 429/499: 15 s, 30 s, 60 s ... capped at 5 minutes."""
    return timedelta(seconds=min(300.0, settings.JOB_RESEND_SECONDS * 2 ** (attempt - 1)))


def send_lease() -> timedelta:
    """How long a claimed send may take before the sweep decides the sender died."""
    return timedelta(seconds=2 * settings.TTAPI_TIMEOUT + 60)


def poll_lease() -> timedelta:
    """A claimed poll not finished by then is taken again (JOB_POLL_LEASE_SECONDS)."""
    return timedelta(seconds=settings.JOB_POLL_LEASE_SECONDS)


def max_age() -> timedelta:
    return timedelta(minutes=settings.JOB_MAX_AGE_MINUTES)


def max_submit_attempts() -> int:
    return settings.JOB_MAX_SUBMIT_ATTEMPTS


class SubmitRefused(Exception):
    """The studio will not send this job; `message` says why. No row was created."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RunningCapReached(SubmitRefused):
    """Refused only because the workspace runs as many jobs as it may: try again later."""


class EmailUnconfirmed(SubmitRefused):
    """Refused because the job would spend the studio's key for a person whose email
    address is not confirmed yet: the page offers to send the link again."""


class JobMismatch(ValueError):
    """A result that names another provider job than the one this Job holds."""


def _cas(job: Job | UUID | str, condition: Q | tuple, **fields: Any) -> bool:
    """Compare-and-set: update the job only if it still matches `condition`."""
    pk = job.pk if isinstance(job, Job) else job
    if isinstance(condition, tuple):
        condition = Q(status__in=condition)
    fields.setdefault("updated_at", timezone.now())
    moved = Job.objects.filter(condition, pk=pk).update(**fields) > 0
    if moved and isinstance(job, Job) and SHOWN_FIELDS.intersection(fields):
        touch(job.workspace_id)
    return moved


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


# Submitting.


def submit(
    action: Action | str,
    params: dict,
    *,
    workspace: Workspace,
    user,
    parent: Song | None = None,
    engine: Engine | str | None = None,
) -> Job:
    """Validate, check the workspace's limits, create the Job and send it after commit.

    The job goes to `engine`, else to the engine of the song it works on (the only API that
    knows that song), else to the Producer API."""
    action = action_of(action)
    engine = engines.engine_of(engine or (parent.engine if parent is not None else None))
    reason = engines.disabled_reason(engine) or disabled_reason(action)
    if reason:
        raise SubmitRefused(reason)
    if providers.uses_emulator(workspace) and not settings.EMULATOR_ENABLED:
        raise SubmitRefused(
            "This studio has no key for the music service: an owner can add one in the "
            "workspace settings."
        )
    params = {k: v for k, v in dict(params or {}).items() if k != "hook_url"}
    source = engines.api(engine).source_field
    if action in PARENT_ACTIONS:
        parent = _usable_parent(params, workspace, parent, engine)
        params[source] = parent.music_id
    else:
        parent = None
    duration = parent.duration if parent is not None else None
    cleaned = engines.validate(engine, action, params, source_duration=duration)
    with transaction.atomic():
        # The workspace's row lock makes simultaneous submissions count one after the other:
        # two can never both pass the last free slot or the last credits (on SQLite the
        # transaction itself takes the write lock).
        Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk").first()
        _check_limits(workspace, action)
        site_key = providers.uses_site_key(workspace)
        if site_key:
            _check_person(user, action)
        job = Job.objects.create(
            workspace=workspace,
            user=user if getattr(user, "is_authenticated", False) else None,
            engine=engine,
            action=action,
            parent=parent,
            params=cleaned,
            on_emulator=providers.uses_emulator(workspace),
            on_site_key=site_key,
            # If the send task is lost, the sweep sends the job once this passes.
            next_poll_at=timezone.now() + timedelta(seconds=30),
        )
        transaction.on_commit(partial(queueing.enqueue_quietly, send_job, str(job.pk)))
        touch(workspace.pk)
    return job


def _usable_parent(params: dict, workspace: Workspace, parent: Song | None, engine: Engine) -> Song:
    source = engines.api(engine).source_field
    if parent is None:
        music_id = str(params.get(source) or "").strip()
        if not music_id:
            raise PayloadInvalid({source: "Choose the song to work on."})
        parent = Song.objects.filter(workspace=workspace, music_id=music_id).first()
        if parent is None:
            raise PayloadInvalid({source: "No song with this id in this workspace."})
    if parent.workspace_id != workspace.pk:
        raise SubmitRefused("That song belongs to another workspace.")
    if engines.engine_of(parent.engine) is not engine:
        raise SubmitRefused(
            f"“{parent}” was made with {engines.engine_of(parent.engine).label}: only that "
            f"engine can work on it, not {engine.label}."
        )
    if parent.deleted_at is not None:
        raise SubmitRefused(f"“{parent}” was deleted: restore it first.")
    if parent.job_id is not None:
        status = Job.objects.filter(pk=parent.job_id).values_list("status", flat=True).first()
        if status is not None and status != S.SUCCESS:
            raise SubmitRefused(f"“{parent}” has not finished yet: wait until it is done.")
    if not parent.music_id:
        raise SubmitRefused(f"“{parent}” has no id from the music service yet.")
    return parent


def check_limits(workspace: Workspace, action: Action | str) -> None:
    """SubmitRefused when the workspace could not take this job now: a first look, without
    the lock (`submit` checks again under it), for work worth skipping when it would be
    refused, such as storing an upload."""
    _check_limits(workspace, action_of(action))


def _check_limits(workspace: Workspace, action: Action) -> None:
    running = Job.objects.filter(workspace=workspace, status__in=RUNNING_STATUSES)
    cap = settings.WORKSPACE_MAX_RUNNING_JOBS
    if running.count() >= cap:
        raise RunningCapReached(
            f"This workspace already has {cap} jobs running, its limit: "
            "wait for one to finish, then try again."
        )
    budget = workspace.monthly_budget
    cost = ledger.estimate(action)
    if budget is None or action in FREE_ACTIONS or not cost:
        return
    spent = ledger.month_spent(workspace)
    reserved = ledger.running_estimate(workspace)
    if spent + reserved + cost > budget:
        held = f" ({reserved:g} more are held by running jobs)" if reserved else ""
        raise SubmitRefused(
            f"This workspace has spent {spent:g} of its {budget} credits this month{held}, "
            f"and this needs about {cost:g}: an owner can raise the monthly budget."
        )


def _check_person(user, action: Action) -> None:
    """The submitter's own limits on the studio's key, on top of the workspace's: a confirmed
    email address, then their monthly budget across every workspace. Their profile row is
    locked, so their submissions in two workspaces at once count one after the other."""
    if not getattr(user, "is_authenticated", False):
        raise SubmitRefused(_("Only a signed-in person can use the studio's key."))
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None or not profile.has_verified(user.email):
        raise EmailUnconfirmed(
            _(
                "Confirm your email address first: this workspace uses the studio's key, "
                "which only people with a confirmed address may spend. Follow the link we "
                "emailed you, or send a new one."
            )
        )
    cost = ledger.estimate(action)
    if action in FREE_ACTIONS or not cost:
        return
    spent = ledger.person_month_spent(user.pk)
    reserved = ledger.person_running_estimate(user.pk)
    if spent + reserved + cost > profile.budget:
        raise SubmitRefused(
            _(
                "You have spent %(spent)s of your %(budget)s credits on the studio's key this "
                "month (%(held)s more are held by your running jobs), and this needs about "
                "%(cost)s. Staff can raise your budget; a workspace with its own key is not "
                "counted against it."
            )
            % {
                "spent": ledger.amount(spent),
                "budget": profile.budget,
                "held": ledger.amount(reserved),
                "cost": ledger.amount(cost),
            }
        )


def reachable_base_url(job: Job) -> str:
    """Where the provider can reach the studio: PUBLIC_BASE_URL; else, for a job on the
    built-in emulator, the emulator's own host (it runs inside the studio, as under
    `make run`, and its hooks may reach that host); else nowhere."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    if job.on_emulator and settings.EMULATOR_ENABLED and settings.EMULATOR_WEBHOOKS:
        parts = urlsplit(settings.EMULATOR_BASE_URL)
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return ""


def hook_url(job: Job) -> str:
    """Where the provider posts the result; empty when the studio is not reachable."""
    base = reachable_base_url(job)
    if not base:
        return ""
    path = reverse("jobs:job_hook", kwargs={"job_id": job.pk, "token": job.hook_token})
    return base + path


def send(job: Job | UUID | str) -> Job:
    """Send a SUBMITTING job once. Never call inside a transaction (it makes an HTTP call)."""
    job = Job.objects.select_related("workspace").get(pk=getattr(job, "pk", job))
    if job.status != S.SUBMITTING or job.submitted_at is not None:
        return job
    try:
        client = providers.client_for_job(job)
    except ValueError as exc:  # a misconfigured base URL: nothing can be sent
        mark_failed(job, f"The studio cannot reach the music service: {exc}")
        job.refresh_from_db()
        return job
    now = timezone.now()
    claimed = _cas(
        job,
        Q(status=S.SUBMITTING, submitted_at__isnull=True),
        submitted_at=now,
        submit_attempts=F("submit_attempts") + 1,
        next_poll_at=now + send_lease(),
    )
    if not claimed:  # another worker sends it
        job.refresh_from_db()
        return job
    job.submit_attempts += 1
    payload = dict(job.params)
    if url := hook_url(job):
        payload["hook_url"] = url
    try:
        with client:
            sent = client.submit(job.action, payload)
    except TTAPIError as exc:
        _record_send_error(job, exc)
    except Exception:
        # Whatever broke, the request may have left: check, never send again.
        logger.exception("Sending job %s failed unexpectedly", job.pk)
        _cas(
            job,
            (S.SUBMITTING,),
            status=S.UNKNOWN,
            error="The studio hit an error while sending this job, so it is not known whether "
            "the music service received it; it is being checked.",
            next_poll_at=timezone.now() + poll_delay(0),
        )
    else:
        save_sent(job, sent.job_id)
    job.refresh_from_db()
    return job


@task()
def send_job(job_id: str) -> str:
    return send(job_id).status


def save_sent(job: Job, provider_job_id: str) -> None:
    """Right after the POST: keep the provider's id, then mark the job running."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, provider_job_id="").update(
        provider_job_id=provider_job_id[:64], updated_at=now
    )
    _cas(
        job,
        (S.SUBMITTING, S.UNKNOWN),
        status=S.ON_QUEUE,
        error="",
        poll_count=0,
        next_poll_at=now + poll_delay(0),
    )


def _record_send_error(job: Job, exc: TTAPIError) -> None:
    now = timezone.now()
    if exc.ambiguous:
        _cas(
            job,
            (S.SUBMITTING,),
            status=S.UNKNOWN,
            error=_short(exc.message),
            next_poll_at=now + poll_delay(0),
        )
    elif exc.retry_later and job.submit_attempts < max_submit_attempts():
        when = resend_delay(job.submit_attempts)
        _cas(
            job,
            (S.SUBMITTING,),
            submitted_at=None,
            next_poll_at=now + when,
            error=_short(
                f"{exc.message} Nothing was created; the studio sends it again automatically "
                f"(in {math.ceil(when.total_seconds())} s, attempt {job.submit_attempts + 1} "
                f"of {max_submit_attempts()})."
            ),
        )
    else:
        message = exc.message
        if exc.retry_later:
            message += f" Gave up after {job.submit_attempts} attempts; nothing was created."
        _cas(
            job,
            (S.SUBMITTING,),
            status=S.FAILED,
            error=_short(message),
            finished_at=now,
            next_poll_at=None,
        )


# Results.


# In a UTF-8 JSON text, NUL and lone surrogates can only arrive as these escapes.
_UNSTORABLE_ESCAPES = re.compile(r"\\u0000|\\u[dD][89a-fA-F]")
_NESTING_LIMIT = 64


def _finite_or_none(literal: str) -> float | None:
    number = float(literal)
    return number if math.isfinite(number) else None


def load_result(text: str) -> Any:
    """A result body's JSON, as `clean_payload` would leave it.

    Non-finite numbers read as None on the way in; the walk over every value (a fifth of the
    work of a duplicate delivery) runs only when the text holds a NUL or surrogate escape,
    or brackets enough to nest past the limit."""
    value = json.loads(text, parse_constant=lambda _: None, parse_float=_finite_or_none)
    nested = text.count("{") + text.count("[") > _NESTING_LIMIT
    if nested or _UNSTORABLE_ESCAPES.search(text):
        value = clean_payload(value)
    return value


def clean_payload(value: Any, depth: int = 0) -> Any:
    """What any database can store: no NUL characters, lone surrogates or NaN."""
    if depth > _NESTING_LIMIT:
        return None
    if isinstance(value, str):
        if value.isascii():  # no surrogates possible: a flag CPython keeps, so no scan
            return value.replace("\x00", "") if "\x00" in value else value
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {clean_payload(str(k)): clean_payload(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_payload(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def apply_result(job: Job, payload: dict, *, clean: bool = True) -> bool:
    """Apply a fetch answer or webhook body. Idempotent, monotonic; True if anything changed.

    `clean=False` for a payload `load_result` read, which needs no `clean_payload`.
    Raises MalformedResult for a body that is not a job result, JobMismatch for another job's.
    """
    if clean:
        payload = clean_payload(payload)
    result = engines.api(job.engine).parse_job_result(payload)
    if len(result.job_id) > 64:
        raise MalformedResult("The job id in the result is too long.", raw=payload)
    return apply_parsed(job, result)


def apply_parsed(job: Job, result: JobResult) -> bool:
    changed = False
    if not job.provider_job_id:
        changed = (
            Job.objects.filter(pk=job.pk, provider_job_id="").update(
                provider_job_id=result.job_id, updated_at=timezone.now()
            )
            > 0
        )
        if changed:
            job.provider_job_id = result.job_id
        else:  # someone else saved it first: read theirs
            job.provider_job_id = Job.objects.values_list("provider_job_id", flat=True).get(
                pk=job.pk
            )
    if job.provider_job_id != result.job_id:
        raise JobMismatch("This result belongs to another job.")
    if job.status in FINAL_STATUSES and not job.failed_locally:
        # Status only moves forward, so a job this row already shows finished stays so: a
        # repeated delivery is answered from the row the caller loaded, without a write.
        return changed

    # A key the provider echoed is never stored (nor shown, nor logged from the row).
    result = redaction.redact_result(result, redaction.secrets_for(job))
    now = timezone.now()
    raw = result.raw
    if result.status == SUCCESS:
        return _apply_success(job, result) or changed
    if result.status == FAILED:
        reason = result.message if result.message.lower() not in ("", "failed") else ""
        error = (
            f"The music service could not finish this job: {reason}"
            if reason
            else "The music service reported that this job failed."
        )
        done = _cas(
            job,
            (*RUNNING_STATUSES,),
            status=S.FAILED,
            error=_short(error),
            quota=_quota(result.quota),
            raw=raw,
            finished_at=now,
            next_poll_at=None,
        )
        return done or changed
    # Still running: only from an earlier status, or with more progress.
    progress = result.progress
    started = _cas(
        job,
        (S.SUBMITTING, S.UNKNOWN),
        status=S.ON_QUEUE,
        progress=progress or 0,
        raw=raw,
        error="",
        submitted_at=job.submitted_at or now,
        next_poll_at=now + poll_delay(0),
    )
    if started or progress is None:
        return started or changed
    moved = _cas(job, Q(status=S.ON_QUEUE, progress__lt=progress), progress=progress, raw=raw)
    return moved or changed


def _quota(value: Decimal | None) -> Decimal | None:
    if value is None or not (0 <= value < 10**7):
        return None
    return value.quantize(Decimal("0.01"))


def _apply_success(job: Job, result: JobResult) -> bool:
    """Move the job to SUCCESS and record its outputs, in one transaction.

    `job` is the row the caller loaded: what the outputs need from it (action, params,
    workspace, user, parent) never changes once the job exists, so it is not read again.
    """
    now = timezone.now()
    changes = {
        "status": S.SUCCESS,
        "progress": 100,
        "quota": _quota(result.quota),
        "raw": result.raw,
        "error": "",
        "failed_locally": False,
        "finished_at": now,
        "next_poll_at": None,
        "updated_at": now,
    }
    # Only the outermost transaction is relaxed (see `db.relax_commit`): never a caller's.
    relax = not connection.in_atomic_block
    new = outputs.new_songs(job, result)
    if new is not None:  # the common case
        queue = archive.archive_row([song.pk for song in new.songs])
        write = db.SongWrite(job, LATE_RESULT_OK, changes, new.songs, new.events, queue)
        inserted = db.record_songs(write, relax=relax)
        if inserted is None:
            return False
        outputs.after_songs(job, new, inserted, queued=queue is not None)
        touch(job.workspace_id)
        return True
    with transaction.atomic():
        if not _cas(job, LATE_RESULT_OK, **changes):
            return False
        if relax:  # before commit is enough; a repeat that lost the race never needs it
            db.relax_commit()
        problem = outputs.record_outputs(job, result)
        if problem:
            # Our own verdict in the same transaction: nobody saw the SUCCESS.
            _cas(job, Q(status=S.SUCCESS), status=S.FAILED, error=_short(problem))
        touch(job.workspace_id)
    return True


def mark_failed(job: Job, reason: str) -> bool:
    """The studio gives up on a running job; a late result from the provider still counts."""
    return _cas(
        job,
        (*RUNNING_STATUSES,),
        status=S.FAILED,
        error=_short(reason),
        failed_locally=True,
        finished_at=timezone.now(),
        next_poll_at=None,
    )


# Polling and reconciling.


def reconcile(job: Job, *, now: datetime | None = None) -> Job:
    """Bring the job up to date: send it if it never left, fetch it, or give up when too old."""
    job = Job.objects.select_related("workspace").get(pk=job.pk)
    now = now or timezone.now()
    if job.status in FINAL_STATUSES and not (job.failed_locally and job.provider_job_id):
        return job
    if job.status == S.SUBMITTING and job.submitted_at is None:
        if now - job.created_at > max_age():
            mark_failed(
                job,
                "Never sent: the music service stayed busy. Nothing was created; "
                "retry when it is less busy.",
            )
        else:
            send(job)
        return Job.objects.get(pk=job.pk)
    if job.provider_job_id:
        _fetch_and_apply(job)
    elif job.status == S.SUBMITTING and job.submitted_at + send_lease() <= now:
        # The sender died between the POST and saving its answer: never send it again.
        _cas(
            job,
            Q(status=S.SUBMITTING, submitted_at__isnull=False),
            status=S.UNKNOWN,
            error="The studio stopped while sending this job, so it is not known whether the "
            "music service received it. Waiting for its result.",
            next_poll_at=now + poll_delay(0),
        )
    job = Job.objects.get(pk=job.pk)
    if job.status in RUNNING_STATUSES and now - job.created_at > max_age():
        mark_failed(job, _give_up_reason(job))
        job.refresh_from_db()
    return job


def _give_up_reason(job: Job) -> str:
    minutes = settings.JOB_MAX_AGE_MINUTES
    if job.provider_job_id:
        return (
            f"No result after {minutes} minutes: the music service never finished this job. "
            "You can retry it; a late result would still appear."
        )
    why = f" ({job.error.rstrip('.')})" if job.error else ""
    return (
        f"The studio could not confirm that the music service received this job{why}. "
        "The provider may have created it anyway: check your account's job list before "
        "retrying, so it is not paid for twice."
    )


def _fetch_and_apply(job: Job) -> None:
    try:
        with providers.client_for_job(job) as client:
            result = client.fetch(job.provider_job_id)
    except TTAPIError as exc:
        if job.status in RUNNING_STATUSES:
            _cas(job, (*RUNNING_STATUSES,), error=_short(f"Could not check the job: {exc.message}"))
        return
    try:
        apply_parsed(job, result)
    except JobMismatch:
        logger.warning("Fetch of job %s answered for another job", job.pk)


def poll(job_id: UUID | str, *, now: datetime | None = None) -> Job | None:
    """One poll of a job the caller claimed: reconcile, then schedule the next one."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    now = now or timezone.now()
    job = reconcile(job, now=now)
    if job.status in (S.ON_QUEUE, S.UNKNOWN):
        _cas(
            job,
            (S.ON_QUEUE, S.UNKNOWN),
            poll_count=F("poll_count") + 1,
            next_poll_at=now + poll_delay(job.poll_count + 1),
        )
    return job


def claim(job: Job, lease: timedelta, now: datetime | None = None) -> bool:
    """Take a due job for this worker: several workers never handle the same job at once."""
    now = now or timezone.now()
    return _cas(
        job,
        Q(status__in=RUNNING_STATUSES, next_poll_at=job.next_poll_at),
        next_poll_at=now + lease,
    )


def retry(job: Job, user) -> Job:
    """FAILED: a new job with the same request and parent. UNKNOWN: check it again."""
    if job.status == S.UNKNOWN:
        return reconcile(job)
    if job.status != S.FAILED:
        raise SubmitRefused("Only a failed job can be retried.")
    parent = Song.objects.filter(pk=job.parent_id).first() if job.parent_id else None
    return submit(
        job.action,
        dict(job.params),
        workspace=job.workspace,
        user=user,
        parent=parent,
        engine=job.engine,
    )


__all__ = [
    "EmailUnconfirmed",
    "JobMismatch",
    "RunningCapReached",
    "SubmitRefused",
    "apply_result",
    "load_result",
    "mark_failed",
    "reconcile",
    "retry",
    "submit",
]
