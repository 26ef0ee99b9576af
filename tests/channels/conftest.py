"""A real SMTP server (aiosmtpd) for the channel tests, on a free local port."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """What the server received; ``delay`` slows each delivery, ``refuse`` rejects addresses."""

    messages: list[Message] = field(default_factory=list)
    delay: float = 0.0
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    temporary_failures: int = 0  # answer "451" to this many DATA commands first

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.temporary_failures:
            self.temporary_failures -= 1
            return "451 4.3.0 try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    mailbox.port = port  # type: ignore[attr-defined]
    yield mailbox
    controller.stop()


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
