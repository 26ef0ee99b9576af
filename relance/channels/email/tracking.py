"""After a message left: bounces (DSN), replies (threading headers) and opens (pixel).

Bounces and replies arrive as raw e-mails, read from a mailbox or posted to the inbound
endpoint; both go through ``inbound_message``. A bounced message goes back to the to-do.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from django.core import signing
from django.db import transaction
from django.utils import timezone

from relance.channels.models import DeliveryEvent, DeliveryEventKind, OutboundMessage
from relance.dunning.models import Reminder, ReminderStatus

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
PIXEL_SALT = "relance.open-pixel"


@dataclass(frozen=True)
class InboundResult:
    kind: str  # bounced, replied, unknown
    message: OutboundMessage | None
    detail: dict[str, str]


def _referenced_ids(mail: EmailMessage) -> list[str]:
    found: list[str] = []
    for header in ("In-Reply-To", "References"):
        found.extend(MESSAGE_ID.findall(str(mail.get(header, ""))))
    return found


def _dsn_details(mail: EmailMessage) -> tuple[list[str], dict[str, str]] | None:
    """For a delivery status notification (RFC 3464): the original Message-IDs and why."""
    if mail.get_content_type() != "multipart/report":
        return None
    detail: dict[str, str] = {}
    ids: list[str] = []
    for part in mail.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            payload = part.get_payload()
            blocks = (
                [b for b in payload if isinstance(b, Message)]
                if isinstance(payload, list)
                else [part]
            )
            for block in blocks:
                for name in ("Status", "Action", "Final-Recipient", "Diagnostic-Code"):
                    if block.get(name):
                        detail[name.lower()] = str(block.get(name))
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                ids.extend(MESSAGE_ID.findall(str(inner[0].get("Message-ID", ""))))
            elif isinstance(inner, str):
                ids.extend(MESSAGE_ID.findall(inner.partition("Message-ID:")[2][:300]))
    if detail.get("action", "").lower() not in ("failed", "delayed", ""):
        return None
    return ids, detail


@transaction.atomic
def inbound_message(raw: bytes) -> InboundResult:
    """Attach a bounce or a reply to the message it is about."""
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    dsn = _dsn_details(mail)
    if dsn is not None:
        ids, detail = dsn
        message = OutboundMessage.objects.filter(message_id__in=ids).first()
        permanent = detail.get("status", "5").startswith("5")
        if message is not None and permanent:
            DeliveryEvent.objects.create(message=message, kind=DeliveryEventKind.BOUNCED,
                                         at=timezone.now(), detail=detail)  # fmt: skip
            if message.reminder_id:
                Reminder.objects.filter(pk=message.reminder_id).update(
                    status=ReminderStatus.FAILED, notes=[f"Rejeté : {detail.get('status', '')} "
                                                         f"{detail.get('diagnostic-code', '')}"]
                )  # fmt: skip
        return InboundResult("bounced" if message else "unknown", message, detail)
    ids = _referenced_ids(mail)
    message = OutboundMessage.objects.filter(message_id__in=ids).first() if ids else None
    if message is None:
        return InboundResult("unknown", None, {})
    body = mail.get_body(preferencelist=("plain", "html"))
    detail = {
        "from": str(mail.get("From", "")),
        "subject": str(mail.get("Subject", "")),
        "text": (body.get_content() if body is not None else "")[:5000],
    }
    DeliveryEvent.objects.create(message=message, kind=DeliveryEventKind.REPLIED,
                                 at=timezone.now(), detail=detail)  # fmt: skip
    return InboundResult("replied", message, detail)


def open_pixel_token(message: OutboundMessage) -> str:
    return signing.dumps(str(message.uuid), salt=PIXEL_SALT, compress=True)


def record_open(token: str) -> bool:
    """Record the first opening of a message; a forged or unknown token records nothing."""
    try:
        uuid = signing.loads(token, salt=PIXEL_SALT)
    except signing.BadSignature:
        return False
    message = OutboundMessage.objects.filter(uuid=uuid).first()
    if message is None:
        return False
    if not DeliveryEvent.objects.filter(message=message, kind=DeliveryEventKind.OPENED).exists():
        DeliveryEvent.objects.create(message=message, kind=DeliveryEventKind.OPENED,
                                     at=timezone.now())  # fmt: skip
    return True
