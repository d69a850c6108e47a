"""Accepting a job: check the parent, describe what it will make, and store it."""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import outbound
from contract.engines import Engine
from contract.flowmusic import DEFAULT_MODEL as FLOW_DEFAULT_MODEL
from emulator import clock, faults, files, hooks, recipes
from emulator import lyrics as lyricist
from emulator.models import HookState, Job, Music, Outcome, key_digest
from emulator.synth import STEM_NAMES, duration

logger = logging.getLogger(__name__)

DEFAULT_MV = "FUZZ-2.0"
# Actions that may work on a stem (a layer) rather than a whole song.
STEM_PARENT_ACTIONS = frozenset({"download", "generate-video"})
UPLOAD_TIMEOUT = 60.0  # a studio may render the file on its first request
UPLOAD_SUFFIXES = (".mp3", ".wav", ".ogg", ".flac", ".m4a", ".aac", ".webm", ".opus")


class Refused(Exception):
    """The request cannot be accepted: answered with `status` and the provider-like message."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def parent_for(action: str, music_id: str, api: str = Engine.PRODUCER) -> Music:
    """The song an action works on: one the same API made (a Flow clip is no Producer
    musicId, nor the reverse), whose job has succeeded."""
    missing = "Clip not found." if api == Engine.FLOWMUSIC else "Music not found."
    try:
        key = uuid.UUID(str(music_id))
    except ValueError:
        raise Refused(404, missing) from None
    parent = Music.objects.select_related("job").filter(music_id=key, job__api=api).first()
    if parent is None:
        raise Refused(404, missing)
    if not parent.job.succeeded():
        raise Refused(400, "Only after the parent job succeeded.")
    if parent.stem and action not in STEM_PARENT_ACTIONS:
        raise Refused(400, "A stem cannot be used for this action: use the whole song.")
    return parent


def _check_span(action: str, params: dict, parent: Music) -> None:
    length = parent.duration or 0.0
    starts = params.get("starts")
    if action in ("extend", "replace") and starts is not None and starts >= length:
        raise Refused(
            400, f"Parameter error: starts must be less than the song's length ({length:.2f} s)."
        )


def _download_upload(url: str) -> tuple[str, str]:
    """Fetch the audio to upload: (path on disk, "") or ("", why it failed)."""
    limit = settings.UPLOAD_MAX_BYTES
    body = io.BytesIO()
    try:
        outbound.download(
            url, body, limit=limit, deadline=UPLOAD_TIMEOUT, transport=hooks.TRANSPORT
        )
    except outbound.FetchError as exc:
        return "", f"The audio at audio_url could not be read: {exc}"
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    path = files.store_upload(body.getvalue(), suffix if suffix in UPLOAD_SUFFIXES else ".bin")
    return str(path), ""


def _song(job: Job, spec: dict) -> Music:
    try:
        seconds = duration(spec["recipe"])
    except Exception:
        logger.exception("Emulator could not measure recipe %r", spec["recipe"])
        job.outcome = Outcome.FAILED
        job.reason = "Generation failed: the audio could not be produced."
        seconds = None
    return Music(job=job, duration=seconds, **spec)


def _variation_take(params: dict) -> dict:
    """A variation without a seed is numbered among the song's variations, so two of one
    song differ (and each re-renders the same)."""
    if params.get("seed"):
        return params
    earlier = Job.objects.filter(
        api=Engine.PRODUCER, action="variation", params__music_id=params["music_id"]
    ).count()
    return {**params, "take": earlier + 1} if earlier else params


def _expire_seconds(fault) -> float | None:
    if fault is not None and fault.kind == faults.EXPIRE:
        return fault.seconds
    return settings.EMULATOR_FILES_EXPIRE_SECONDS or None


def _stems(job: Job, parent: Music, flow: bool) -> list[Music]:
    names = recipes.FLOW_STEMS if flow else STEM_NAMES
    title = recipes.flow_stem_title if flow else recipes.stem_title
    return [
        Music(
            job=job,
            recipe=parent.recipe,
            stem=stem,
            title=title(parent.title, stem),
            lyrics=parent.lyrics if stem == "vocals" else "",
            sound=parent.sound,
            seed=parent.seed,
            duration=parent.duration,
        )
        for stem in names
    ]


def create(
    action: str, params: dict, api_key: str, base_url: str, fault=None, api=Engine.PRODUCER
) -> Job:
    """Store a new job and what it makes; raises Refused when it cannot be accepted."""
    flow = api == Engine.FLOWMUSIC
    source = params.get("clip_id" if flow else "music_id")
    parent = parent_for(action, source, api) if source is not None else None
    if parent is not None and not flow:
        _check_span(action, params, parent)
    now = timezone.now()
    hook_url = params.get("hook_url", "")
    if flow:
        mv = params.get("model") or (FLOW_DEFAULT_MODEL if action != "stems" else "")
    else:
        mv = params.get("mv") or (DEFAULT_MV if action in recipes.SONG_OPS else "")
    job = Job(
        key_digest=key_digest(api_key),
        api=api,
        action=action,
        params=params,
        fault=fault.kind if fault else "",
        mv=mv,
        created_at=now,
        finishes_at=clock.finishes_at(now),
        price=(recipes.FLOW_PRICES if flow else recipes.PRICES)[action],
        base_url=base_url,
        hook_url=hook_url,
        hook_state=HookState.PENDING if hook_url else HookState.NONE,
    )
    expire = _expire_seconds(fault)
    if expire is not None:
        job.extra["expire_seconds"] = expire
    musics: list[Music] = []
    if flow and action in recipes.FLOW_OPS:
        musics.append(_song(job, recipes.flow_song(action, params, parent)))
    elif flow or action == "stems":
        musics.extend(_stems(job, parent, flow))
    elif action == "variation":
        musics.append(_song(job, recipes.song(action, _variation_take(params), parent)))
    elif action in recipes.SONG_OPS:
        musics.append(_song(job, recipes.song(action, params, parent)))
    elif action == "upload":
        path, why = _download_upload(params["audio_url"])
        if why:
            job.outcome, job.reason = Outcome.FAILED, why
        else:
            musics.append(_song(job, recipes.upload(path, params["audio_url"])))
            if job.outcome == Outcome.FAILED:
                job.reason = "The audio at audio_url could not be decoded."
    elif action == "lyrics":
        title, words = lyricist.write(params["prompt"])
        job.extra = {"title": title, "lyrics": words}
    elif action == "download":
        job.extra = {"format": params["format"]}
    elif action == "generate-video":
        job.extra = {"preset": params.get("preset", "simple")}
    if fault is not None and fault.kind == faults.FAIL:
        job.outcome, job.reason = Outcome.FAILED, faults.FAIL_REASON
    for position, music in enumerate(musics):
        music.position = position
        music.created_at = now
    with transaction.atomic():
        job.save()
        Music.objects.bulk_create(musics)
    return job
