"""The one outbound path: internal addresses refused before any connection, redirects
checked, declared sizes and deadlines enforced."""

from __future__ import annotations

import io
import ipaddress
import time

import pytest

import outbound
from outbound import addresses

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_exemptions(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    settings.EMULATOR_ENABLED = False
    settings.TTAPI_BASE_URL = "https://api.ttapi.io"


def resolve_to(monkeypatch, mapping: dict[str, str]) -> None:
    real = addresses.RESOLVER
    monkeypatch.setattr(
        addresses,
        "RESOLVER",
        lambda host, port: [mapping[host]] if host in mapping else real(host, port),
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fd00::1",  # noqa: S104
        "fe80::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "2002:7f00:1::", "64:ff9b::7f00:1", "64:ff9b::a00:1", "2001::1",
    ],
)  # fmt: skip
def test_internal_ranges(address):
    assert addresses.is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "2002:808:808::"])
def test_public_addresses(address):
    assert not addresses.is_internal(ipaddress.ip_address(address))


def test_loopback_refused_before_connecting(listen):
    target = listen()
    with pytest.raises(outbound.Refused, match="internal address"):
        outbound.download(target.url(), io.BytesIO(), limit=10**6, deadline=5)
    assert target.connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/a.mp3",
        "http://[fd00::1]/a.mp3",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://localhost:5432/",
        "http://[::ffff:127.0.0.1]:5432/",
        "file:///etc/passwd",
        "gopher://example.test/",
    ],
)
def test_internal_and_odd_urls_refused(url, monkeypatch):
    def no_connections(*args, **kwargs):
        raise AssertionError("tried to connect")

    monkeypatch.setattr("socket.create_connection", no_connections)
    with pytest.raises(outbound.Refused):  # refused, not a failed or timed-out connection
        outbound.download(url, io.BytesIO(), limit=10**6, deadline=5)


def test_public_looking_name_resolving_to_loopback_refused(listen, monkeypatch):
    target = listen()
    resolve_to(monkeypatch, {"cdn.musicfiles.io": "127.0.0.1"})
    with pytest.raises(outbound.Refused, match="resolves to an internal address"):
        outbound.download(
            f"http://cdn.musicfiles.io:{target.port}/a.mp3", io.BytesIO(), limit=10**6, deadline=5
        )
    assert target.connections == []


def test_connects_to_the_checked_address(listen, monkeypatch, settings):
    """Resolved once: the connection goes to that answer, the Host header keeps the name."""
    seen: list[str] = []

    def reply(handler):
        seen.append(handler.headers["Host"])
        handler.send_response(200)
        handler.send_header("Content-Length", "3")
        handler.end_headers()
        handler.wfile.write(b"abc")

    target = listen(reply)
    settings.OUTBOUND_ALLOWED_HOSTS = [f"files.example.net:{target.port}"]
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # a second lookup would go elsewhere
    monkeypatch.setattr(addresses, "RESOLVER", lambda host, port: next(answers))
    body = io.BytesIO()
    outbound.download(f"http://files.example.net:{target.port}/x", body, limit=100, deadline=5)
    assert body.getvalue() == b"abc"
    assert seen == [f"files.example.net:{target.port}"]


def test_redirect_from_allowed_host_to_loopback_refused(listen, settings):
    inner = listen()

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", inner.url("/secret"))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    allowed = listen(redirect)
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{allowed.port}"]
    with pytest.raises(outbound.Refused, match="internal address"):
        outbound.download(allowed.url(), io.BytesIO(), limit=10**6, deadline=5)
    assert len(allowed.connections) == 1
    assert inner.connections == []


def test_redirect_chains_are_short(listen, settings):
    def again(handler):
        handler.send_response(302)
        handler.send_header("Location", "/again")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    loop = listen(again)
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{loop.port}"]
    with pytest.raises(outbound.Refused, match="redirected more than"):
        outbound.download(loop.url(), io.BytesIO(), limit=10**6, deadline=5)
    assert len(loop.connections) <= outbound.MAX_REDIRECTS + 1


def test_declared_size_over_the_cap_refused_before_reading(listen, settings):
    sent: list[int] = []

    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(2 * 1024**3))
        handler.end_headers()
        try:
            for _ in range(64):
                handler.wfile.write(b"\x00" * 65536)
                sent.append(1)
        except OSError:
            pass

    target = listen(huge)
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{target.port}"]
    body = io.BytesIO()
    with pytest.raises(outbound.TooLarge, match="larger than 1 MB"):
        outbound.download(target.url(), body, limit=1024 * 1024, deadline=5)
    assert body.tell() == 0


def test_undeclared_size_cut_at_the_cap(listen, settings):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(200):
                handler.wfile.write(b"\x00" * 65536)
        except OSError:
            pass

    target = listen(endless)
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{target.port}"]
    body = io.BytesIO()
    with pytest.raises(outbound.TooLarge):
        outbound.download(target.url(), body, limit=1024 * 1024, deadline=5)
    assert body.tell() <= 1024 * 1024


def test_a_trickle_is_cut_at_the_deadline(listen, settings):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(1000):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    target = listen(trickle)
    settings.OUTBOUND_ALLOWED_HOSTS = [f"127.0.0.1:{target.port}"]
    started = time.monotonic()
    with pytest.raises(outbound.FetchError, match="longer than 1 seconds"):
        outbound.download(target.url(), io.BytesIO(), limit=10**6, deadline=1, read_timeout=1)
    assert time.monotonic() - started < 25  # the whole trickle would take 50 s


def test_emulator_host_is_allowed_by_default(listen, settings):
    target = listen()
    settings.EMULATOR_ENABLED = True
    settings.EMULATOR_BASE_URL = f"http://127.0.0.1:{target.port}/emulator"
    body = io.BytesIO()
    assert outbound.download(target.url(), body, limit=10**6, deadline=5) == "audio/mpeg"
    settings.EMULATOR_ENABLED = False
    with pytest.raises(outbound.Refused):
        outbound.download(target.url(), io.BytesIO(), limit=10**6, deadline=5)


def test_internal_api_base_is_allowed(listen, settings):
    target = listen()
    settings.TTAPI_BASE_URL = f"http://127.0.0.1:{target.port}/"
    outbound.download(target.url(), io.BytesIO(), limit=10**6, deadline=5)
    settings.TTAPI_BASE_URL = "https://api.ttapi.io"
    with pytest.raises(outbound.Refused):
        outbound.download(target.url(), io.BytesIO(), limit=10**6, deadline=5)
