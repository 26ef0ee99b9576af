"""After a message left: bounces (DSN), replies (threading headers) and opens (pixel).

Bounces and replies arrive as raw e-mails, read from a mailbox or posted to the inbound
endpoint; both go through ``inbound_message``. A bounce is matched on the address it was sent
to, the message's own return path (``verp``), never on a Message-ID it quotes: anyone can quote
one. A bounced message goes back to the to-do. The same report arriving again (a retried post,
a message copied twice into the mailbox) records nothing more: each event keeps the report's
key, unique in the database.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import HeaderParser

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from relance.channels.email import verp
from relance.channels.models import DeliveryEvent, DeliveryEventKind, OutboundMessage
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.replies import debtor_reply_record
from relance.ledger.services import contacts_bounced, contacts_delivered

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
PIXEL_SALT = "relance.open-pixel"
KINDS = ("bounced", "delayed", "replied", "duplicate", "unmatched", "unknown")
EXPLANATIONS = {
    "duplicate": "déjà reçu : rien de plus n'est enregistré",
    "unmatched": (
        "rapport de non-remise ignoré : il n'est pas adressé au chemin de retour d'un message "
        "envoyé par relance (bounces+…@) ; un Message-ID cité ne suffit pas"
    ),
    "unknown": "ni rapport de non-remise ni réponse à un message envoyé : ignoré",
}


@dataclass(frozen=True)
class InboundResult:
    kind: str  # one of KINDS
    message: OutboundMessage | None
    detail: dict[str, str]

    @property
    def explanation(self) -> str:
        return EXPLANATIONS.get(self.kind, "")


def report_key(raw: bytes, event_id: str = "") -> str:
    """What makes a report the same report: the provider's event id, else its exact bytes."""
    if event_id.strip():
        return "event:" + event_id.strip()[:150]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _referenced_ids(mail: EmailMessage) -> list[str]:
    found: list[str] = []
    for header in ("In-Reply-To", "References"):
        found.extend(MESSAGE_ID.findall(str(mail.get(header, ""))))
    return found


def _quoted_return_paths(part: Message) -> list[str]:
    """The Return-Path of the original message quoted in a report, when the report has it."""
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        return [str(value) for value in inner[0].get_all("Return-Path", [])]
    if isinstance(inner, str):
        return [str(value) for value in HeaderParser().parsestr(inner).get_all("Return-Path", [])]
    return []


def _dsn_details(mail: EmailMessage) -> tuple[list[str], dict[str, str]] | None:
    """For a delivery status notification (RFC 3464): the addresses it was sent to (its
    envelope, and the Return-Path of the original it quotes), and why it failed."""
    if mail.get_content_type() != "multipart/report":
        return None
    detail: dict[str, str] = {}
    addresses = verp.envelope_addresses(mail.items())
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
            addresses.extend(_quoted_return_paths(part))
    if detail.get("action", "").lower() not in ("failed", "delayed", ""):
        return None
    return addresses, detail


def _record(
    message: OutboundMessage, kind: str, detail: dict[str, str], key: str
) -> DeliveryEvent | None:
    """Record an event once per report key; None when that report was already recorded (the
    unique key also stops two copies handled at the same moment)."""
    try:
        with transaction.atomic():
            return DeliveryEvent.objects.create(message=message, kind=kind, at=timezone.now(),
                                                detail=detail, report_key=key)  # fmt: skip
    except IntegrityError:
        return None


def _bounced_addresses(message: OutboundMessage, detail: dict[str, str]) -> list[str]:
    """The address the report says failed (``Final-Recipient``) when the message went to
    it, else every address the message went to."""
    final = detail.get("final-recipient", "").rpartition(";")[2].strip().strip("<>").lower()
    sent_to = [*message.recipients, *message.copy_to, *message.blind_copy]
    if final and final in {address.lower() for address in sent_to}:
        return [final]
    return list(message.recipients)


def _delivered(message: OutboundMessage) -> None:
    """An opening or a reply shows the message arrived: its addresses are not bouncing."""
    if message.sent_at is not None:
        contacts_delivered(customer_id=message.customer_id, addresses=message.recipients,
                           since=message.sent_at)  # fmt: skip


def _bounce(addresses: list[str], detail: dict[str, str], key: str) -> InboundResult:
    message = verp.message_for_addresses(addresses)
    if message is None:
        return InboundResult("unmatched", None, detail)
    if not detail.get("status", "5").startswith("5"):
        return InboundResult("delayed", message, detail)  # may still arrive: nothing to do
    if _record(message, DeliveryEventKind.BOUNCED, detail, key) is None:
        return InboundResult("duplicate", message, detail)
    contacts_bounced(customer_id=message.customer_id, addresses=_bounced_addresses(message, detail),
                     status=detail.get("status", ""), at=timezone.now())  # fmt: skip
    if message.reminder_id:
        Reminder.objects.filter(pk=message.reminder_id).update(
            status=ReminderStatus.FAILED, notes=[f"Rejeté : {detail.get('status', '')} "
                                                 f"{detail.get('diagnostic-code', '')}"]
        )  # fmt: skip
    return InboundResult("bounced", message, detail)


@transaction.atomic
def inbound_message(raw: bytes, *, event_id: str = "") -> InboundResult:
    """Attach a bounce or a reply to the message it is about."""
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    key = report_key(raw, event_id)
    dsn = _dsn_details(mail)
    if dsn is not None:
        return _bounce(*dsn, key)
    ids = _referenced_ids(mail)
    message = (
        OutboundMessage.objects.filter(message_id__in=ids)
        .select_related("customer", "customer__organisation").first()
        if ids else None
    )  # fmt: skip
    if message is None:
        return InboundResult("unknown", None, {})
    body = mail.get_body(preferencelist=("plain", "html"))
    detail = {
        "from": str(mail.get("From", "")),
        "subject": str(mail.get("Subject", "")),
        "text": (body.get_content() if body is not None else "")[:5000],
    }
    event = _record(message, DeliveryEventKind.REPLIED, detail, key)
    if event is None:
        return InboundResult("duplicate", message, detail)
    _delivered(message)
    _reply_task(event, message, detail)
    return InboundResult("replied", message, detail)


def _reply_task(event: DeliveryEvent, message: OutboundMessage, detail: dict[str, str]) -> None:
    """The reply goes on the customer's collector's to-do, tied to the message it answers."""
    event.request = debtor_reply_record(
        customer=message.customer, sender=detail["from"], subject=detail["subject"],
        text=detail["text"], received_at=event.at,
    )  # fmt: skip
    event.save(update_fields=["request"])


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
        _delivered(message)
    return True
