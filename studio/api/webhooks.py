"""Registering webhook endpoints and reading their deliveries (studio.api.events sends)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

import outbound
from studio.api import events
from studio.api.auth import actor, require_write, workspace_of
from studio.api.problems import ApiProblem, Problem
from studio.lib import crypto
from studio.models import WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"])
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 429: Problem}
MAX_ENDPOINTS = 20


class EndpointIn(Schema):
    url: str = Field(..., max_length=2000)
    events: list[str] = Field(..., min_length=1, max_length=len(events.EVENTS))


class EndpointOut(Schema):
    id: UUID
    url: str
    events: list[str]
    active: bool
    created_at: datetime
    secret: str | None = Field(None, description="Shown once, when the endpoint is made.")


class Attempt(Schema):
    at: str
    status: int | None
    answer: str


class DeliveryOut(Schema):
    id: UUID
    event: str
    state: str
    created_at: datetime
    attempts: list[Attempt]


def _endpoint(request: HttpRequest, endpoint_id: UUID) -> WebhookEndpoint:
    found = WebhookEndpoint.objects.filter(pk=endpoint_id, workspace=workspace_of(request)).first()
    if found is None:
        raise ApiProblem(404, _("No webhook endpoint with this id in this token's workspace."))
    return found


def _out(endpoint: WebhookEndpoint, secret: str | None = None) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": endpoint.events,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "secret": secret,
    }


@router.post("/webhooks", response={201: EndpointOut, **ERRORS}, summary="Register an endpoint")
def create_endpoint(request: HttpRequest, body: EndpointIn):
    """The answer holds the signing secret, shown this once."""
    require_write(request)
    workspace = workspace_of(request)
    unknown = sorted(set(body.events) - set(events.EVENTS))
    if unknown:
        raise ApiProblem(
            400,
            _("Unknown events %(names)s: choose from %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(events.EVENTS)},
            errors={"events": [_("Not an event.")]},
        )
    try:
        outbound.check_url(body.url)
    except outbound.Refused as exc:
        raise ApiProblem(
            400, _("This address cannot be used: %(why)s") % {"why": exc}, errors={"url": []}
        ) from None
    if WebhookEndpoint.objects.filter(workspace=workspace, active=True).count() >= MAX_ENDPOINTS:
        raise ApiProblem(400, _("A workspace has at most 20 webhook endpoints."))
    secret = events.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace,
        url=body.url,
        events=sorted(set(body.events)),
        secret_encrypted=crypto.encrypt(secret),
        created_by=actor(request),
    )
    return Status(201, _out(endpoint, secret))


@router.get("/webhooks", response={200: list[EndpointOut], **ERRORS})
def list_endpoints(request: HttpRequest):
    found = WebhookEndpoint.objects.filter(workspace=workspace_of(request), active=True)
    return [_out(endpoint) for endpoint in found.order_by("created_at")]


@router.delete("/webhooks/{endpoint_id}", response={200: EndpointOut, **ERRORS})
def delete_endpoint(request: HttpRequest, endpoint_id: UUID):
    """Stop sending to it (its deliveries stay listed)."""
    require_write(request)
    endpoint = _endpoint(request, endpoint_id)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    endpoint.active = False
    return _out(endpoint)


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="The latest deliveries, each attempt with its answer",
)
def list_deliveries(request: HttpRequest, endpoint_id: UUID):
    endpoint = _endpoint(request, endpoint_id)
    rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at")[:100]
    return [
        {
            "id": d.id,
            "event": d.event,
            "state": d.state,
            "created_at": d.created_at,
            "attempts": d.attempts,
        }
        for d in rows
    ]
