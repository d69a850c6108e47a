"""The provider's callback: POSTs a job's result to a URL holding our job UUID and its token."""

from __future__ import annotations

import hmac
import logging
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contract.errors import MalformedResult
from studio.jobs import lifecycle as jobs
from studio.models import Job

logger = logging.getLogger(__name__)


def max_body() -> int:
    return settings.WEBHOOK_MAX_BYTES


def _read_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is over the limit (refused from its Content-Length unread)."""
    limit = max_body()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _answer(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"ok": status == 200, "message": message, **extra}, status=status)


@csrf_exempt
@require_POST
def job_hook(request: HttpRequest, job_id: UUID, token: str) -> JsonResponse:
    body = _read_body(request)  # None when over the limit: refused below, once the job is known
    # The one read of the job: applying the result works from it (`raw`, the last payload,
    # is only ever written here), with its workspace, whose key redaction needs.
    job = Job.objects.select_related("workspace").defer("raw").filter(pk=job_id).first()
    # Same answer for an unknown job and a wrong token; the comparison takes constant time.
    expected = job.hook_token if job else "x" * 43
    if not hmac.compare_digest(expected.encode(), token.encode()) or job is None:
        return _answer(404, "Not found.")

    if body is None:
        return _answer(413, f"The body is larger than {max_body()} bytes.")
    try:
        payload = jobs.load_result(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _answer(400, "The body is not JSON.")
    if not isinstance(payload, dict):
        return _answer(400, "The body must be a JSON object.")

    try:
        changed = jobs.apply_result(job, payload, clean=False)
    except MalformedResult as exc:
        return _answer(400, exc.message)
    except jobs.JobMismatch as exc:
        return _answer(400, str(exc))
    except RecursionError:
        return _answer(400, "The body is nested too deeply.")
    return _answer(200, "Applied." if changed else "Already known.", changed=changed)
