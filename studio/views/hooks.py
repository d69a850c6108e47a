"""The provider's callback: POSTs a job's result to a URL holding our job UUID and its token."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections import OrderedDict
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contract.errors import MalformedResult
from studio import jobs
from studio.db import rows
from studio.models import Job

logger = logging.getLogger(__name__)

WORKSPACE_KEY = (("workspace", ("api_key_encrypted",)),)


class Answered:
    """Per job, the delivery this process last answered 200 (a digest of its token and body).

    Applying a result is idempotent and a job's status only moves forward, so the same body
    for the same job, applied once, changes nothing again: a provider's duplicate
    is answered without reading the job. Bounded, oldest out.
    """

    def __init__(self, size: int = 4096) -> None:
        self._guard = threading.Lock()
        self._digests: OrderedDict[UUID, bytes] = OrderedDict()
        self._size = size

    @staticmethod
    def digest(token: str, body: bytes) -> bytes:
        key = token.encode()
        return hashlib.blake2b(len(key).to_bytes(4, "big") + key + body, digest_size=32).digest()

    def matches(self, job_id: UUID, token: str, body: bytes) -> bool:
        with self._guard:
            known = self._digests.get(job_id)
        return known is not None and hmac.compare_digest(known, self.digest(token, body))

    def remember(self, job_id: UUID, token: str, body: bytes) -> None:
        digest = self.digest(token, body)
        with self._guard:
            self._digests[job_id] = digest
            self._digests.move_to_end(job_id)
            if len(self._digests) > self._size:
                self._digests.popitem(last=False)


answered = Answered()


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
    if body is not None and answered.matches(job_id, token, body):
        return _answer(200, "Already known.", changed=False)
    # The one read of the job: applying the result works from it (`raw`, the last payload,
    # is only ever written here), with its workspace's key for redaction beside it.
    job = rows.get(Job, job_id, skip=("raw",), related=WORKSPACE_KEY)
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
    answered.remember(job_id, token, body)
    return _answer(200, "Applied." if changed else "Already known.", changed=changed)
