"""The Producer API's endpoints, as the emulator answers them, and its media files."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import time

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from contract.errors import PayloadInvalid
from contract.producer import DEFAULT_MODELS, FIELDS, Action, validate
from emulator import answers, clock, faults, files, hooks, jobs
from emulator.models import Job, Music
from studio.ranges import ranged_response

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
            "name": "Producer API emulator",
            "base_url": _base_url(request).rstrip("/"),
            "endpoints": [f"producer/v1/{a}" for a in Action.values] + ["producer/v1/fetch"],
        }
    )


@csrf_exempt
def submit(request: HttpRequest, action: str) -> HttpResponse:
    if action not in Action.values:
        return _error(404, f"Unknown endpoint producer/v1/{action}.")
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
    if fault and not fault.creates_job:
        return _html(502) if fault.kind == faults.HTML else _error(fault.status)

    known = {k: v for k, v in params.items() if k in FIELDS[Action(action)]}
    try:
        cleaned = validate(action, known, models=DEFAULT_MODELS)
    except PayloadInvalid as exc:
        return _error(400, _invalid(exc))
    if clock.running(api_key).count() >= settings.EMULATOR_RUNNING_CAP:
        return _error(499)
    try:
        job = jobs.create(action, cleaned, api_key, _base_url(request), fault)
    except jobs.Refused as exc:
        return _error(exc.status, exc.message)
    hooks.schedule(job)

    body = answers.ok(str(job.job_id))
    kind = fault.kind if fault else ""
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
def fetch(request: HttpRequest) -> JsonResponse:
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
    job = Job.objects.filter(job_id=job_id).first() if _is_uuid(job_id) else None
    if job is None:
        return _error(404, "Job not found.")
    return JsonResponse(answers.job_body(job))


def _is_uuid(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", text))


@require_safe
def media_file(request: HttpRequest, music_id, name: str) -> HttpResponse:
    if name not in files.NAMES:
        raise Http404("No such file.")
    music = Music.objects.select_related("job").filter(music_id=music_id).first()
    if music is None or not music.job.succeeded():
        raise Http404("No such file.")
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
