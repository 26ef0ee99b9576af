from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from dataclasses import dataclass, field
from datetime import time
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.accounts.services import organisation_create
from relance.dunning.models import DunningSettings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def actor() -> Actor:
    return Actor.system("test")


def sending_all_day(organisation: Organisation) -> Organisation:
    """Tests send whatever the time of day: the sending window spans the whole day (the
    window's own tests narrow it)."""
    DunningSettings.objects.update_or_create(
        organisation=organisation,
        defaults={"window_start": time(0, 0), "window_end": time(23, 59, 59, 999999)},
    )
    return organisation


@pytest.fixture
def organisation(db, actor) -> Organisation:
    return sending_all_day(organisation_create(
        slug="atelier", legal_name="Atelier Dupont SAS", country="FR", actor=actor
    ))  # fmt: skip


@pytest.fixture
def other_organisation(db, actor) -> Organisation:
    return sending_all_day(organisation_create(
        slug="brasserie", legal_name="Brasserie Peeters SRL", country="BE", actor=actor,
        timezone="Europe/Brussels",
    ))  # fmt: skip


@dataclass
class Mailbox:
    """What the server received; ``delay`` slows each delivery, ``refuse`` rejects addresses."""

    messages: list[Message] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)  # the envelope's MAIL FROM, per message
    envelopes: list[list[str]] = field(default_factory=list)  # the RCPT TO, per message
    delay: float = 0.0
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    temporary_failures: int = 0  # answer "451" to this many DATA commands first
    answers_lost: int = 0  # take this many messages, then drop the connection unanswered

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
        self.senders.append(envelope.mail_from)
        self.envelopes.append(list(envelope.rcpt_tos))
        if self.answers_lost:
            self.answers_lost -= 1
            server.transport.abort()
            return "250 OK"  # never reaches the client
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
    # Django's own mail (password links, invitations) goes there too, not to the test outbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mailbox.port = port  # type: ignore[attr-defined]
    yield mailbox
    controller.stop()


def broker_url_for_tests() -> str:
    """A Redis database of the tests' own, one per database engine: the SQLite and PostgreSQL
    runs of CI go side by side without their workers taking each other's tasks."""
    from django.db import connection

    return f"redis://127.0.0.1:6379/{14 if connection.vendor == 'postgresql' else 15}"


@pytest.fixture
def payment_provider(settings):
    """The stand-in of Stripe's and Mollie's APIs (tests/payment_provider.py), the SDKs
    pointed at it."""
    from tests.payment_provider import StandInServer

    with StandInServer() as standin:
        settings.RELANCE_STRIPE_API_BASE = standin.base
        settings.RELANCE_MOLLIE_API_BASE = standin.base
        yield standin
