"""Jobs: start any action of either engine through the studio's own forms and
`jobs.submit` (one path: the same fields, budget, running cap and costs as the pages),
then follow its status and progress."""

from __future__ import annotations

import hashlib
import json
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from contract.producer import PARENT_ACTIONS, Action
from studio.api.auth import actor, require_write, token_of, workspace_of
from studio.api.problems import ApiProblem, Problem
from studio.api.schemas import JobIn, JobOut, JobPage, UsageOut
from studio.api.songs import live_song
from studio.jobs import ledger
from studio.lib.keyset import BadCursor, Order, paginate
from studio.library import submissions
from studio.library.forms import LyricsForm
from studio.models import IdempotentRequest, Job, JobStatus, Song
from studio.models.music import RUNNING_STATUSES

router = Router(tags=["jobs"])
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 429: Problem}
NEWEST = Order(("created_at", "id"), descending=True)
MAX_KEY = 200


def job_out(job: Job) -> dict:
    songs = getattr(job, "live_songs", None)
    if songs is None:
        songs = list(Song.objects.filter(job=job, deleted_at__isnull=True).order_by("created_at"))
    return {
        "id": job.id,
        "action": job.action,
        "engine": job.engine,
        "status": job.status,
        "progress": job.progress,
        "error": job.error,
        "parent_id": job.parent_id,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "songs": [song.id for song in songs],
        "url": reverse("api:v1:job", args=[job.id]),
    }


def refusal(*forms: Form) -> ApiProblem:
    """What the forms said, as a problem: the reasons above the form are the detail."""
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    for form in forms:
        for name, messages in form.errors.items():
            if name == "__all__":
                general.extend(messages)
            else:
                errors.setdefault(name, []).extend(messages)
    detail = " ".join(general) or _("Some fields are not valid: %(names)s.") % {
        "names": ", ".join(errors)
    }
    return ApiProblem(400, detail, errors=errors or None)


def with_defaults(data: dict, *form_classes: type[Form]) -> dict:
    """The fields as the page would post them: a field left out takes the value the form
    starts with (a slider's middle, a video's style), as an untouched page sends it."""
    defaults: dict = {}
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            if field.initial is not None and not callable(field.initial):
                defaults.setdefault(name, field.initial)
    return {**defaults, **data}


def start(request: HttpRequest, body: JobIn) -> Job:
    """Bind the page's form for the action to the fields and submit it."""
    workspace, user = workspace_of(request), actor(request)
    data = {name: value for name, value in body.fields.items() if value is not None}
    try:
        action = Action(body.action)
    except ValueError:
        raise ApiProblem(
            400,
            _("Unknown action “%(action)s”: one of %(actions)s.")
            % {"action": body.action, "actions": ", ".join(Action.values)},
            errors={"action": [_("Not an action.")]},
        ) from None
    if action in PARENT_ACTIONS:
        if body.song_id is None:
            raise ApiProblem(
                400, _("This action works on a song: give its song_id."), errors={"song_id": []}
            )
        song = live_song(request, body.song_id)
        form_class = submissions.action_forms(song).get(action)
        if form_class is None:
            raise ApiProblem(
                400,
                _("%(action)s is not offered for songs made with this engine.")
                % {"action": action.label},
            )
        form = submissions.song_form(form_class, song, data=with_defaults(data, form_class))
        job = submissions.submit_song_action(form, song, user)
        if job is None:
            raise refusal(form)
        return job
    if action is Action.MUSIC:
        data = with_defaults(data, *submissions.CREATE_FORMS.values())
        data["takes"] = 1  # one job per request
        picker, forms, takes_form = submissions.create_forms(data, workspace)
        form = forms[picker.engine()]
        started = submissions.start_create(picker, form, takes_form, workspace=workspace, user=user)
        if started is None:
            raise refusal(picker, form, takes_form)
        return started.jobs[0]
    if action is Action.LYRICS:
        form = LyricsForm(data)
        job = submissions.start_lyrics(form, workspace=workspace, user=user)
        if job is None:
            raise refusal(form)
        return job
    raise ApiProblem(
        400, _("Uploads are made on the studio's upload page, not through the API yet.")
    )


def _fingerprint(body: JobIn) -> str:
    text = json.dumps(body.dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _idempotent(request: HttpRequest, key: str, body: JobIn) -> Job:
    """Create at most one job per key and token: the key is claimed before the job is
    submitted, so a retry (even one arriving while the first is still being handled) never
    spends twice; a refused submission frees the key."""
    token = token_of(request)
    fingerprint = _fingerprint(body)
    try:
        with transaction.atomic():
            claim = IdempotentRequest.objects.create(token=token, key=key, fingerprint=fingerprint)
    except IntegrityError:
        earlier = IdempotentRequest.objects.filter(token=token, key=key).first()
        if earlier is None:  # freed meanwhile by a refusal: answer as the first would now
            return _idempotent(request, key, body)
        if earlier.fingerprint != fingerprint:
            raise ApiProblem(
                409, _("This Idempotency-Key was used with another request body.")
            ) from None
        if earlier.job_id is None:
            raise ApiProblem(
                409, _("A request with this Idempotency-Key is still being handled.")
            ) from None
        return Job.objects.get(pk=earlier.job_id)
    try:
        job = start(request, body)
    except BaseException:
        claim.delete()
        raise
    IdempotentRequest.objects.filter(pk=claim.pk).update(job=job)
    return job


@router.post(
    "/jobs",
    response={201: JobOut, 200: JobOut, **ERRORS},
    summary="Start a job (any action of either engine)",
)
def create_job(request: HttpRequest, body: JobIn):
    """The fields are the studio form's for the action. With an `Idempotency-Key` header, a
    retry of the same request answers 200 with the same job and spends nothing."""
    require_write(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_KEY:
        raise ApiProblem(400, _("An Idempotency-Key has at most 200 characters."))
    if not key:
        return Status(201, job_out(start(request, body)))
    before = IdempotentRequest.objects.filter(token=token_of(request), key=key).exists()
    job = _idempotent(request, key, body)
    return Status(200 if before else 201, job_out(job))


class JobFilters(Schema):
    status: JobStatus | None = None
    action: Action | None = None
    after: str = Field("", max_length=400)
    before: str = Field("", max_length=400)
    limit: int = Field(50, ge=1, le=100)


@router.get("/jobs", response={200: JobPage, **ERRORS}, summary="List jobs, newest first")
def list_jobs(request: HttpRequest, filters: Query[JobFilters]):
    jobs = Job.objects.filter(workspace=workspace_of(request)).prefetch_related(
        Prefetch(
            "songs",
            queryset=Song.objects.filter(deleted_at__isnull=True).only("id", "job_id"),
            to_attr="live_songs",
        )
    )
    if filters.status:
        jobs = jobs.filter(status=filters.status)
    if filters.action:
        jobs = jobs.filter(action=filters.action)
    try:
        page = paginate(jobs, NEWEST, filters.dict(), filters.limit)
    except BadCursor:
        raise ApiProblem(400, _("This cursor is not valid: start without one.")) from None
    return {
        "items": [job_out(job) for job in page.object_list],
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, url_name="job")
def get_job(request: HttpRequest, job_id: UUID):
    job = Job.objects.filter(pk=job_id, workspace=workspace_of(request)).first()
    if job is None:
        raise ApiProblem(404, _("No job with this id in this token's workspace."))
    return job_out(job)


@router.get("/usage", response={200: UsageOut, **ERRORS}, tags=["usage"])
def usage(request: HttpRequest):
    """This month's budget, what is spent and held by running jobs, and the running cap."""
    workspace = workspace_of(request)
    budget = ledger.budget_left(workspace)
    running = Job.objects.filter(workspace=workspace, status__in=RUNNING_STATUSES).count()
    return {
        "budget": budget.budget,
        "spent": budget.spent,
        "reserved": budget.reserved,
        "left": budget.left,
        "running": running,
        "running_cap": settings.WORKSPACE_MAX_RUNNING_JOBS,
    }
