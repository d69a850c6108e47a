"""Events out: endpoints registered through the API, events found by the sweep, each
delivery signed (HMAC-SHA256 over "<t>.<body>"), retried with backoff, its attempts listed,
and sent only through the guarded outbound path."""

import json
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from outbound import addresses
from studio.api import events
from studio.library import trash
from studio.models import (
    ActivityEvent,
    DeliveryState,
    JobStatus,
    ReviewStatus,
    Verb,
    WebhookDelivery,
    WebhookEndpoint,
)
from studio.reviews import comments as reviews
from tests.factories import make_job, make_song

JSON = "application/json"
HOOK = "https://hooks.example.com/studio"


@pytest.fixture
def receiver(monkeypatch):
    """A receiver at a public address (no network): records each request, answers 200."""
    real = addresses.RESOLVER
    monkeypatch.setattr(
        addresses,
        "RESOLVER",
        lambda host, port: ["93.184.216.34"] if host == "hooks.example.com" else real(host, port),
    )
    seen: list[httpx.Request] = []
    answers: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(answers.pop(0) if answers else 200, text="thanks")

    monkeypatch.setattr(events, "TRANSPORT", httpx.MockTransport(handle))
    return seen, answers


def register(api, evts=("job.finished", "job.failed")):
    return api.post("/api/v1/webhooks", {"url": HOOK, "events": list(evts)}, content_type=JSON)


def later(seconds=60):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_finished_job_is_posted_signed(team, editor_api, receiver):
    seen, _ = receiver
    made = register(editor_api)
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    job = make_job(team.workspace, team.owner, status=JobStatus.SUCCESS)
    job.finished_at = timezone.now()
    job.save()
    assert events.collect(later()) == 1
    assert events.deliver_due(later()) == 1
    request = seen[0]
    body = request.content.decode()
    assert json.loads(body)["type"] == "job.finished"
    assert json.loads(body)["data"]["job_id"] == str(job.id)
    header = request.headers["Studio-Signature"]
    now = int(header.split(",")[0][2:])
    assert events.verify(secret, body, header, now=now)
    assert not events.verify(secret, body + " ", header, now=now)
    assert not events.verify("whsec_other", body, header, now=now)
    assert not events.verify(secret, body, header, now=now + 3600)  # replayed later
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED
    # Found once: a second sweep stores nothing new.
    assert events.collect(later()) == 0


def test_events_before_registration_are_not_sent(team, editor_api, receiver):
    job = make_job(team.workspace, team.owner, status=JobStatus.FAILED)
    job.finished_at = timezone.now() - timedelta(minutes=5)
    job.save()
    register(editor_api)
    assert events.collect(later()) == 0


def test_song_comment_and_review_events(team, editor_api, receiver):
    register(editor_api, ["song.trashed", "comment.created", "review.status"])
    song = make_song(team.workspace, team.owner)
    reviews.post_comment(song, "Love the bridge", author=team.editor)
    reviews.set_status(song, ReviewStatus.APPROVED, team.owner)
    trash.move_to_trash(song, timezone.now())
    ActivityEvent.objects.create(
        workspace=team.workspace, actor=team.owner, verb=Verb.SONG_DELETED, song=song
    )
    assert events.collect(later()) == 3
    kinds = set(WebhookDelivery.objects.values_list("event", flat=True))
    assert kinds == {"song.trashed", "comment.created", "review.status"}


def test_failures_are_retried_with_backoff_then_given_up(team, editor_api, receiver):
    seen, answers = receiver
    endpoint_id = register(editor_api).json()["id"]
    job = make_job(team.workspace, team.owner, status=JobStatus.SUCCESS)
    job.finished_at = timezone.now()
    job.save()
    events.collect(later())
    answers.extend([500] * events.MAX_ATTEMPTS)
    now = later()
    for attempt in range(1, events.MAX_ATTEMPTS + 1):
        assert events.deliver_due(now) == 1
        delivery = WebhookDelivery.objects.get()
        if attempt < events.MAX_ATTEMPTS:
            assert delivery.state == DeliveryState.PENDING
            assert delivery.next_attempt_at == now + events.retry_delay(attempt)
            assert events.deliver_due(now) == 0  # not due before its backoff
            now = delivery.next_attempt_at
    assert delivery.state == DeliveryState.FAILED
    assert len(seen) == events.MAX_ATTEMPTS
    listed = editor_api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries").json()
    assert len(listed[0]["attempts"]) == events.MAX_ATTEMPTS
    assert listed[0]["attempts"][0] == {
        "at": listed[0]["attempts"][0]["at"],
        "status": 500,
        "answer": "thanks",
    }


def test_internal_addresses_are_refused(team, editor_api, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    for url in ("http://127.0.0.1:6379/x", "http://10.0.0.5/x", "ftp://example.com/x"):
        response = editor_api.post(
            "/api/v1/webhooks", {"url": url, "events": ["job.failed"]}, content_type=JSON
        )
        assert response.status_code == 400, url
        assert "cannot be used" in response.json()["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_a_host_that_turns_internal_is_not_posted_to(team, editor_api, receiver, monkeypatch):
    seen, _ = receiver
    register(editor_api)
    job = make_job(team.workspace, team.owner, status=JobStatus.SUCCESS)
    job.finished_at = timezone.now()
    job.save()
    events.collect(later())
    monkeypatch.setattr(addresses, "RESOLVER", lambda host, port: ["10.1.2.3"])
    events.deliver_due(later())
    delivery = WebhookDelivery.objects.get()
    assert seen == []
    assert delivery.attempts[0]["status"] is None
    assert "internal" in delivery.attempts[0]["answer"]


def test_roles_and_workspaces(team, editor_api, reader_api, other_api, receiver):
    assert register(reader_api).status_code == 403
    endpoint_id = register(editor_api).json()["id"]
    assert register(editor_api, ["job.exploded"]).status_code == 400
    assert [e["id"] for e in reader_api.get("/api/v1/webhooks").json()] == [endpoint_id]
    assert reader_api.get("/api/v1/webhooks").json()[0]["secret"] is None
    assert other_api.get(f"/api/v1/webhooks/{endpoint_id}/deliveries").status_code == 404
    assert other_api.delete(f"/api/v1/webhooks/{endpoint_id}").status_code == 404
    assert reader_api.delete(f"/api/v1/webhooks/{endpoint_id}").status_code == 403
    assert editor_api.delete(f"/api/v1/webhooks/{endpoint_id}").json()["active"] is False
    assert editor_api.get("/api/v1/webhooks").json() == []
