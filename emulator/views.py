"""The Producer API's and the Flow Music API's endpoints, as the emulator answers them, and
their media files."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import time

from django.conf import settings
from django.db.models import F
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from byteranges import ranged_response
from contract import flowmusic, producer
from contract.engines import Engine
from contract.errors import PayloadInvalid
from emulator import answers, clock, faults, files, hooks, jobs, recipes
from emulator.models import Job, Music, charged_total

logger = logging.getLogger(__name__)

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>
"""


class EmulatedDrop(ConnectionAbortedError):
    """Raised mid-answer to cut the connection (the `ambiguous-drop` fault)."""


def _error(status: int, message: str | None = None) -> JsonResponse:
    return JsonResponse(
        answers.failed(message or faults.STATUS_MESSAGES.get(status, "Error")), status=status
    )


def _html(status: int) -> HttpResponse:
    return HttpResponse(HTML_PAGE, status=status, content_type="text/html; charset=utf-8")


def _socket_of(environ: dict) -> socket.socket | None:
    """The client's socket, where the server lets us find it (gunicorn, runserver)."""
    found = environ.get("gunicorn.socket")
    stream = environ.get("wsgi.input")
    for _ in range(6):
        if found is not None or stream is None:
            break
        if isinstance(stream, socket.socket):
            found = stream
        inner = getattr(getattr(stream, "_read", None), "__self__", None)  # LimitedStream
        stream = inner or next(
            (getattr(stream, a) for a in ("stream", "raw", "_sock") if hasattr(stream, a)), None
        )
    return found if isinstance(found, socket.socket) else None


def _dropped(request: HttpRequest, body: dict) -> StreamingHttpResponse:
    data = json.dumps(body).encode()
    sock = _socket_of(request.META)

    def cut():
        yield data[: len(data) // 2]
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise EmulatedDrop("connection dropped on purpose (fault ambiguous-drop)")

    response = StreamingHttpResponse(cut(), content_type="application/json")
    response["Content-Length"] = str(len(data))
    return response


def _api_key(request: HttpRequest) -> str:
    return request.headers.get("TT-API-KEY", "").strip()


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("emulator:root"))


def _invalid(exc: PayloadInvalid) -> str:
    details = "; ".join(dict.fromkeys(f"{k}: {v}" for k, v in exc.errors.items()))
    return f"Parameter error: {details}"


def root(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": "Producer API and Flow Music API emulator",
            "base_url": _base_url(request).rstrip("/"),
            "endpoints": [
                *(f"producer/v1/{a}" for a in producer.Action.values),
                "producer/v1/fetch",
                *(f"flowmusic/v1/{a}" for a in flowmusic.Action.values),
                "flowmusic/v1/fetch",
            ],
        }
    )


def _source_duration(api: str, params: dict) -> float | None:
    """The length of the clip a Flow Music edit works on, when it exists (for validation)."""
    clip_id = params.get("clip_id")
    if api != Engine.FLOWMUSIC or not isinstance(clip_id, str) or not _is_uuid(clip_id.strip()):
        return None
    clip = Music.objects.filter(music_id=clip_id.strip(), job__api=api).first()
    return clip.duration if clip is not None else None


def _cleaned(api: str, action: str, params: dict) -> dict:
    """The request as the API's contract reads it; unknown fields are ignored, as the
    provider does. Raises PayloadInvalid."""
    if api == Engine.FLOWMUSIC:
        known = {k: v for k, v in params.items() if k in flowmusic.FIELDS[action]}
        return flowmusic.validate(action, known, source_duration=_source_duration(api, known))
    known = {k: v for k, v in params.items() if k in producer.FIELDS[producer.Action(action)]}
    return producer.validate(action, known, models=producer.DEFAULT_MODELS)


def _over_limits(api_key: str, action: str, api: str) -> int | None:
    """402 when the key's balance cannot pay for the job, 499 when it runs too many."""
    limits = faults.limits_of(api_key)
    cap = settings.EMULATOR_RUNNING_CAP if limits.running_cap is None else limits.running_cap
    running = clock.running(api_key)
    if running.count() >= cap:
        return 499
    balance = settings.EMULATOR_KEY_BALANCE if limits.balance is None else limits.balance
    if balance:
        price = (recipes.FLOW_PRICES if api == Engine.FLOWMUSIC else recipes.PRICES)[action]
        reserved = sum(job.price for job in running.only("price"))
        if charged_total(api_key) + reserved + price > balance:
            return 402
    return None


@csrf_exempt
def submit(request: HttpRequest, action: str) -> HttpResponse:
    return _submit(request, Engine.PRODUCER, action)


@csrf_exempt
def flow_submit(request: HttpRequest, action: str) -> HttpResponse:
    return _submit(request, Engine.FLOWMUSIC, action)


def _submit(request: HttpRequest, api: str, action: str) -> HttpResponse:
    contract = flowmusic if api == Engine.FLOWMUSIC else producer
    if action not in contract.Action.values:
        return _error(404, f"Unknown endpoint {contract.API_PATH.strip('/')}/{action}.")
    if request.method != "POST":
        return _error(405, "Method not allowed: use POST.")
    api_key = _api_key(request)
    if not api_key:
        return _error(401)
    try:
        params = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        params = None
    if not isinstance(params, dict):
        return _error(400, "Parameter error: the body must be a JSON object.")

    fault = faults.for_submission(api_key, params)
    if fault and fault.kind == faults.FAILED_200:
        return JsonResponse(answers.failed("The request was rejected, please try again."))
    if fault and not fault.creates_job:
        return _html(502) if fault.kind == faults.HTML else _error(fault.status)

    try:
        cleaned = _cleaned(api, action, params)
    except PayloadInvalid as exc:
        return _error(400, _invalid(exc))
    refused = _over_limits(api_key, action, api)
    if refused:
        return _error(refused)
    try:
        job = jobs.create(action, cleaned, api_key, _base_url(request), fault, api)
    except jobs.Refused as exc:
        return _error(exc.status, exc.message)
    hooks.schedule(job)
    hooks.start_rendering(job)

    kind = fault.kind if fault else ""
    body = answers.ok(job, spelling_flipped=kind == faults.JOB_ID)
    if kind == faults.SLOW:
        time.sleep(fault.seconds)
    elif kind == faults.AMBIGUOUS:
        return _error(500)
    elif kind == faults.AMBIGUOUS_DROP:
        return _dropped(request, body)
    elif kind == faults.HTML_200:
        return _html(200)
    return JsonResponse(body)


@csrf_exempt
def fetch(request: HttpRequest) -> HttpResponse:
    return _fetch(request, Engine.PRODUCER)


@csrf_exempt
def flow_fetch(request: HttpRequest) -> HttpResponse:
    return _fetch(request, Engine.FLOWMUSIC)


def _fetch_fault(job: Job) -> HttpResponse | None:
    """A fetch fault's answer for the job's first FETCH_FAULTS fetches, else None."""
    answer = faults.parse(job.fault).on_fetch if job.fault else ""
    if not answer:
        return None
    Job.objects.filter(pk=job.pk).update(fetches=F("fetches") + 1)
    if job.fetches >= faults.FETCH_FAULTS:
        return None
    return _html(502) if answer == "html" else _error(int(answer))


def _fetch(request: HttpRequest, api: str) -> HttpResponse:
    if request.method != "GET":
        return _error(405, "Method not allowed: use GET.")
    api_key = _api_key(request)
    if not api_key:
        return _error(401)
    fault = faults.for_fetch(api_key)
    if fault:
        return _error(fault.status)
    job_id = (request.GET.get("jobId") or request.GET.get("job_id") or "").strip()
    if not job_id:
        return _error(400, "Parameter error: jobId is required.")
    job = Job.objects.filter(job_id=job_id, api=api).first() if _is_uuid(job_id) else None
    if job is None:
        return _error(404, "Job not found.")
    return _fetch_fault(job) or JsonResponse(answers.job_body(job))


def _is_uuid(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", text))


@require_safe
def media_file(request: HttpRequest, music_id, name: str) -> HttpResponse:
    if name not in files.NAMES:
        raise Http404("No such file.")
    music = Music.objects.select_related("job").filter(music_id=music_id).first()
    if music is None or not music.job.succeeded():
        raise Http404("No such file.")
    expires_at = music.job.files_expire_at()
    if expires_at is not None and timezone.now() >= expires_at:
        raise Http404("This file has expired.")
    try:
        path = files.path_for(music, name)
    except Exception:
        logger.exception("Emulator could not render %s of %s", name, music_id)
        return _error(500, "The file could not be produced.")
    stat = path.stat()
    extension = name.rsplit(".", 1)[1]
    title = re.sub(r"[^\w\- ]+", "", music.title).strip() or "song"
    return ranged_response(
        request,
        path.open("rb"),
        stat.st_size,
        files.content_type(name),
        filename=f"{title}.{extension}",
        etag=f"{music.music_id.hex}-{name}-{stat.st_size}",
        last_modified=stat.st_mtime,
    )
