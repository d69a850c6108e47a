"""Running the emulator in-process in tests: an httpx transport and a pytest helper.

`EmulatorTransport` answers httpx requests through Django's test Client, whatever host the
URL names, so a test needs no live server. The test Client keeps the test's database
connection open (it detaches `close_old_connections` around each request).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from django.http.request import validate_host
from django.test import Client

from emulator import clock, hooks
from emulator.models import Job, charged_total

BASE_URL = "http://testserver/emulator"
TEST_KEY = "emulator-test-key"
# Headers the test Client sets itself, or that would confuse it.
SKIPPED_HEADERS = {"host", "content-length", "content-type", "transfer-encoding", "connection"}


class EmulatorTransport(httpx.BaseTransport):
    """Serve httpx requests with the Django test Client (the whole site, not only /emulator)."""

    def __init__(self) -> None:
        self.client = Client(raise_request_exception=False)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from django.conf import settings

        self.requests.append(request)
        body = request.read()
        allowed = [*settings.ALLOWED_HOSTS, "testserver"]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in SKIPPED_HEADERS}
        path = request.url.raw_path.decode("ascii")
        response = self.client.generic(
            request.method,
            path,
            data=body,
            content_type=request.headers.get("content-type", "application/octet-stream"),
            secure=request.url.scheme == "https",
            headers=headers,
            **(
                {"SERVER_NAME": request.url.host}
                if validate_host(request.url.host, allowed)
                else {}
            ),
            **({"SERVER_PORT": str(request.url.port)} if request.url.port else {}),
        )
        try:
            if response.streaming:
                content = b"".join(response.streaming_content)
            else:
                content = response.content
        except ConnectionError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        # No response.close() here: the test Client closes it with close_old_connections
        # detached, which keeps the test's connection (and transaction) open.
        return httpx.Response(
            response.status_code,
            headers=[(k, v) for k, v in response.items() if k.lower() != "content-encoding"],
            content=content,
            request=request,
        )


@dataclass
class Emulator:
    """What the `emulator` fixture yields."""

    transport: EmulatorTransport
    base_url: str = BASE_URL
    key: str = TEST_KEY
    delivered: list[int] = field(default_factory=list)

    def http(self) -> httpx.Client:
        return httpx.Client(transport=self.transport, base_url=self.base_url)

    def finish_all(self) -> int:
        """Finish every running job now and deliver the hooks that are due."""
        finished = clock.finish_now()
        self.deliver_hooks()
        return finished

    def deliver_hooks(self) -> int:
        sent = hooks.deliver_due()
        self.delivered.append(sent)
        return sent

    def jobs(self):
        return Job.objects.all()

    def charged(self, key: str | None = None) -> Decimal:
        return charged_total(key or self.key)


def emulator_fixture(settings, monkeypatch, media_root) -> Iterator[Emulator]:
    """Body of the `emulator` fixture in tests/conftest.py."""
    import importlib

    settings.EMULATOR_JOB_SECONDS = 0
    settings.EMULATOR_FAULT_RATE = 0
    settings.EMULATOR_MEDIA_ROOT = media_root
    settings.EMULATOR_BASE_URL = BASE_URL
    # The in-process emulator's host, whatever EMULATOR_BASE_URL a test sets afterwards.
    settings.OUTBOUND_ALLOWED_HOSTS = [*settings.OUTBOUND_ALLOWED_HOSTS, "testserver"]
    transport = EmulatorTransport()
    monkeypatch.setattr(hooks, "TRANSPORT", transport)
    monkeypatch.setattr(hooks, "TIMERS", False)
    monkeypatch.setattr(hooks, "RETRY_DELAYS", (0.0, 0.0))
    try:
        providers = importlib.import_module("studio.jobs.providers")
    except ImportError:
        providers = None
    if providers is not None:
        monkeypatch.setattr(providers, "TRANSPORT", transport, raising=False)
    yield Emulator(transport)
