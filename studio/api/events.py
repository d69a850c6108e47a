"""Events out: signed webhooks for a workspace's jobs, trashed songs, comments and review
statuses.

The worker's sweep finds new events by reading the tables they already live in (a job's
`finished_at`, the activity log, comments) past each endpoint's own marks, so nothing in
the job lifecycle has to remember to emit them, and stores one delivery per event. It then
posts the due deliveries through the guarded outbound client (internal addresses refused
unless allow-listed), outside any transaction, retrying with backoff.

Signature (as Stripe's and GitHub's): the header
`Studio-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import outbound
from studio.lib import crypto
from studio.models import (
    ActivityEvent,
    Comment,
    DeliveryState,
    Job,
    JobStatus,
    Verb,
    WebhookDelivery,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)

EVENTS = ("job.finished", "job.failed", "song.trashed", "comment.created", "review.status")
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)  # then 1, 2, 4, 8 minutes
LEASE = timedelta(minutes=2)  # a claimed delivery not finished by then is tried again
SETTLE = timedelta(seconds=5)  # rows committed a moment late are still seen
SCAN = 100  # new events per kind per endpoint per sweep
SEND = 20  # deliveries posted per sweep
TIMEOUT = 10.0
TRANSPORT: httpx.BaseTransport | None = None  # tests stand in for the network here


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: str, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def verify(secret: str, body: str, header: str, *, tolerance: int = 300, now: float) -> bool:
    """What a receiver does: the signature matches and its time is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        at = int(parts.get("t", ""))
    except ValueError:
        return False
    expected = sign(secret, body, at).split("v1=", 1)[1]
    return abs(now - at) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


def _add(endpoint: WebhookEndpoint, event: str, data: dict, at: datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=at)
    delivery.body = json.dumps(
        {
            "id": str(delivery.id),
            "type": event,
            "created": at.isoformat(),
            "workspace": str(endpoint.workspace_id),
            "data": data,
        },
        separators=(",", ":"),
    )
    return delivery


def _job_events(endpoint: WebhookEndpoint, until: datetime) -> list[WebhookDelivery]:
    wanted = {"job.finished", "job.failed"} & set(endpoint.events)
    if not wanted:
        return []
    finished = list(
        Job.objects.filter(
            workspace_id=endpoint.workspace_id,
            finished_at__gt=endpoint.jobs_after,
            finished_at__lte=until,
            status__in=(JobStatus.SUCCESS, JobStatus.FAILED),
        ).order_by("finished_at")[:SCAN]
    )
    if finished:
        endpoint.jobs_after = finished[-1].finished_at
    out = []
    for job in finished:
        event = "job.finished" if job.status == JobStatus.SUCCESS else "job.failed"
        if event in wanted:
            data = {"job_id": str(job.id), "action": job.action, "status": job.status}
            data["error"] = job.error
            out.append(_add(endpoint, event, data, job.finished_at))
    return out


ACTIVITY = {Verb.SONG_DELETED: "song.trashed", Verb.REVIEW_STATUS: "review.status"}


def _activity_events(endpoint: WebhookEndpoint, until: datetime) -> list[WebhookDelivery]:
    verbs = [verb for verb, event in ACTIVITY.items() if event in endpoint.events]
    if not verbs:
        return []
    rows = list(
        ActivityEvent.objects.filter(
            workspace_id=endpoint.workspace_id,
            verb__in=verbs,
            created_at__gt=endpoint.activity_after,
            created_at__lte=until,
        ).order_by("created_at")[:SCAN]
    )
    if rows:
        endpoint.activity_after = rows[-1].created_at
    return [
        _add(
            endpoint,
            ACTIVITY[Verb(row.verb)],
            {"song_id": str(row.song_id) if row.song_id else None, "summary": row.subject},
            row.created_at,
        )
        for row in rows
    ]


def _comment_events(endpoint: WebhookEndpoint, until: datetime) -> list[WebhookDelivery]:
    if "comment.created" not in endpoint.events:
        return []
    rows = list(
        Comment.objects.filter(
            song__workspace_id=endpoint.workspace_id,
            created_at__gt=endpoint.comments_after,
            created_at__lte=until,
        )
        .select_related("author")
        .order_by("created_at")[:SCAN]
    )
    if rows:
        endpoint.comments_after = rows[-1].created_at
    return [
        _add(
            endpoint,
            "comment.created",
            {
                "comment_id": str(c.id),
                "song_id": str(c.song_id),
                "author": c.who,
                "body": c.body,
                "at": c.at_seconds,
            },
            c.created_at,
        )
        for c in rows
    ]


def collect(now: datetime | None = None) -> int:
    """Store a delivery for each new event of each active endpoint; how many were stored."""
    until = (now or timezone.now()) - SETTLE
    stored = 0
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        with transaction.atomic():
            locked = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
            if locked is None:
                continue
            new = [
                *_job_events(locked, until),
                *_activity_events(locked, until),
                *_comment_events(locked, until),
            ]
            if new:
                WebhookDelivery.objects.bulk_create(new)
                locked.save(update_fields=["jobs_after", "activity_after", "comments_after"])
                stored += len(new)
    return stored


def retry_delay(attempts: int) -> timedelta:
    return FIRST_RETRY * 2 ** (attempts - 1)


def deliver(delivery: WebhookDelivery, now: datetime | None = None) -> bool:
    """Post one delivery (never inside a transaction); True once the receiver took it."""
    now = now or timezone.now()
    endpoint = delivery.endpoint
    at = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "Studio-Event": delivery.event,
        "Studio-Delivery": str(delivery.id),
        "Studio-Signature": sign(crypto.decrypt(endpoint.secret_encrypted), delivery.body, at),
    }
    status, answer = None, ""
    try:
        with outbound.client(timeout=TIMEOUT, transport=TRANSPORT, follow_redirects=False) as c:
            response = c.post(endpoint.url, content=delivery.body.encode(), headers=headers)
        status, answer = response.status_code, response.text[:500]
    except (httpx.HTTPError, outbound.FetchError) as exc:
        answer = str(exc)[:500] or exc.__class__.__name__
    ok = status is not None and 200 <= status < 300
    attempts = [*delivery.attempts, {"at": now.isoformat(), "status": status, "answer": answer}]
    if ok:
        state, next_at = DeliveryState.DELIVERED, None
    elif len(attempts) >= MAX_ATTEMPTS:
        state, next_at = DeliveryState.FAILED, None
    else:
        state, next_at = DeliveryState.PENDING, now + retry_delay(len(attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, state=state, next_attempt_at=next_at
    )
    return ok


def deliver_due(now: datetime | None = None) -> int:
    """Post the deliveries that are due, each claimed first so two workers never both send."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .select_related("endpoint")
        .order_by("next_attempt_at")[:SEND]
    )
    sent = 0
    for delivery in due:
        claimed = WebhookDelivery.objects.filter(
            Q(pk=delivery.pk),
            state=DeliveryState.PENDING,
            next_attempt_at=delivery.next_attempt_at,
        ).update(next_attempt_at=now + LEASE)
        if claimed:
            deliver(delivery, now)
            sent += 1
    return sent
