"""Bounces and replies read over IMAP from a real IMAP server (pymap) started by the test."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import call_command

from relance.channels.email.mailbox import mailbox_from_url, mailbox_poll
from relance.channels.models import DeliveryEvent, OutboundMessage
from relance.channels.outbox import send_due
from tests.channels.test_outbox import make_reminders
from tests.channels.test_tracking import dsn_for, quoting_only_the_message_id

USER, PASSWORD = "bounces", "s3cret"


@pytest.fixture
def imap_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pymap = Path(sys.executable).with_name("pymap")
    server = subprocess.Popen(
        [str(pymap), "--host", "127.0.0.1", "--port", str(port), "--no-tls",
         "--no-service", "managesieve", "--no-service", "admin",
         "dict", "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)


def deliver(port: int, raw: bytes) -> None:
    """Put a message in the mailbox, as the mail server would."""
    with imaplib.IMAP4("127.0.0.1", port) as connection:
        connection.login(USER, PASSWORD)
        connection.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)


def test_bounces_and_replies_are_read_once_from_the_mailbox(organisation, smtp_server,
                                                            imap_server):  # fmt: skip
    make_reminders(organisation, 2)
    send_due(worker="w1")
    first, second = OutboundMessage.objects.order_by("id")
    reply = EmailMessage()
    reply["From"] = "compta@k001.example"
    reply["Subject"] = "Re: " + second.subject
    reply["In-Reply-To"] = second.message_id
    reply.set_content("Le virement part demain.")
    deliver(imap_server, dsn_for(first))
    deliver(imap_server, reply.as_bytes())
    # The same matching as the hook: a report naming the second message by its quoted
    # Message-ID only is not applied.
    deliver(imap_server, quoting_only_the_message_id(second))
    url = f"imap://{USER}:{PASSWORD}@127.0.0.1:{imap_server}/INBOX"
    counts = mailbox_poll(mailbox_from_url(url))
    # The demo data has unread messages of its own: they are "unknown", not ours.
    assert (counts["bounced"], counts["replied"], counts["unmatched"]) == (1, 1, 1)
    assert DeliveryEvent.objects.get(kind="bounced").message == first
    assert DeliveryEvent.objects.get(kind="replied").message == second
    first.reminder.refresh_from_db()
    assert first.reminder.status == "failed"
    again = mailbox_poll(mailbox_from_url(url))
    assert set(again.values()) == {0}
    assert DeliveryEvent.objects.count() == 2
    second.reminder.refresh_from_db()
    assert second.reminder.status == "sent"
    # The same bounce copied into the mailbox again is read, and recorded once.
    deliver(imap_server, dsn_for(first))
    assert mailbox_poll(mailbox_from_url(url))["duplicate"] == 1
    assert DeliveryEvent.objects.count() == 2


def test_the_command_and_bad_urls(organisation, imap_server, capsys):
    call_command("mailbox", "poll", "--url",
                 f"imap://{USER}:{PASSWORD}@127.0.0.1:{imap_server}/INBOX")  # fmt: skip
    assert "Rejets : 0, réponses : 0" in capsys.readouterr().out
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="IMAP_URL"):
        mailbox_from_url("pop3://user@host")
