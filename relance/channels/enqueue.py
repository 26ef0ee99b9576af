"""A day's e-mails written into the outbox at once: the rows ``outbox_enqueue`` writes one by
one (exact content, hash, Message-ID, thread references, open pixel), in a few statements for
the whole batch, so that writing 4,000 reminders does not cost 4,000 round trips of each
question.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from relance.channels.models import OutboundMessage, OutboxStatus
from relance.channels.outbox import _message_id, _with_open_pixel
from relance.dunning.models import DunningSettings, Reminder, ReminderItem
from relance.ledger.models import Customer
from relance.lib import bulk

CHUNK = 500


@dataclass(frozen=True)
class Draft:
    """One reminder's e-mail, as ``outbox_enqueue`` takes it."""

    reminder: Reminder
    sender: str
    recipients: Sequence[str]
    subject: str
    body_text: str
    body_html: str = ""
    reply_to: str = ""
    copy_to: Sequence[str] = ()
    blind_copy: Sequence[str] = ()
    attachments: Sequence[dict[str, object]] = ()
    items: Sequence[Sequence[object]] | None = None  # (instalment id, outstanding)


@transaction.atomic
def outbox_enqueue_many(drafts: Sequence[Draft]) -> list[OutboundMessage]:
    """Store these e-mails exactly as they will leave, in the order given (a customer's
    second message of the batch refers to its first)."""
    if any(not draft.recipients for draft in drafts):
        raise ValueError("a message needs at least one recipient")
    reminder_ids = [d.reminder.pk for d in drafts if d.items is None]
    stored_items = _reminder_items(reminder_ids)
    tracking = _tracking_organisations({d.reminder.organisation_id for d in drafts})
    previous = _last_messages(sorted({d.reminder.customer_id for d in drafts}))
    messages = []
    for draft in drafts:
        reminder = draft.reminder
        items = draft.items if draft.items is not None else stored_items.get(reminder.pk, [])
        message = OutboundMessage(
            organisation_id=reminder.organisation_id, customer_id=reminder.customer_id,
            reminder=reminder, sender=draft.sender, reply_to=draft.reply_to,
            recipients=list(draft.recipients), copy_to=list(draft.copy_to),
            blind_copy=list(draft.blind_copy),
            subject=draft.subject, body_text=draft.body_text, body_html=draft.body_html,
            items=[list(item) for item in items], next_attempt_at=timezone.now(),
            attachments=list(draft.attachments),
        )  # fmt: skip
        message.message_id = _message_id(str(message.uuid), draft.sender)
        if draft.body_html and reminder.organisation_id in tracking:
            message.body_html = _with_open_pixel(draft.body_html, message)
        last = previous.get(reminder.customer_id)
        if last is not None:  # keep the last ten, as mail clients do
            message.references = " ".join([*last[1].split(), last[0]][-10:])
        previous[reminder.customer_id] = (message.message_id, message.references)
        hashes = [str(attachment["sha256"]) for attachment in draft.attachments]
        parts = [draft.sender, *draft.recipients, draft.subject, draft.body_text,
                 message.body_html, *hashes]  # fmt: skip
        message.content_sha256 = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
        messages.append(message)
    bulk.insert_objects(OutboundMessage, messages)
    return messages


def _reminder_items(reminder_ids: list[int]) -> dict[int, list[list[object]]]:
    items: dict[int, list[list[object]]] = {}
    for start in range(0, len(reminder_ids), CHUNK):
        for reminder_id, instalment_id, outstanding in ReminderItem.objects.filter(
            reminder_id__in=reminder_ids[start : start + CHUNK]
        ).values_list("reminder_id", "instalment_id", "outstanding"):
            items.setdefault(reminder_id, []).append([instalment_id, str(outstanding)])
    return items


def _tracking_organisations(organisation_ids: set[int]) -> set[int]:
    return set(
        DunningSettings.objects.filter(organisation_id__in=organisation_ids, track_opens=True)
        .values_list("organisation_id", flat=True)
    )  # fmt: skip


def _last_messages(customer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Per customer: (Message-ID, References) of its latest e-mail not cancelled."""
    found: dict[int, tuple[str, str]] = {}
    latest = (
        OutboundMessage.objects.filter(customer_id=OuterRef("pk"), channel="email")
        .exclude(status=OutboxStatus.CANCELLED)
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )  # fmt: skip
    for start in range(0, len(customer_ids), CHUNK):
        ids = (
            Customer.objects.filter(pk__in=customer_ids[start : start + CHUNK])
            .annotate(latest=Subquery(latest)).exclude(latest=None)
            .values_list("latest", flat=True)
        )  # fmt: skip
        for customer_id, message_id, references in OutboundMessage.objects.filter(
            pk__in=list(ids)
        ).values_list("customer_id", "message_id", "references"):
            found[customer_id] = (message_id, references)
    return found
