"""Which Producer API a workspace talks to: its own key, the studio's key, or the emulator."""

from __future__ import annotations

import httpx
from django.conf import settings

from studio.models import Workspace
from studio.ttapi import Client

# Tests route every client (and media download) in-process by setting this.
TRANSPORT: httpx.BaseTransport | None = None


def uses_emulator(workspace: Workspace) -> bool:
    """True when neither the workspace nor the studio has a real key."""
    return not workspace.has_api_key and not settings.TTAPI_API_KEY


def client_for(workspace: Workspace) -> Client:
    """A client for the workspace: its key, else the studio's key, else the emulator."""
    key = workspace.get_api_key() if workspace.has_api_key else ""
    if key or settings.TTAPI_API_KEY:
        return Client(
            key or settings.TTAPI_API_KEY,
            settings.TTAPI_BASE_URL,
            timeout=settings.TTAPI_TIMEOUT,
            transport=TRANSPORT,
        )
    return Client(
        settings.EMULATOR_API_KEY,
        settings.EMULATOR_BASE_URL,
        timeout=settings.TTAPI_TIMEOUT,
        transport=TRANSPORT,
    )


def media_client(timeout: float = 60.0) -> httpx.Client:
    """An HTTP client for downloading result files (the emulator's too, in tests)."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=10.0),
        transport=TRANSPORT,
        follow_redirects=True,
        headers={"User-Agent": "producer-studio"},
    )
