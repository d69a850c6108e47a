"""Where a workspace's jobs go: its own key, the studio's key, or the emulator."""

from __future__ import annotations

import httpx
from django.conf import settings

from contract.engines import Engine
from studio.jobs.ttapi import Client
from studio.models import Job, Workspace

# Tests route every client (and result file download) in-process by setting this.
TRANSPORT: httpx.BaseTransport | None = None


def uses_emulator(workspace: Workspace) -> bool:
    """True when neither the workspace nor the studio has a real key."""
    return not workspace.has_api_key and not settings.TTAPI_API_KEY


def uses_site_key(workspace: Workspace) -> bool:
    """True when the workspace's jobs go out on the studio's own key (TTAPI_API_KEY)."""
    return not workspace.has_api_key and bool(settings.TTAPI_API_KEY)


def client_for(workspace: Workspace, engine: Engine | str = Engine.PRODUCER) -> Client:
    """A client of `engine` for the workspace: its key, else the studio's key, else the
    emulator (one key serves both engines)."""
    return _client(workspace, engine, emulator=uses_emulator(workspace))


def client_for_job(job: Job) -> Client:
    """A client for where the job was sent: a job sent to the emulator is followed there
    even once the workspace has a key (the real service has never heard of it), and a job
    sent to the real service never falls back to the emulator."""
    if job.on_emulator is None:
        return client_for(job.workspace, job.engine)
    return _client(job.workspace, job.engine, emulator=job.on_emulator)


def _client(workspace: Workspace, engine: Engine | str, *, emulator: bool) -> Client:
    if emulator:
        key, base_url = settings.EMULATOR_API_KEY, settings.EMULATOR_BASE_URL
    else:
        key = workspace.get_api_key() if workspace.has_api_key else ""
        key, base_url = key or settings.TTAPI_API_KEY, settings.TTAPI_BASE_URL
    return Client(key, base_url, engine=engine, timeout=settings.TTAPI_TIMEOUT, transport=TRANSPORT)
