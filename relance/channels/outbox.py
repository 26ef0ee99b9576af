"""The outbox: every e-mail is stored exactly as it will leave before it leaves.

``outbox_enqueue`` writes it (content, recipients, attachments' hashes, the items and amounts
it states); ``send_due`` sends what is due, organisation by organisation over one connection,
through the one send loop of every channel (``relance.channels.sending``: claim, last "still
due?" check, hand over, record, back off). E-mails leave within the organisation's sending
window, in its time zone (``send-outbox --now`` overrides it); what is due outside it waits.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from relance.accounts.clock import local_time
from relance.accounts.models import Organisation
from relance.channels.email.transports import EmailChannel, EmailTransport, email_transport_for
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.channels.sending import LEASE as LEASE
from relance.channels.sending import SendSummary as SendSummary
from relance.channels.sending import reconcile_reminders, send_loop
from relance.channels.sending import recover_stale as recover_stale
from relance.channels.sending import stale_reason as stale_reason
from relance.dunning.models import DunningSettings, Reminder


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
    blind_copy: Sequence[str] = (),
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
        copy_to=list(copy_to), blind_copy=list(blind_copy), subject=subject,
        body_text=body_text, body_html=body_html,
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
    reconcile_reminders()
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
        with EmailChannel(sender_for(organisation_id)) as channel:
            send_loop(ids, channel, worker=worker, summary=summary)
