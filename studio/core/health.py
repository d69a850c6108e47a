"""/healthz for load balancers and uptime monitors: no login, no secrets."""

from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from studio.lib.cache import unreachable
from studio.models import Heartbeat
from studio.models.ops import WORKER_SILENT_AFTER


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:  # one indexed query: it proves the database too
        seen_at = Heartbeat.objects.filter(name="worker").values_list("seen_at", flat=True).first()
    except DatabaseError:
        body = {"database": "error", "worker": "unknown", "worker_last_seen": None}
        return JsonResponse(body, status=503)

    if seen_at is None:
        worker = "never seen"
    elif timezone.now() - seen_at < WORKER_SILENT_AFTER:
        worker = "ok"
    else:
        worker = "stale"
    # Named, not failed: every web process shares one Redis, and pulling them all from the
    # load balancer would turn a slower studio into a missing one.
    cache.get("healthz")
    body = {
        "database": "ok",
        "cache": "down" if unreachable() else "ok",
        "worker": worker,
        "worker_last_seen": seen_at.isoformat() if seen_at else None,
    }
    return JsonResponse(body, status=200 if worker == "ok" else 503)
