"""The outbox: a message is stored before it leaves, claimed by one worker, sent after commit.

Why it can never leave twice:

* A worker claims a message with one conditional UPDATE (``queued``/``failed`` and due ->
  ``sending``); the database lets exactly one worker win, however many run at once.
* The claim is committed before the message is handed to the SMTP server, and the result is
  recorded right after (``sent``, or ``failed`` with a retry time, or ``dead``).
* A message left in ``sending`` (the worker died between the two) is never retried by
  itself: after the lease it becomes ``uncertain`` and goes back to the collector's to-do.

Once claimed, just before it is handed over, each message asks the ledger the one "still
due?" question (``relance.dunning.still_due``): a payment, a credit note, a dispute, a promise
or a pause since it was written cancels it, even one recorded while its batch is going out.
A message handed over completes its reminder: the step counts from that day.

E-mails leave within the organisation's sending window, in its time zone (``--now`` in
``send-outbox`` overrides it); what is due outside it waits.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from relance.accounts.clock import local_day, local_time
from relance.accounts.models import Organisation
from relance.channels.email.smtp import DeliveryError
from relance.channels.email.transports import EmailTransport, email_transport_for
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.dunning.completion import reminders_complete
from relance.dunning.models import DunningSettings, Reminder, ReminderStatus
from relance.dunning.still_due import REASONS, Covered, still_due_reasons

LEASE = timedelta(minutes=10)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=6))  # fmt: skip
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass
class SendSummary:
    sent: int = 0
    cancelled: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0  # claimed by another worker
    waiting: int = 0  # due, but outside their organisation's sending window
    reasons: list[str] = field(default_factory=list)


def _message_id(uuid: str, sender: str) -> str:
    domain = sender.rpartition("@")[2].strip("> ") or socket.getfqdn()
    return f"<{uuid}@{domain}>"


@transaction.atomic
def outbox_enqueue(
    *,
    reminder: Reminder,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    reply_to: str = "",
    copy_to: Sequence[str] = (),
    attachments: Sequence[dict[str, object]] = (),
    items: Sequence[Sequence[object]] | None = None,
) -> OutboundMessage:
    """Store a reminder's e-mail, exactly as it will leave.

    ``attachments``: ``{"name", "path", "sha256", "size"}`` of stored files (invoice PDFs);
    the file is read again when the message leaves and must still have that hash.
    """
    if not recipients:
        raise ValueError("a message needs at least one recipient")
    if items is None:  # (instalment id, outstanding) of what the reminder covers
        items = [
            [pk, str(outstanding)]
            for pk, outstanding in reminder.items.values_list("instalment_id", "outstanding")
        ]
    message = OutboundMessage(
        organisation_id=reminder.organisation_id, customer_id=reminder.customer_id,
        reminder=reminder, sender=sender, reply_to=reply_to, recipients=list(recipients),
        copy_to=list(copy_to), subject=subject, body_text=body_text, body_html=body_html,
        items=[list(item) for item in items], next_attempt_at=timezone.now(),
        attachments=list(attachments),
    )  # fmt: skip
    message.message_id = _message_id(str(message.uuid), sender)
    if body_html and _tracks_opens(reminder.organisation_id):
        message.body_html = _with_open_pixel(body_html, message)
    previous = (
        OutboundMessage.objects.filter(customer_id=reminder.customer_id, channel="email")
        .exclude(status=OutboxStatus.CANCELLED)
        .order_by("-created_at", "-id")
        .values_list("message_id", "references")
        .first()
    )
    if previous is not None:  # keep the last ten, as mail clients do
        message.references = " ".join([*previous[1].split(), previous[0]][-10:])
    hashes = [str(attachment["sha256"]) for attachment in attachments]
    message.content_sha256 = hashlib.sha256(
        "\x00".join([sender, *recipients, subject, body_text, message.body_html, *hashes]).encode()
    ).hexdigest()
    message.save()
    return message


def _tracks_opens(organisation_id: int) -> bool:
    return DunningSettings.objects.filter(
        organisation_id=organisation_id, track_opens=True
    ).exists()


def _with_open_pixel(html: str, message: OutboundMessage) -> str:
    from django.conf import settings
    from django.urls import reverse

    from relance.channels.email.tracking import open_pixel_token

    url = settings.RELANCE_BASE_URL + reverse("open-pixel", args=[open_pixel_token(message)])
    pixel = f'<img src="{url}" width="1" height="1" alt="" style="display:none">'
    closing = html.lower().rfind("</body>")
    return html[:closing] + pixel + html[closing:] if closing >= 0 else html + pixel


def claim(message_id: int, worker: str, now: datetime) -> bool:
    """Take a due message for this worker; False when another worker already has it."""
    return (
        OutboundMessage.objects.filter(
            pk=message_id,
            status__in=(OutboxStatus.QUEUED, OutboxStatus.FAILED),
            next_attempt_at__lte=now,
        ).update(
            status=OutboxStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        == 1
    )


REMINDER_STATUS = {
    OutboxStatus.SENT.value: ReminderStatus.SENT.value,
    OutboxStatus.CANCELLED.value: ReminderStatus.CANCELLED.value,
    OutboxStatus.DEAD.value: ReminderStatus.FAILED.value,
}


def finish(
    message: OutboundMessage,
    worker: str,
    status: str,
    *,
    update_reminder: bool = True,
    **fields: object,
) -> None:
    """Record the outcome, only if this worker still holds the message."""
    OutboundMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING,
                                   claimed_by=worker).update(status=status, **fields)  # fmt: skip
    if not (update_reminder and message.reminder_id):
        return
    if status == OutboxStatus.SENT:
        reminders_complete(reminder_ids=[message.reminder_id],
                           on=local_day(message.organisation))  # fmt: skip
    elif status in REMINDER_STATUS:
        Reminder.objects.filter(pk=message.reminder_id).update(status=REMINDER_STATUS[status])


def stale_reason(message: OutboundMessage) -> str:
    """Why the message must not leave any more ("" when it still may): the "still due?"
    question, about the items and amounts it states."""
    covered = Covered(
        customer_id=message.customer_id,
        items={int(pk): Decimal(amount) for pk, amount in message.items},
    )
    organisation = message.organisation
    found = still_due_reasons(organisation, {message.pk: covered}, today=local_day(organisation))
    return str(REASONS[found[message.pk]]) if message.pk in found else ""


def recover_stale(now: datetime | None = None) -> int:
    """Messages left in ``sending`` past the lease become ``uncertain`` and go to the to-do."""
    now = now or timezone.now()
    stale = OutboundMessage.objects.filter(status=OutboxStatus.SENDING,
                                           claimed_at__lt=now - LEASE)  # fmt: skip
    reminder_ids = list(stale.exclude(reminder=None).values_list("reminder_id", flat=True))
    count = stale.update(
        status=OutboxStatus.UNCERTAIN,
        last_error="interrompu pendant l'envoi : vérifier avant de renvoyer",
    )
    Reminder.objects.filter(pk__in=reminder_ids).update(status=ReminderStatus.TODO)
    return count


def due_message_ids(
    now: datetime, limit: int = 1000, *, closed: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """(organisation id, message id) of the e-mails due, oldest first; ``closed``: the
    organisations whose sending window is closed."""
    return list(
        OutboundMessage.objects.filter(
            Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.FAILED),
            next_attempt_at__lte=now,
            channel="email",  # SMS have their own sender (relance.channels.sms)
        )
        .exclude(organisation_id__in=list(closed))
        .order_by("next_attempt_at", "id")
        .values_list("organisation_id", "id")[:limit]
    )


def window_open(organisation: Organisation, now: datetime) -> bool:
    """Whether the organisation sends e-mails at ``now`` (its window, in its time zone)."""
    start, end = (
        DunningSettings.objects.filter(organisation=organisation)
        .values_list("window_start", "window_end").first()
        or (DunningSettings._meta.get_field("window_start").get_default(),
            DunningSettings._meta.get_field("window_end").get_default())
    )  # fmt: skip
    wall = local_time(organisation, now).time()
    return bool(start <= wall < end)


def closed_organisations(now: datetime) -> dict[int, int]:
    """Organisations with e-mails due whose window is closed at ``now``: id -> how many wait."""
    waiting = dict(
        OutboundMessage.objects.filter(
            Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.FAILED),
            next_attempt_at__lte=now, channel="email",
        ).order_by().values_list("organisation_id").annotate(n=Count("id"))
    )  # fmt: skip
    return {
        organisation.pk: waiting[organisation.pk]
        for organisation in Organisation.objects.filter(pk__in=list(waiting))
        if not window_open(organisation, now)
    }


# Messages read from the database at once; each is still claimed and checked on its own.
BATCH = 500


def send_due(
    *,
    worker: str,
    sender_for: Callable[[int], EmailTransport] = email_transport_for,
    limit: int | None = None,
    ignore_window: bool = False,
) -> SendSummary:
    """Send every e-mail that is due (at most ``limit``), organisation by organisation, one
    connection each; those of an organisation outside its sending window wait, unless
    ``ignore_window``."""
    summary = SendSummary()
    recover_stale()
    now = timezone.now()
    closed = {} if ignore_window else closed_organisations(now)
    summary.waiting = sum(closed.values())
    seen: set[int] = set()
    while limit is None or len(seen) < limit:
        size = BATCH if limit is None else min(BATCH, limit - len(seen))
        rows = [row for row in due_message_ids(now, size, closed=list(closed))
                if row[1] not in seen]  # fmt: skip
        if not rows:
            break
        seen.update(message_id for _, message_id in rows)
        _send_grouped(rows, worker, sender_for, summary)
    return summary


def send_messages(
    ids: Sequence[int],
    *,
    worker: str,
    sender_for: Callable[[int], EmailTransport] = email_transport_for,
) -> SendSummary:
    """Send these e-mails now (a collector's "send"), through the same claim, re-check and
    recording as ``send_due``; one that is not due, or taken by another worker, is left."""
    summary = SendSummary()
    rows = (
        OutboundMessage.objects.filter(pk__in=list(ids), channel="email")
        .order_by("id").values_list("organisation_id", "id")
    )  # fmt: skip
    _send_grouped(list(rows), worker, sender_for, summary)
    return summary


def _send_grouped(
    rows: Sequence[tuple[int, int]],
    worker: str,
    sender_for: Callable[[int], EmailTransport],
    summary: SendSummary,
) -> None:
    """(organisation id, message id) rows: per organisation, one connection for the batch."""
    by_organisation: dict[int, list[int]] = {}
    for organisation_id, message_id in rows:
        by_organisation.setdefault(organisation_id, []).append(message_id)
    for organisation_id, ids in by_organisation.items():
        with sender_for(organisation_id) as sender:
            _send_batch(ids, sender, worker, summary)


def _send_batch(
    ids: Sequence[int], sender: EmailTransport, worker: str, summary: SendSummary
) -> None:
    messages = list(
        OutboundMessage.objects.filter(pk__in=list(ids)).select_related("organisation")
        .order_by("id")
    )  # fmt: skip
    outcome: dict[str, list[int]] = {}  # reminder status -> reminder ids, written at the end
    for message in messages:
        if not claim(message.pk, worker, timezone.now()):
            summary.skipped += 1
            continue
        message.attempts += 1  # as the claim recorded it
        # After the claim, for this message alone: a payment recorded a second ago counts.
        status = _send_one(message, stale_reason(message), sender, worker, summary)
        if status in REMINDER_STATUS and message.reminder_id:
            outcome.setdefault(status, []).append(message.reminder_id)
    if messages and outcome.get(OutboxStatus.SENT):
        reminders_complete(reminder_ids=outcome.pop(OutboxStatus.SENT),
                           on=local_day(messages[0].organisation))  # fmt: skip
    for status, reminder_ids in outcome.items():
        Reminder.objects.filter(pk__in=reminder_ids).update(status=REMINDER_STATUS[status])


def _send_one(
    message: OutboundMessage, reason: str, sender: EmailTransport, token: str, summary: SendSummary
) -> str:
    """Send one claimed message and record its outcome at once; returns its new status."""
    if reason:
        finish(message, token, OutboxStatus.CANCELLED, update_reminder=False, last_error=reason)
        summary.cancelled += 1
        summary.reasons.append(reason)
        return OutboxStatus.CANCELLED
    try:
        sender.send(message)
    except DeliveryError as exc:
        return _failed(message, token, exc, summary)
    finish(message, token, OutboxStatus.SENT, update_reminder=False, sent_at=timezone.now(),
           last_error="")  # fmt: skip
    summary.sent += 1
    return OutboxStatus.SENT


def _failed(
    message: OutboundMessage, worker: str, error: DeliveryError, summary: SendSummary
) -> str:
    attempts = message.attempts  # already counts this attempt
    if error.permanent or attempts >= MAX_ATTEMPTS:
        finish(message, worker, OutboxStatus.DEAD, update_reminder=False, last_error=str(error))
        summary.dead += 1
        return OutboxStatus.DEAD
    retry_at = timezone.now() + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    finish(message, worker, OutboxStatus.FAILED, update_reminder=False, last_error=str(error),
           next_attempt_at=retry_at)  # fmt: skip
    summary.failed += 1
    return OutboxStatus.FAILED
