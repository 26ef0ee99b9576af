"""The demo's past: six weeks of collection days, so that today looks like a real morning.

Without a past, every overdue invoice of a new portfolio would start at the first reminder.
Here each of the last weeks is run through the real daily cycle; what it queued is recorded as
delivered that day (the demo has no mail server to wait for), the credit controller's manual
tasks of those days are recorded as done, and a few debtors react as debtors do: a dispute, a
promise, a bounce and a reply, all through the services and the inbound-mail code the product
uses. The last two days' manual tasks are left open, as on any Monday morning.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from email.message import EmailMessage

from django.db import transaction

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.channels.email.tracking import inbound_message
from relance.channels.email.verp import return_path
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.cycle.daily import daily_cycle
from relance.dunning.completion import reminders_complete
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.services import DunningError, dispute_open, promise_record
from relance.ledger.models import Invoice
from relance.ledger.selectors import open_instalments

HISTORY_DAYS = 42
LEFT_OPEN_DAYS = 2


def demo_history(*, organisation: Organisation, today: date, actor: Actor) -> None:
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        daily_cycle(organisation=organisation, day=day, actor=actor)
        sent_at = datetime.combine(day, time(9, 30), tzinfo=zone)
        with transaction.atomic():
            queued = OutboundMessage.objects.filter(
                organisation=organisation, status=OutboxStatus.QUEUED
            )
            done = list(queued.exclude(reminder=None).values_list("reminder_id", flat=True))
            queued.update(status=OutboxStatus.SENT, sent_at=sent_at, attempts=1)
            if back > LEFT_OPEN_DAYS:
                done += Reminder.objects.filter(
                    organisation=organisation, run_date=day, status=ReminderStatus.TODO
                ).values_list("id", flat=True)
            # Done that day: the steps count from it, as when they really leave.
            reminders_complete(reminder_ids=done, on=day)
    _debtors_react(organisation, today, actor)


def _debtors_react(organisation: Organisation, today: date, actor: Actor) -> None:
    overdue = list(
        Invoice.objects.filter(
            pk__in=open_instalments(organisation)
            .filter(due_date__lt=today - timedelta(days=20))
            .values("invoice_id")
        )
        .select_related("customer")
        .order_by("customer__name", "number")[:12]
    )
    reasons = ("Livraison incomplète, 2 cartons manquants", "Prix différent du devis signé")
    for invoice, reason in zip(overdue[:2], reasons, strict=False):
        dispute_open(invoice=invoice, reason=reason, day=today - timedelta(days=3), actor=actor)
    for invoice, promised_on in zip(overdue[2:4], (today, today + timedelta(days=7)), strict=False):
        try:
            promise_record(
                customer=invoice.customer, invoices=[invoice], promised_on=promised_on,
                amount=Decimal(invoice.amount_incl_tax), day=today - timedelta(days=5),
                actor=actor,
            )  # fmt: skip
        except DunningError:
            continue
    sent = list(
        OutboundMessage.objects.filter(
            organisation=organisation, status=OutboxStatus.SENT
        ).order_by("-sent_at", "pk")[:2]
    )
    if sent:
        inbound_message(_bounce(sent[0]))
    if len(sent) > 1:
        inbound_message(_reply(sent[1].message_id, sent[1].recipients, sent[1].sender))


def _bounce(message: OutboundMessage) -> bytes:
    """A delivery status notification (RFC 3464) as a mail server writes it: to the message's
    return path."""
    recipient = message.recipients[0] if message.recipients else "unknown@example.org"
    message_id = message.message_id
    return (
        "From: MAILER-DAEMON@mx.example\r\n"
        f"To: {return_path(message)}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nSubject: Relance\r\n"
        "--B--\r\n"
    ).encode()


def _reply(message_id: str, recipients: list[str], sender: str) -> bytes:
    reply = EmailMessage()
    reply["From"] = recipients[0] if recipients else "client@example.org"
    reply["To"] = sender
    reply["Subject"] = "Re: votre relance"
    reply["In-Reply-To"] = message_id
    reply.set_content(
        "Bonjour,\n\nLe virement part vendredi, excusez le retard.\n\nCordialement,\nLa compta"
    )
    return bytes(reply)
