"""A local HTTP server speaking Brevo's SMS API for the channel tests. (The real SMTP server,
``smtp_server``, is in tests/conftest.py: the web tests use it too.)"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, object]


@dataclass
class LocalBrevo:
    """A local HTTP server speaking Brevo's SMS API: records each request and answers it
    with the next (status, body, delay) of ``replies`` (201 by default)."""

    requests: list[Recorded] = field(default_factory=list)
    replies: list[tuple[int, bytes, float]] = field(default_factory=list)
    port: int = 0

    def reply(self, status: int, body: object = None, delay: float = 0.0) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        self.replies.append((status, raw, delay))

    def url(self, path: str = "") -> str:
        return f"brevo+http://xkeysib-test-123@127.0.0.1:{self.port}{path}"


@pytest.fixture
def brevo():
    fake = LocalBrevo()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", 0))
            fake.requests.append(Recorded(
                "POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                json.loads(self.rfile.read(length)),
            ))  # fmt: skip
            status, body, delay = fake.replies.pop(0) if fake.replies else (201, b"{}", 0.0)
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
