"""Batches: up to 100 generations in one request, started in order as the workspace's
running cap frees slots (on each status read and by the worker's sweep), with one status
and one zip of the results.

Every item is checked by the create page's forms before anything is stored; a refusal when
its turn comes (the budget, a switched-off action) is recorded on the item, and a full
running cap just leaves it waiting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from contract.errors import PayloadInvalid
from contract.producer import Action
from studio.api.auth import actor, require_write, token_of, workspace_of
from studio.api.jobs import job_out, with_defaults
from studio.api.problems import ApiProblem, Problem
from studio.api.schemas import JobOut
from studio.jobs import lifecycle as jobs
from studio.jobs.ttapi import engines
from studio.lib.zipstream import stream_zip
from studio.library import submissions, takes
from studio.models import ApiBatch, BatchItem, BatchItemState, Job, JobStatus, Song

router = Router(tags=["batches"])
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 429: Problem}
MAX_ITEMS = 100
SWEEP_BATCHES = 20
State = BatchItemState


class BatchIn(Schema):
    items: list[dict] = Field(
        ...,
        min_length=1,
        max_length=MAX_ITEMS,
        description="Each item holds the fields of one generation (as for a music job).",
    )


class BatchItemOut(Schema):
    position: int
    state: str
    error: str
    job: JobOut | None


class BatchOut(Schema):
    id: UUID
    created_at: str
    counts: dict[str, int]
    items: list[BatchItemOut]
    zip_url: str


def _forms(fields: dict, workspace):
    data = with_defaults(
        {k: v for k, v in fields.items() if v is not None}, *submissions.CREATE_FORMS.values()
    )
    data["takes"] = 1
    picker, forms, takes_form = submissions.create_forms(data, workspace)
    return picker, forms[picker.engine()], takes_form


def check_items(items: list[dict], workspace) -> dict[str, list[str]]:
    """Every item's field errors, named `items.<n>.<field>`; empty when all are valid."""
    errors: dict[str, list[str]] = {}
    for number, fields in enumerate(items):
        picker, form, takes_form = _forms(fields, workspace)
        request = submissions.create_request(picker, form, takes_form)
        if request is not None:
            # The contract's own rules, as `jobs.submit` checks them first.
            try:
                engines.validate(request[0], Action.MUSIC, request[1])
            except PayloadInvalid as exc:
                form.add_api_errors(exc.errors)
        for each in (picker, form, takes_form):
            for name, messages in each.errors.items():
                key = f"items.{number}" if name == "__all__" else f"items.{number}.{name}"
                errors.setdefault(key, []).extend(messages)
    return errors


def advance(batch: ApiBatch, user=None) -> int:
    """Start the waiting items in order until the running cap is reached; how many started.

    The batch row is locked meanwhile, so a status read and the sweep never start the same
    item twice. No HTTP here: each job is sent once this transaction commits."""
    started = 0
    with transaction.atomic():
        locked = ApiBatch.objects.select_for_update().filter(pk=batch.pk, waiting=True).first()
        if locked is None:
            return 0
        for item in BatchItem.objects.filter(batch=batch, state=State.WAITING):
            picker, form, takes_form = _forms(item.fields, batch.workspace)
            request = submissions.create_request(picker, form, takes_form)
            if request is None:  # a model switched off since the batch was accepted
                item.state, item.error = State.REFUSED, _("The fields are no longer valid.")
                item.save(update_fields=["state", "error"])
                continue
            engine, params, _count = request
            try:
                run = takes.start(params, 1, workspace=batch.workspace, user=user, engine=engine)
            except jobs.RunningCapReached:
                break  # the rest wait for a free slot
            except (jobs.SubmitRefused, PayloadInvalid) as exc:
                item.state, item.error = State.REFUSED, exc.message
                item.save(update_fields=["state", "error"])
                continue
            item.state, item.job = State.STARTED, run.jobs[0]
            item.save(update_fields=["state", "job"])
            started += 1
        if not BatchItem.objects.filter(batch=batch, state=State.WAITING).exists():
            ApiBatch.objects.filter(pk=batch.pk).update(waiting=False)
    return started


def advance_waiting() -> int:
    """The sweep's share: start what waiting batches can now start."""
    total = 0
    for batch in ApiBatch.objects.filter(waiting=True).select_related("workspace", "token")[
        :SWEEP_BATCHES
    ]:
        user = batch.token.created_by if batch.token else None
        total += advance(batch, user)
    return total


def _batch(request: HttpRequest, batch_id: UUID) -> ApiBatch:
    batch = (
        ApiBatch.objects.filter(pk=batch_id, workspace=workspace_of(request))
        .select_related("workspace")
        .first()
    )
    if batch is None:
        raise ApiProblem(404, _("No batch with this id in this token's workspace."))
    return batch


def _out(batch: ApiBatch) -> dict:
    items = list(BatchItem.objects.filter(batch=batch).select_related("job"))
    job_ids = [item.job_id for item in items if item.job_id]
    songs: dict = {}
    for song in Song.objects.filter(job_id__in=job_ids, deleted_at__isnull=True).order_by(
        "created_at"
    ):
        songs.setdefault(song.job_id, []).append(song)
    counts = {"waiting": 0, "running": 0, "succeeded": 0, "failed": 0, "refused": 0}
    out = []
    for item in items:
        job = item.job
        if item.state == State.WAITING:
            counts["waiting"] += 1
        elif item.state == State.REFUSED or job is None:
            counts["refused"] += 1
        elif job.status == JobStatus.SUCCESS:
            counts["succeeded"] += 1
        elif job.status == JobStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["running"] += 1
        if job is not None:
            job.live_songs = songs.get(job.pk, [])
        out.append(
            {
                "position": item.position,
                "state": item.state,
                "error": item.error,
                "job": job_out(job) if job is not None else None,
            }
        )
    return {
        "id": batch.id,
        "created_at": batch.created_at.isoformat(),
        "counts": counts,
        "items": out,
        "zip_url": f"/api/v1/batches/{batch.id}/zip",
    }


@router.post("/batches", response={201: BatchOut, **ERRORS}, summary="Start up to 100 songs")
def create_batch(request: HttpRequest, body: BatchIn):
    """All items are checked first (nothing is stored if one is not valid); they start in
    order as the running cap allows."""
    require_write(request)
    workspace = workspace_of(request)
    errors = check_items(body.items, workspace)
    if errors:
        raise ApiProblem(
            400,
            _("%(n)d of the items are not valid: nothing was started.")
            % {"n": len({key.split(".")[1] for key in errors})},
            errors=errors,
        )
    with transaction.atomic():
        batch = ApiBatch.objects.create(workspace=workspace, token=token_of(request))
        BatchItem.objects.bulk_create(
            BatchItem(batch=batch, position=n, fields=fields) for n, fields in enumerate(body.items)
        )
    advance(batch, actor(request))
    return Status(201, _out(batch))


@router.get("/batches/{batch_id}", response={200: BatchOut, **ERRORS}, summary="Batch status")
def get_batch(request: HttpRequest, batch_id: UUID):
    batch = _batch(request, batch_id)
    if batch.waiting and token_of(request).member_role.can_edit:
        advance(batch, actor(request))
    return _out(batch)


def _zip_entries(songs: list[tuple[int, Song]]) -> Iterator[tuple[str, object]]:
    missing = []
    for position, song in songs:
        ext = os.path.splitext(song.audio_file.name)[1] if song.audio_file else ".mp3"
        name = f"{position + 1:03d} {slugify(song.title) or 'untitled'}"
        if not song.audio_file:
            missing.append(f"{name}: not copied to the studio yet")
            continue
        try:
            handle = song.audio_file.open("rb")
        except OSError:
            missing.append(f"{name}: the archived file is missing")
            continue
        yield f"{name}-{str(song.id)[:8]}{ext}", handle
    if missing:
        note = "These songs of the batch are not in this download:\n" + "\n".join(missing)
        yield "MISSING.txt", (note + "\n").encode()


@router.get(
    "/batches/{batch_id}/zip",
    response={200: None, **ERRORS},
    summary="The finished songs' audio, numbered by item, as a zip",
)
def batch_zip(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    batch = _batch(request, batch_id)
    positions = dict(
        BatchItem.objects.filter(batch=batch, job__isnull=False).values_list("job_id", "position")
    )
    finished = Job.objects.filter(pk__in=list(positions), status=JobStatus.SUCCESS)
    songs = Song.objects.filter(job__in=finished, deleted_at__isnull=True).order_by("created_at")
    ordered = sorted(((positions[s.job_id], s) for s in songs), key=lambda pair: pair[0])
    response = StreamingHttpResponse(
        stream_zip(_zip_entries(ordered)), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.id}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
