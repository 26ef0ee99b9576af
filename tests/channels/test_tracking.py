"""Bounces, replies and opens coming back after a message left."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.urls import reverse

from relance.channels.email.tracking import open_pixel_token
from relance.channels.models import DeliveryEvent, OutboundMessage
from relance.channels.outbox import send_due
from tests.channels.test_outbox import make_reminders

SECRET = "s3cret-inbound-hook"


@pytest.fixture
def sent(organisation, smtp_server, settings):
    settings.RELANCE_INBOUND_SECRET = SECRET
    make_reminders(organisation, 2)
    send_due(worker="w1")
    return list(OutboundMessage.objects.order_by("id"))


def dsn_for(message: OutboundMessage, status: str = "5.1.1") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes it."""
    return f"""From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: relances@atelier.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example. Your message could not be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; {message.recipients[0]}
Original-Recipient: rfc822;{message.recipients[0]}
Action: failed
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{message.recipients[0]}>: Recipient address rejected

--B0UND
Content-Type: text/rfc822-headers

From: {message.sender}
To: {message.recipients[0]}
Subject: {message.subject}
Message-ID: {message.message_id}

--B0UND--
""".replace("\n", "\r\n").encode()


def post(client, body: bytes, secret: str = SECRET):
    return client.post(reverse("inbound-mail"), data=body, content_type="message/rfc822",
                       HTTP_AUTHORIZATION=f"Bearer {secret}")  # fmt: skip


def test_a_bounce_puts_the_reminder_back_on_the_todo_with_its_reason(client, sent):
    response = post(client, dsn_for(sent[0]))
    assert response.status_code == 200 and response.content == b"bounced"
    event = DeliveryEvent.objects.get(kind="bounced")
    assert event.message == sent[0] and event.detail["status"] == "5.1.1"
    sent[0].reminder.refresh_from_db()
    assert sent[0].reminder.status == "failed"
    assert "5.1.1" in sent[0].reminder.notes[0]
    sent[1].reminder.refresh_from_db()
    assert sent[1].reminder.status == "sent"


def test_a_reply_is_attached_to_the_message_it_answers(client, sent):
    reply = EmailMessage()
    reply["From"] = "compta@k001.example"
    reply["To"] = "relances@atelier.example"
    reply["Subject"] = "Re: " + sent[1].subject
    reply["In-Reply-To"] = sent[1].message_id
    reply["References"] = sent[1].message_id
    reply.set_content("Bonjour, le virement part vendredi.")
    response = post(client, reply.as_bytes())
    assert response.content == b"replied"
    event = DeliveryEvent.objects.get(kind="replied")
    assert event.message == sent[1] and "vendredi" in event.detail["text"]


def test_the_inbound_hook_wants_its_secret_and_ignores_strangers(client, sent):
    assert post(client, dsn_for(sent[0]), secret="wrong").status_code == 403
    stranger = EmailMessage()
    stranger["Subject"] = "Hello"
    stranger.set_content("spam")
    assert post(client, stranger.as_bytes()).content == b"unknown"
    assert post(client, b"").status_code == 400
    assert not DeliveryEvent.objects.exists()


def test_the_open_pixel_records_the_first_opening_and_ignores_forgeries(client, sent):
    token = open_pixel_token(sent[0])
    for _ in range(2):
        response = client.get(reverse("open-pixel", args=[token]))
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert DeliveryEvent.objects.filter(kind="opened", message=sent[0]).count() == 1
    forged = client.get(reverse("open-pixel", args=[token[:-2] + "xx"]))
    assert forged.status_code == 200
    assert DeliveryEvent.objects.filter(kind="opened").count() == 1


def test_open_tracking_is_off_unless_chosen_then_the_pixel_records_the_opening(
    client, organisation, smtp_server, settings
):
    import re

    from relance.dunning.models import DunningSettings

    settings.RELANCE_BASE_URL = "https://relance.atelier.example"
    DunningSettings.objects.filter(organisation=organisation).update(track_opens=True)
    make_reminders(organisation, 1)
    send_due(worker="w1")
    html = next(part for part in smtp_server.messages[0].walk()
                if part.get_content_type() == "text/html").get_content()  # fmt: skip
    match = re.search(r'src="https://relance\.atelier\.example(/t/o/[^"]+\.gif)"', html)
    assert match, html[-400:]
    client.get(match.group(1))
    assert DeliveryEvent.objects.filter(kind="opened").count() == 1


def test_no_pixel_by_default(organisation, smtp_server):
    messages = make_reminders(organisation, 1)
    assert "/t/o/" not in messages[0].body_html
