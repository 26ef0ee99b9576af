"""SMS reminders: stored in the outbox, sent in the debtor's daytime, never after a STOP.

An SMS is an ``OutboundMessage`` with ``channel="sms"``, ``recipients=[E.164 number]``,
``body_text`` = the exact text, ``subject=""`` and ``sender`` = the sender name shown on the
phone. It goes through the same send loop as an e-mail (``relance.channels.sending``): stored before
it leaves, claimed by one worker with a conditional UPDATE, asked "still due?" just before
leaving, retried with back-off, ``uncertain`` when it may have left. ``SmsChannel`` is its
transport: the debtor's hours, the STOP list and the provider.

On top of that:

* **Quiet hours.** Sent only 08:00-20:00 in the debtor's local time, never on a Sunday or a
  public holiday of the customer's calendar. French law sets no hours for collecting one's own
  debts; this is the product policy docs/legal-rules.md §4.6/§7 recommends (by analogy with C. conso
  D223-9 for canvassing) and it is stricter than the Belgian rule for consumers (no calls or
  visits 22:00-08:00, §5.3). Outside the window a message stays queued: its next attempt moves
  to the next opening, it is not claimed and not counted as a failure.
* **STOP.** A number that answered STOP (or ARRÊT, STOP SMS...) is never texted again by that
  organisation: its queued messages are cancelled with the reason when their turn comes.
* **Length.** Refused when stored beyond ``MAX_SEGMENTS`` SMS (3: 459 GSM-7 characters or 201
  UCS-2 ones), rather than cut or billed six times.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.channels.email.smtp import DeliveryError
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.channels.sending import (
    SendSummary,
    reconcile_reminders,
    recover_stale,
    send_loop,
)
from relance.channels.sms.backends import SmsBackend, SmsError
from relance.channels.sms.segments import PART, segment_count
from relance.core.calendar import BusinessCalendar, for_customer
from relance.dunning.models import Reminder
from relance.imports.parsers.values import CellError, parse_phone
from relance.ledger.models import Contact
from relance.ledger.services import E164

CHANNEL = "sms"
MAX_SEGMENTS = 3
WINDOW_START = time(8, 0)
WINDOW_END = time(20, 0)  # exclusive: 19:59 is in, 20:00 is out
SUNDAY = 6
OPTED_OUT = "le destinataire a demandé à ne plus recevoir de SMS (STOP)"
# Alphanumeric sender ID (3-11 letters or digits, at least one letter) or a phone number.
SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$|^\+?[0-9]{3,15}$")

# Debtor's time zone from the number's country calling code, longest prefix first. French
# overseas departments have their own codes, hours away from Paris.
_TIME_ZONE_BY_PREFIX = {
    "+262269": "Indian/Mayotte", "+262639": "Indian/Mayotte",
    "+262": "Indian/Reunion", "+269": "Indian/Comoro", "+590": "America/Guadeloupe",
    "+594": "America/Cayenne", "+596": "America/Martinique", "+508": "America/Miquelon",
    "+687": "Pacific/Noumea", "+689": "Pacific/Tahiti", "+681": "Pacific/Wallis",
    "+352": "Europe/Luxembourg", "+377": "Europe/Monaco", "+351": "Europe/Lisbon",
    "+33": "Europe/Paris", "+32": "Europe/Brussels", "+31": "Europe/Amsterdam",
    "+34": "Europe/Madrid", "+39": "Europe/Rome", "+41": "Europe/Zurich",
    "+43": "Europe/Vienna", "+44": "Europe/London", "+49": "Europe/Berlin",
}  # fmt: skip
_STOP_FIRST = frozenset({"stop", "arret", "arreter", "stopsms"})
_STOP_MORE = _STOP_FIRST | {"sms", "svp", "stp", "merci", "please"}


class SmsRefused(ValueError):
    """An SMS that cannot be stored: bad number or sender, empty, or too long."""


# The send loop's summary: ``deferred`` counts SMS held for the debtor's hours, ``uncertain``
# those the provider did not answer for (they may have left: a person decides).
SmsSendSummary = SendSummary


@dataclass
class InboundResult:
    stop: bool
    phone: str
    organisations: list[int] = field(default_factory=list)  # where an opt-out was recorded


# --- pure rules ------------------------------------------------------------------------------


def sms_allowed(now: datetime, time_zone: str, *, holidays: Container[date] = ()) -> bool:
    """May an SMS reach a debtor now? 08:00-20:00 local, not on Sunday nor on ``holidays``."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    local = now.astimezone(ZoneInfo(time_zone))
    return (
        local.weekday() != SUNDAY
        and local.date() not in holidays
        and WINDOW_START <= local.time() < WINDOW_END
    )


def next_sms_opening(now: datetime, time_zone: str, *, holidays: Container[date] = ()) -> datetime:
    """``now`` when an SMS may go now, else the start of the next allowed period."""
    zone = ZoneInfo(time_zone)
    day = now.astimezone(zone).date()
    for _ in range(400):  # a year of holidays and Sundays cannot close every day
        opening = datetime.combine(day, WINDOW_START, tzinfo=zone)
        closing = datetime.combine(day, WINDOW_END, tzinfo=zone)
        if day.weekday() != SUNDAY and day not in holidays and now < closing:
            return max(opening, now)
        day += timedelta(days=1)
    raise ValueError("no sending day within a year")


def debtor_time_zone(phone: str, default: str) -> str:
    """The time zone of a number's country (Réunion, Guadeloupe... apart), else ``default``."""
    for prefix in sorted(_TIME_ZONE_BY_PREFIX, key=len, reverse=True):
        if phone.startswith(prefix):
            return _TIME_ZONE_BY_PREFIX[prefix]
    return default


def is_stop(text: str) -> bool:
    """STOP, Stop., ARRÊT, STOP SMS, "Stop merci"... not "Arrêt maladie, je paie le 5"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z]+", folded)
    return bool(words) and words[0] in _STOP_FIRST and all(w in _STOP_MORE for w in words)


def normalise_phone(text: str, country: str = "FR") -> str:
    """E.164 from what a provider sends: ``+33612345678``, ``33612345678``, ``0033 6 12…``;
    a national number (``06 12 34 56 78``) is read as one of ``country``."""
    s = text.strip().replace(" ", "")
    if s.isdigit() and not s.startswith("0"):
        s = "+" + s  # providers often drop the "+"
    try:
        return parse_phone(s, country)
    except CellError as exc:
        raise SmsRefused(
            gettext("Numéro de téléphone invalide « %(text)s ».") % {"text": text}
        ) from exc


def default_sms_sender(name: str) -> str:
    """An alphanumeric sender ID from a company name: "Atelier Dupont SAS" -> "ATELIERDUPO"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", ascii_name).upper()[:11]


@dataclass(frozen=True)
class _CalendarHolidays:
    """The public holidays of a customer's calendar, as a ``Container[date]`` over any year."""

    calendar: BusinessCalendar

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self.calendar.holidays_in(day.year)


# --- opt-outs ---------------------------------------------------------------------------------


def _opt_outs() -> type[models.Model]:
    # channels.SmsOptOut (organisation, phone, source, created_at): looked up by name so that
    # this module does not depend on the order in which the model and it were written.
    return apps.get_model("channels", "SmsOptOut")


def sms_opted_out(*, organisation_id: int, phone: str) -> bool:
    return (
        _opt_outs()._default_manager.filter(organisation_id=organisation_id, phone=phone).exists()
    )


@transaction.atomic
def sms_opt_out_record(
    *, organisation: Organisation, phone: str, source: str, actor: Actor
) -> bool:
    """Record that ``phone`` wants no more SMS from ``organisation``; False if already known.
    A national number is read as one of the organisation's country."""
    phone = normalise_phone(phone, organisation.country)
    _, created = _opt_outs()._default_manager.get_or_create(
        organisation_id=organisation.pk, phone=phone, defaults={"source": source}
    )
    if created:
        audit_record(
            organisation=organisation, actor=actor, action="sms_opt_out",
            entity_type="phone", entity_id=phone, after={"source": source},
        )  # fmt: skip
    return bool(created)


@transaction.atomic
def sms_opt_out_remove(*, organisation: Organisation, phone: str, actor: Actor) -> bool:
    """Let ``phone`` receive the organisation's SMS again (a number opted out by mistake, or
    given to someone else since); False if it was not on the list."""
    phone = normalise_phone(phone, organisation.country)
    opt_outs = _opt_outs()._default_manager.filter(organisation_id=organisation.pk, phone=phone)
    sources = list(opt_outs.values_list("source", flat=True))
    if not sources:
        return False
    opt_outs.delete()
    audit_record(
        organisation=organisation, actor=actor, action="sms_opt_out_remove",
        entity_type="phone", entity_id=phone, before={"source": sources[0]},
    )  # fmt: skip
    return True


def sms_inbound(*, from_number: str, text: str, organisation: Organisation | None = None,
                actor: Actor | None = None) -> InboundResult:  # fmt: skip
    """An SMS received from a debtor. A STOP is recorded for ``organisation`` when known, else
    for every organisation that has this number as a contact or has texted it: the debtor does
    not know which tenant of a shared provider account wrote to them, and stopping too much is
    safer than texting someone who said STOP."""
    phone = normalise_phone(from_number)
    if not is_stop(text):
        return InboundResult(stop=False, phone=phone)
    if organisation is not None:
        organisations = [organisation]
    else:
        ids = set(Contact.objects.filter(phone=phone).values_list("organisation_id", flat=True))
        ids |= set(
            OutboundMessage.objects.filter(channel=CHANNEL, recipients=[phone])
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        organisations = list(Organisation.objects.filter(pk__in=ids).order_by("pk"))
    actor = actor or Actor.system("SMS entrant")
    recorded = [
        org.pk
        for org in organisations
        if sms_opt_out_record(organisation=org, phone=phone, source="sms", actor=actor)
    ]
    return InboundResult(stop=True, phone=phone, organisations=recorded)


# --- storing and sending ----------------------------------------------------------------------


@transaction.atomic
def sms_enqueue(*, reminder: Reminder, sender: str, to: str, text: str) -> OutboundMessage:
    """Store a reminder's SMS exactly as it will leave; ``SmsRefused`` when it cannot."""
    to = to.strip()
    if not E164.match(to):
        raise SmsRefused(
            gettext("Numéro « %(to)s » : format international attendu (+33612345678).") % {"to": to}
        )
    if not SENDER.match(sender):
        raise SmsRefused(
            gettext(
                "Expéditeur SMS « %(sender)s » : 3 à 11 lettres ou chiffres sans espace ni "
                "accent (au moins une lettre), ou un numéro."
            )
            % {"sender": sender}
        )
    if not text.strip():
        raise SmsRefused(gettext("Le texte du SMS est vide."))
    length = segment_count(text)
    if length.segments > MAX_SEGMENTS:
        raise SmsRefused(
            gettext(
                "SMS trop long : %(characters)s caractères en %(encoding)s, soit %(segments)s "
                "SMS ; %(most)s au plus (%(plain)s caractères sans accent spécial, %(accented)s "
                "avec ç, ê, â, œ, ’ ou un emoji)."
            )
            % {
                "characters": length.characters,
                "encoding": length.encoding,
                "segments": length.segments,
                "most": MAX_SEGMENTS,
                "plain": MAX_SEGMENTS * PART["GSM-7"],
                "accented": MAX_SEGMENTS * PART["UCS-2"],
            }
        )
    items = [
        [pk, str(outstanding)]
        for pk, outstanding in reminder.items.values_list("instalment_id", "outstanding")
    ]
    message = OutboundMessage(
        organisation_id=reminder.organisation_id, customer_id=reminder.customer_id,
        reminder=reminder, channel=CHANNEL, sender=sender, recipients=[to], subject="",
        body_text=text, items=items, next_attempt_at=timezone.now(),
    )  # fmt: skip
    message.message_id = f"sms-{message.uuid}"
    message.content_sha256 = hashlib.sha256("\x00".join([sender, to, text]).encode()).hexdigest()
    message.save()
    return message


def due_sms_ids(now: datetime, limit: int = 1000) -> list[int]:
    return list(
        OutboundMessage.objects.filter(
            Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.FAILED),
            channel=CHANNEL,
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def send_due_sms(*, worker: str, backend: SmsBackend, limit: int = 1000) -> SendSummary:
    """Send the SMS that are due and whose debtor may be texted now."""
    summary = SendSummary()
    recover_stale()
    reconcile_reminders()
    _send_by_organisation(due_sms_ids(timezone.now(), limit), backend, worker, summary)
    return summary


def send_sms_messages(ids: Sequence[int], *, worker: str, backend: SmsBackend) -> SendSummary:
    """Send these SMS now (a collector's "send"), with the same hours, STOP and re-check as
    ``send_due_sms``; outside the debtor's hours they wait for the next opening."""
    summary = SendSummary()
    due = OutboundMessage.objects.filter(
        pk__in=list(ids), channel=CHANNEL,
        status__in=(OutboxStatus.QUEUED, OutboxStatus.FAILED),
    ).order_by("id").values_list("id", flat=True)  # fmt: skip
    _send_by_organisation(list(due), backend, worker, summary)
    return summary


def _send_by_organisation(
    ids: Sequence[int], backend: SmsBackend, worker: str, summary: SendSummary
) -> None:
    by_organisation: dict[int, list[int]] = {}
    for organisation_id, message_id in (
        OutboundMessage.objects.filter(pk__in=list(ids))
        .order_by("id")
        .values_list("organisation_id", "id")
    ):
        by_organisation.setdefault(organisation_id, []).append(message_id)
    for message_ids in by_organisation.values():
        with SmsChannel(backend, worker) as channel:
            send_loop(message_ids, channel, worker=worker, summary=summary)


class SmsChannel:
    """The SMS transport of the send loop: daytime of the debtor, STOP, the provider."""

    def __init__(self, backend: SmsBackend, worker: str) -> None:
        self.backend, self.worker = backend, worker

    def __enter__(self) -> SmsChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def hold_until(self, message: OutboundMessage, now: datetime) -> datetime | None:
        zone = debtor_time_zone(message.recipients[0], message.organisation.timezone)
        holidays = _CalendarHolidays(
            for_customer(message.customer.country, message.customer.postal_code)
        )
        if sms_allowed(now, zone, holidays=holidays):
            return None
        return next_sms_opening(now, zone, holidays=holidays)

    def refusal(self, message: OutboundMessage) -> str:
        phone = message.recipients[0]
        opted_out = sms_opted_out(organisation_id=message.organisation_id, phone=phone)
        return OPTED_OUT if opted_out else ""

    def prepare(self, message: OutboundMessage) -> None:
        return None  # the text is the message's own: nothing to build

    def hand_over(self, message: OutboundMessage, prepared: object) -> Callable[[], None]:
        """The provider answers at once: nothing left to wait for."""
        self._send(message)
        return lambda: None

    def _send(self, message: OutboundMessage) -> None:
        phone = message.recipients[0]
        try:
            provider_id = self.backend.send(phone, message.body_text, message.sender)
        except SmsError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent,
                                maybe_sent=exc.maybe_sent) from exc  # fmt: skip
        audit_record(
            organisation=message.organisation, actor=Actor.system(self.worker),
            action="sms_sent", entity_type="outbound_message", entity_id=str(message.uuid),
            after={"to": phone, "provider": self.backend.name, "provider_id": provider_id},
        )  # fmt: skip
