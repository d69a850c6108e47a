"""The provider's callback: POSTs a job's result to a URL holding our job UUID and its token."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from studio import jobs
from studio.models import Job
from studio.ttapi.errors import MalformedResult

logger = logging.getLogger(__name__)


def max_body() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_BYTES", 256 * 1024))


@contextmanager
def _lazy_commits(job: Job) -> Iterator[None]:
    """On PostgreSQL, do not wait for this result's commits to reach the disk.

    Only for a job that has its provider id: if the database crashed before flushing (a
    fraction of a second), the job would still be running with that id and the next poll
    would apply the same result again. Waiting for the flush is most of a delivery's time.
    """
    if connection.vendor != "postgresql" or not job.provider_job_id:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            connection.close()  # never hand the relaxed setting to another request


def _answer(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"ok": status == 200, "message": message, **extra}, status=status)


@csrf_exempt
@require_POST
def job_hook(request: HttpRequest, job_id: UUID, token: str) -> JsonResponse:
    job = Job.objects.filter(pk=job_id).first()
    # Same answer for an unknown job and a wrong token; the comparison takes constant time.
    expected = job.hook_token if job else "x" * 43
    if not hmac.compare_digest(expected.encode(), token.encode()) or job is None:
        return _answer(404, "Not found.")

    limit = max_body()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _answer(413, f"The body is larger than {limit} bytes.")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _answer(413, f"The body is larger than {limit} bytes.")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _answer(400, "The body is not JSON.")
    if not isinstance(payload, dict):
        return _answer(400, "The body must be a JSON object.")

    try:
        with _lazy_commits(job):
            changed = jobs.apply_result(job, payload)
    except MalformedResult as exc:
        return _answer(400, exc.message)
    except jobs.JobMismatch as exc:
        return _answer(400, str(exc))
    except RecursionError:
        return _answer(400, "The body is nested too deeply.")
    return _answer(200, "Applied." if changed else "Already known.", changed=changed)
