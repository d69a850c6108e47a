"""Takes: one Create asked for several songs from the same settings, to keep the best.

The API makes one song per request, so each take is its own job, sent and counted like any
other (running-job cap, budget); the takes share a `take_batch` id so their page can show
them side by side.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

from django import forms
from django.db import transaction

from contract.engines import Engine
from contract.producer import Action
from studio.jobs import lifecycle as jobs
from studio.models import Job, Song, Workspace

MAX_TAKES = 4


class TakesForm(forms.Form):
    takes = forms.TypedChoiceField(
        label="Takes",
        choices=[(n, str(n)) for n in range(1, MAX_TAKES + 1)],
        coerce=int,
        required=False,
        empty_value=1,
        initial=1,
        help_text="Each take is its own request (and costs the same); compare them side by side.",
    )


@dataclass
class Started:
    batch: uuid.UUID | None
    jobs: list[Job] = field(default_factory=list)
    refused: str = ""  # why the remaining takes could not start


def take_params(params: dict, number: int, base_seed: int) -> dict:
    """Take `number` (0-based) of `params`. Each take has its own seed, one more than the
    last: a given seed, or a random one (a service that derives the seed from the prompt
    would otherwise make the same song every time)."""
    seed = str(params.get("seed") or "")
    start = int(seed) if seed.isdigit() else base_seed
    return {**params, "seed": str(start + number)}


def start(
    params: dict, count: int, *, workspace: Workspace, user, engine: Engine = Engine.PRODUCER
) -> Started:
    """Send up to `count` takes, one request each, stopping at the first refusal (the cap or
    the budget): the ones already started run. Raises what the first take raised."""
    batch = uuid.uuid4() if count > 1 else None
    started = Started(batch)
    base_seed = secrets.randbelow(10**9)
    for number in range(count):
        try:
            # The batch id is on the row before the send (queued on commit) can touch it.
            with transaction.atomic():
                take = take_params(params, number, base_seed) if batch else params
                job = jobs.submit(Action.MUSIC, take, workspace=workspace, user=user, engine=engine)
                if batch:
                    Job.objects.filter(pk=job.pk).update(take_batch=batch)
                    job.take_batch = batch
        except jobs.SubmitRefused as exc:
            if not started.jobs:
                raise
            started.refused = exc.message
            break
        started.jobs.append(job)
    return started


@dataclass
class Take:
    job: Job
    song: Song | None


def takes_of(workspace: Workspace, batch: uuid.UUID) -> list[Take]:
    """The batch's takes in the order they were asked for, each with its song once made."""
    batch_jobs = list(
        Job.objects.filter(workspace=workspace, take_batch=batch).order_by("created_at", "pk")
    )
    songs: dict = {}
    found = Song.objects.live().filter(job__in=batch_jobs).select_related("created_by")
    for song in found.order_by("created_at"):
        songs.setdefault(song.job_id, song)
    return [Take(job, songs.get(job.pk)) for job in batch_jobs]
