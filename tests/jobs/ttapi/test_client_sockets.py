"""The retry policy against real sockets, so the real httpx exceptions are classified."""

import contextlib
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from contract import errors
from studio.jobs.ttapi.client import Client

ACCEPTED = json.dumps({"status": "SUCCESS", "data": {"jobId": "j1"}}).encode()
FETCHED = json.dumps({"status": "SUCCESS", "data": {"jobId": "j1"}}).encode()


class Server:
    """Answers each connection by the next behaviour: "silent", "hangup" or a body to send."""

    def __init__(self, *behaviours: str | bytes):
        self.behaviours = list(behaviours)
        self.requests: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(5)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/prefix"
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        for behaviour in self.behaviours:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.requests.append(self.read_request(conn))
            if behaviour == "silent":
                self.held.append(conn)  # keep it open, never answer
                continue
            with conn:
                if behaviour != "hangup":
                    head = (
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(behaviour)}\r\nConnection: close\r\n\r\n"
                    )
                    conn.sendall(head.encode() + behaviour)

    @staticmethod
    def read_request(conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a pending accept()
        self.sock.close()
        self.thread.join(5)
        for conn in self.held:
            conn.close()


@pytest.fixture
def server_factory() -> Iterator:
    servers: list[Server] = []

    def make(*behaviours):
        servers.append(Server(*behaviours))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def client_for(url: str) -> Client:
    client = Client("key-1234", url, timeout=0.5)
    client.retry_delays = (0, 0)
    return client


def test_real_post_answered(server_factory):
    server = server_factory(ACCEPTED)
    with client_for(server.url) as client:
        assert client.submit("music", dict(sound_prompt="x")).job_id == "j1"
    assert server.requests[0].startswith(b"POST /prefix/producer/v1/music ")
    assert b"tt-api-key: key-1234" in server.requests[0].lower()


def test_nothing_listening_is_not_ambiguous():
    port_holder = socket.create_server(("127.0.0.1", 0))
    port = port_holder.getsockname()[1]
    port_holder.close()
    with client_for(f"http://127.0.0.1:{port}") as client, pytest.raises(errors.TTAPIError) as info:
        client.submit("music", dict(sound_prompt="x"))
    assert type(info.value) is errors.ConnectionFailed
    assert not info.value.ambiguous


def test_silent_server_after_post_is_ambiguous_timeout(server_factory):
    server = server_factory("silent", ACCEPTED)
    with client_for(server.url) as client, pytest.raises(errors.Timeout) as info:
        client.submit("music", dict(sound_prompt="x"))
    assert info.value.ambiguous
    assert len(server.requests) == 1


def test_hangup_after_post_is_ambiguous_and_not_resent(server_factory):
    server = server_factory("hangup", ACCEPTED)
    with client_for(server.url) as client, pytest.raises(errors.ConnectionFailed) as info:
        client.submit("music", dict(sound_prompt="x"))
    assert info.value.ambiguous
    assert len(server.requests) == 1


def test_fetch_retried_after_hangup_and_silence(server_factory):
    server = server_factory("hangup", "silent", FETCHED)
    with client_for(server.url) as client:
        assert client.fetch("j1").status == "SUCCESS"
    assert len(server.requests) == 3
    assert all(r.startswith(b"GET /prefix/producer/v1/fetch?jobId=j1 ") for r in server.requests)
