"""Bounces, replies and opens coming back after a message left."""

from __future__ import annotations

import re
import threading
from email.message import EmailMessage

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from relance.channels.email.tracking import inbound_message, open_pixel_token
from relance.channels.email.verp import bounce_address_setting, return_path
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


def dsn_for(message: OutboundMessage, status: str = "5.1.1", to: str = "") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes it: addressed to the
    envelope sender of the message that failed (``to`` replaces it)."""
    return f"""From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: {to or return_path(message)}
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


def quoting_only_the_message_id(message: OutboundMessage) -> bytes:
    """A report sent to the From address, naming the message only by its quoted Message-ID:
    anyone who saw the message (or guessed its id) can write this one."""
    return dsn_for(message, to="relances@atelier.example")


def post(client, body: bytes, secret: str = SECRET, **headers: str):
    return client.post(reverse("inbound-mail"), data=body, content_type="message/rfc822",
                       HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)  # fmt: skip


def test_each_message_leaves_with_its_own_return_path(sent, smtp_server):
    assert smtp_server.senders == [return_path(message) for message in sent]
    for envelope_sender in smtp_server.senders:
        assert re.fullmatch(r"bounces\+[0-9a-f]{44}@atelier\.example", envelope_sender)
    assert len(set(smtp_server.senders)) == 2
    # The From the debtor reads is unchanged.
    assert smtp_server.messages[0]["From"] == "Atelier Dupont <relances@atelier.example>"


def test_the_bounce_mailbox_can_be_another_address(organisation, smtp_server, settings):
    settings.RELANCE_BOUNCE_ADDRESS = "retours@mail.atelier.example"
    make_reminders(organisation, 1)
    send_due(worker="w1")
    (envelope_sender,) = smtp_server.senders
    assert re.fullmatch(r"retours\+[0-9a-f]{44}@mail\.atelier\.example", envelope_sender)
    with pytest.raises(ImproperlyConfigured, match="RELANCE_BOUNCE_ADDRESS"):
        bounce_address_setting("a-very-long-local-part-for-bounces@example.com")
    assert bounce_address_setting(" Retours@Mail.Example.COM ") == "Retours@mail.example.com"


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


def test_a_bounce_delivered_to_the_return_path_is_matched_by_the_envelope_headers(client, sent):
    """A mailbox server keeps the envelope in Delivered-To even when To says something else."""
    report = b"Delivered-To: " + return_path(sent[1]).encode() + b"\r\n"
    response = post(client, report + quoting_only_the_message_id(sent[1]))
    assert response.content == b"bounced"
    assert DeliveryEvent.objects.get(kind="bounced").message == sent[1]


def test_a_report_quoting_only_the_message_id_is_not_applied(client, sent):
    response = post(client, quoting_only_the_message_id(sent[0]))
    assert response.status_code == 200
    assert response.content.decode().startswith("unmatched\n")
    assert "Message-ID" in response.content.decode()
    assert not DeliveryEvent.objects.exists()
    sent[0].reminder.refresh_from_db()
    assert sent[0].reminder.status == "sent"


def test_a_made_up_return_path_matches_nothing(client, sent):
    local, _, domain = return_path(sent[0]).partition("@")
    forged = f"{local[:-1]}{'1' if local.endswith('0') else '0'}@{domain}"  # signature changed
    assert post(client, dsn_for(sent[0], to=forged)).content.startswith(b"unmatched")
    assert not DeliveryEvent.objects.exists()


def test_the_same_bounce_posted_three_times_makes_one_event(client, sent):
    answers = [post(client, dsn_for(sent[0])).content for _ in range(3)]
    assert answers[0] == b"bounced"
    assert all(answer.startswith(b"duplicate\n") for answer in answers[1:])
    assert DeliveryEvent.objects.filter(kind="bounced").count() == 1


def test_the_provider_event_id_makes_two_copies_one_event(client, sent):
    """Two posts of one event may differ in their bytes (a header added on the way)."""
    first = post(client, dsn_for(sent[0]), HTTP_X_EVENT_ID="evt-8842")
    second = post(client, b"Received: by relay.example\r\n" + dsn_for(sent[0]),
                  HTTP_X_EVENT_ID="evt-8842")  # fmt: skip
    assert (first.content, second.content.split(b"\n")[0]) == (b"bounced", b"duplicate")
    assert DeliveryEvent.objects.get().report_key == "event:evt-8842"


@pytest.mark.django_db(transaction=True)
def test_copies_handled_at_the_same_moment_make_one_event(organisation, smtp_server):
    make_reminders(organisation, 1)
    send_due(worker="w1")
    report = dsn_for(OutboundMessage.objects.get())
    kinds: list[str] = []
    barrier = threading.Barrier(3)

    def handle() -> None:
        try:
            barrier.wait()
            kinds.append(inbound_message(report).kind)
        finally:
            connection.close()

    threads = [threading.Thread(target=handle) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kinds) == ["bounced", "duplicate", "duplicate"]
    assert DeliveryEvent.objects.count() == 1


def test_the_database_refuses_a_second_event_for_one_report(sent):
    DeliveryEvent.objects.create(message=sent[0], kind="bounced", at=timezone.now(),
                                 report_key="sha256:abc")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEvent.objects.create(message=sent[1], kind="replied", at=timezone.now(),
                                     report_key="sha256:abc")  # fmt: skip


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
    assert post(client, reply.as_bytes()).content.startswith(b"duplicate\n")
    assert DeliveryEvent.objects.filter(kind="replied").count() == 1


@pytest.mark.parametrize("authorization", ["", SECRET, f"Token {SECRET}", f"Bearer{SECRET}",
                                           "Bearer wrong", f"Basic {SECRET}"])  # fmt: skip
def test_the_inbound_hook_wants_bearer_and_its_secret(client, sent, authorization):
    response = client.post(reverse("inbound-mail"), data=dsn_for(sent[0]),
                           content_type="message/rfc822",
                           HTTP_AUTHORIZATION=authorization)  # fmt: skip
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.content.decode()
    assert not DeliveryEvent.objects.exists()


def test_the_inbound_hook_is_closed_without_a_secret_and_ignores_strangers(client, sent,
                                                                           settings):  # fmt: skip
    stranger = EmailMessage()
    stranger["Subject"] = "Hello"
    stranger.set_content("spam")
    assert post(client, stranger.as_bytes()).content.startswith(b"unknown\n")
    assert post(client, b"").status_code == 400
    settings.RELANCE_INBOUND_SECRET = ""
    assert post(client, dsn_for(sent[0]), secret="").status_code == 403
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
