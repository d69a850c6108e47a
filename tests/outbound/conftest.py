"""Local HTTP listeners on 127.0.0.1 that count every connection they accept."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Listener:
    server: ThreadingHTTPServer
    connections: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/file.mp3") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


Reply = Callable[[BaseHTTPRequestHandler], None]


def _ok(handler: BaseHTTPRequestHandler) -> None:
    body = b"ID3" + b"\x00" * 100
    handler.send_response(200)
    handler.send_header("Content-Type", "audio/mpeg")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def listen() -> Iterator[Callable[..., Listener]]:
    servers: list[ThreadingHTTPServer] = []

    def start(reply: Reply = _ok) -> Listener:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply(self)

            do_POST = do_GET

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address) -> bool:
                listener.connections.append(client_address[0])
                return True

        server = Server(("127.0.0.1", 0), Handler)
        listener = Listener(server)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return listener

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
