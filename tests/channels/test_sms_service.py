"""SMS reminders through the outbox: the debtor's hours, STOP, length, once and never stale."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.channels.models import OutboundMessage
from relance.channels.outbox import send_due
from relance.channels.sms.backends import backend_from_url
from relance.channels.sms.service import (
    OPTED_OUT,
    SmsRefused,
    debtor_time_zone,
    default_sms_sender,
    is_stop,
    next_sms_opening,
    normalise_phone,
    send_due_sms,
    sms_allowed,
    sms_enqueue,
    sms_inbound,
    sms_opt_out_record,
    sms_opted_out,
)
from relance.dunning.models import Reminder
from relance.ledger.models import Invoice
from relance.ledger.services import contact_add, payment_record
from tests.channels.test_outbox import make_reminders

PARIS, BRUSSELS = "Europe/Paris", "Europe/Brussels"
D = Decimal


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the sending window (pure) ---------------------------------------------------------------
# 2026: summer time starts Sunday 29 March (UTC+1 -> UTC+2), ends Sunday 25 October.


@pytest.mark.parametrize("zone", [PARIS, BRUSSELS])
@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (utc(2026, 3, 27, 6, 59), False),  # Friday 07:59 CET
        (utc(2026, 3, 27, 7, 0), True),  # Friday 08:00 CET
        (utc(2026, 3, 27, 18, 59), True),  # Friday 19:59 CET
        (utc(2026, 3, 27, 19, 0), False),  # Friday 20:00 CET
        (utc(2026, 3, 28, 12, 0), True),  # Saturday
        (utc(2026, 3, 29, 10, 0), False),  # Sunday (the day of the change)
        (utc(2026, 3, 30, 5, 59), False),  # Monday 07:59 CEST
        (utc(2026, 3, 30, 6, 0), True),  # Monday 08:00 CEST
        (utc(2026, 3, 30, 17, 59), True),  # Monday 19:59 CEST
        (utc(2026, 3, 30, 18, 0), False),  # Monday 20:00 CEST
        (utc(2026, 10, 24, 17, 59), True),  # Saturday 19:59 CEST
        (utc(2026, 10, 24, 18, 0), False),  # Saturday 20:00 CEST
        (utc(2026, 10, 26, 6, 59), False),  # Monday 07:59 CET again
        (utc(2026, 10, 26, 7, 0), True),  # Monday 08:00 CET
    ],
)
def test_window_across_daylight_saving(zone, now, allowed):
    assert sms_allowed(now, zone) is allowed


def test_public_holidays_are_closed():
    easter_monday = date(2026, 4, 6)
    assert sms_allowed(utc(2026, 4, 6, 10, 0), PARIS)
    assert not sms_allowed(utc(2026, 4, 6, 10, 0), PARIS, holidays={easter_monday})


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        sms_allowed(datetime(2026, 3, 27, 10, 0), PARIS)


@pytest.mark.parametrize(
    ("now", "holidays", "opening"),
    [
        (utc(2026, 3, 27, 10, 0), (), utc(2026, 3, 27, 10, 0)),  # open: now
        (utc(2026, 3, 27, 5, 0), (), utc(2026, 3, 27, 7, 0)),  # before 08:00 CET
        (utc(2026, 3, 28, 19, 30), (), utc(2026, 3, 30, 6, 0)),  # Sat evening -> Mon 08:00 CEST
        (utc(2026, 4, 4, 19, 0), {date(2026, 4, 6)}, utc(2026, 4, 7, 6, 0)),  # Easter Monday
        (utc(2026, 10, 24, 18, 0), (), utc(2026, 10, 26, 7, 0)),  # Sat -> Mon 08:00 CET
    ],
)
def test_next_opening(now, holidays, opening):
    assert next_sms_opening(now, PARIS, holidays=holidays) == opening


@given(
    st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    st.sampled_from([PARIS, BRUSSELS, "Indian/Reunion", "America/Martinique"]),
)
def test_next_opening_is_the_first_allowed_moment(now, zone):
    opening = next_sms_opening(now, zone)
    assert opening >= now and sms_allowed(opening, zone)
    assert (opening == now) == sms_allowed(now, zone)
    if opening > now:  # nothing allowed in between: probe a minute before
        assert not sms_allowed(opening - timedelta(minutes=1), zone)


@pytest.mark.parametrize(
    ("phone", "zone"),
    [("+33612345678", PARIS), ("+32470123456", BRUSSELS), ("+262692123456", "Indian/Reunion"),
     ("+262639123456", "Indian/Mayotte"), ("+596696123456", "America/Martinique"),
     ("+15551234567", "Europe/Paris")],
)  # fmt: skip
def test_debtor_time_zone_from_the_number(phone, zone):
    assert debtor_time_zone(phone, "Europe/Paris") == zone


# --- STOP recognition (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["STOP", "stop", " Stop. ", "ARRET", "Arrêt", "ARRÊT !", "STOP SMS", "stop sms",
             "STOPSMS", "Stop merci", "arrêter", "STOP STOP"],
)  # fmt: skip
def test_stop_words(text):
    assert is_stop(text)


@pytest.mark.parametrize(
    "text", ["", "Je paie demain", "Arrêt maladie, je paie le 5", "Stoppez", "non stop",
             "Stop, j'ai déjà payé la facture F-001"],
)  # fmt: skip
def test_not_stop(text):
    assert not is_stop(text)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("+33612345678", "+33612345678"), ("33612345678", "+33612345678"),
     ("0033 6 12 34 56 78", "+33612345678"), ("32470123456", "+32470123456")],
)  # fmt: skip
def test_inbound_numbers_are_normalised(raw, e164):
    assert normalise_phone(raw) == e164


def test_default_sender():
    assert default_sms_sender("Atelier Dupont SAS") == "ATELIERDUPO"
    assert default_sms_sender("Brûlerie d'Élise") == "BRULERIEDEL"


# --- with the database -----------------------------------------------------------------------

MONDAY_10_PARIS = utc(2026, 3, 9, 9, 0)
SUNDAY_10_PARIS = utc(2026, 3, 15, 9, 0)


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now()`` frozen at a moment tests can move."""

    class Clock:
        now = MONDAY_10_PARIS

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def provider(brevo, timeout: float = 2.0):
    """The real Brevo backend, talking to the local Brevo server of the test."""
    return backend_from_url(f"{brevo.url()}?timeout={timeout}")


def sent(brevo) -> list[tuple[str, str, str]]:
    """(to, text, sender) of every SMS the provider received."""
    return [("+" + str(r.body["recipient"]), str(r.body["content"]), str(r.body["sender"]))
            for r in brevo.requests]  # fmt: skip


def sms_reminders(organisation, count: int, first_phone: int = 612345600) -> list[OutboundMessage]:
    """``make_reminders``' reminders, with an SMS instead of their e-mail."""
    make_reminders(organisation, count)
    OutboundMessage.objects.all().delete()
    return [
        sms_enqueue(
            reminder=reminder,
            sender="ATELIER",
            to=f"+33{first_phone + n}",
            text=f"Atelier Dupont : facture impayée, {reminder.amount_due} EUR. Merci.",
        )
        for n, reminder in enumerate(Reminder.objects.order_by("id"))
    ]


def test_enqueue_stores_the_exact_sms(organisation, clock):
    [message] = sms_reminders(organisation, 1)
    message.refresh_from_db()
    assert message.channel == "sms" and message.subject == "" and message.sender == "ATELIER"
    assert message.recipients == ["+33612345600"]
    assert message.body_text == "Atelier Dupont : facture impayée, 100.00 EUR. Merci."
    assert message.status == "queued" and len(message.content_sha256) == 64
    assert message.items and message.message_id.startswith("sms-")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "a" * 460}, "SMS trop long : 460 caractères en GSM-7, soit 4 SMS ; 3 au plus"),
        ({"text": "ç" * 202}, "SMS trop long : 202 caractères en UCS-2, soit 4 SMS"),
        ({"text": "  "}, "vide"),
        ({"to": "0612345678"}, "format international"),
        ({"sender": "Atelier Dupont"}, "Expéditeur SMS"),
    ],
)
def test_enqueue_refuses_with_a_clear_error(organisation, clock, kwargs, error):
    make_reminders(organisation, 1)
    OutboundMessage.objects.all().delete()
    arguments = {"reminder": Reminder.objects.get(), "sender": "ATELIER",
                 "to": "+33612345678", "text": "Bonjour"} | kwargs  # fmt: skip
    with pytest.raises(SmsRefused, match=error):
        sms_enqueue(**arguments)
    assert not OutboundMessage.objects.exists()


def test_three_segments_are_accepted(organisation, clock):
    make_reminders(organisation, 1)
    OutboundMessage.objects.all().delete()
    sms_enqueue(reminder=Reminder.objects.get(), sender="ATELIER", to="+33612345678",
                text="a" * 459)  # fmt: skip


def test_sent_once_in_the_window_with_the_provider_id_in_the_audit(organisation, clock, brevo):
    messages = sms_reminders(organisation, 2)
    brevo.reply(201, {"messageId": 4711})
    summary = send_due_sms(worker="w1", backend=provider(brevo))
    assert (summary.sent, summary.deferred) == (2, 0)
    assert sent(brevo)[0] == ("+33612345600", messages[0].body_text, "ATELIER")
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    event = AuditEvent.objects.get(action="sms_sent", entity_id=str(messages[0].uuid))
    assert event.after == {"to": "+33612345600", "provider": "brevo", "provider_id": "4711"}
    assert send_due_sms(worker="w1", backend=provider(brevo)).sent == 0  # nothing twice
    assert len(sent(brevo)) == 2


def test_outside_the_window_it_waits_queued_for_the_next_opening(organisation, clock, brevo):
    clock.now = SUNDAY_10_PARIS
    [message] = sms_reminders(organisation, 1)
    summary = send_due_sms(worker="w1", backend=provider(brevo))
    assert (summary.deferred, summary.sent, summary.failed) == (1, 0, 0)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    assert message.next_attempt_at == utc(2026, 3, 16, 7, 0)  # Monday 08:00 Paris
    clock.now = utc(2026, 3, 16, 6, 59)
    assert send_due_sms(worker="w1", backend=provider(brevo)).sent == 0
    clock.now = utc(2026, 3, 16, 7, 0)
    assert send_due_sms(worker="w1", backend=provider(brevo)).sent == 1


def test_the_debtors_own_time_zone_counts(organisation, clock, brevo):
    # 10:00 in Paris is 13:00 in Réunion (open) but 05:00 in Martinique (closed).
    make_reminders(organisation, 2)
    OutboundMessage.objects.all().delete()
    _reunion, martinique = (
        sms_enqueue(reminder=reminder, sender="ATELIER", to=to, text="Rappel")
        for reminder, to in zip(
            Reminder.objects.order_by("id"), ["+262692123456", "+596696123456"], strict=True
        )
    )
    summary = send_due_sms(worker="w1", backend=provider(brevo))
    assert (summary.sent, summary.deferred) == (1, 1)
    martinique.refresh_from_db()
    assert martinique.next_attempt_at == utc(2026, 3, 9, 12, 0)  # 08:00 in Martinique (UTC-4)


def test_a_public_holiday_of_the_customer_waits(organisation, clock, brevo):
    clock.now = utc(2026, 4, 6, 9, 0)  # Easter Monday, 11:00 in Paris
    [message] = sms_reminders(organisation, 1)
    assert send_due_sms(worker="w1", backend=provider(brevo)).deferred == 1
    message.refresh_from_db()
    assert message.next_attempt_at == utc(2026, 4, 7, 6, 0)


def test_stop_reply_cancels_queued_sms_of_that_organisation_only(
    organisation, other_organisation, clock, actor, brevo
):
    messages = sms_reminders(organisation, 2)
    debtor = messages[0].customer
    contact_add(customer=debtor, actor=actor, phone="+33612345600")
    result = sms_inbound(from_number="33612345600", text="Arrêt")
    assert result.stop and result.organisations == [organisation.pk]
    assert sms_opted_out(organisation_id=organisation.pk, phone="+33612345600")
    assert not sms_opted_out(organisation_id=other_organisation.pk, phone="+33612345600")
    summary = send_due_sms(worker="w1", backend=provider(brevo))
    assert (summary.sent, summary.cancelled) == (1, 1)
    assert [to for to, _, _ in sent(brevo)] == ["+33612345601"]
    cancelled = OutboundMessage.objects.get(pk=messages[0].pk)
    assert (cancelled.status, cancelled.last_error) == ("cancelled", OPTED_OUT)
    assert cancelled.reminder.status == "cancelled"
    assert AuditEvent.objects.filter(action="sms_opt_out", entity_id="+33612345600").count() == 1
    # a second STOP changes nothing
    assert sms_inbound(from_number="+33612345600", text="STOP").organisations == []


def test_stop_from_a_number_only_texted_is_recorded(organisation, clock):
    sms_reminders(organisation, 1)  # no contact row, but we did write to +33612345600
    assert sms_inbound(from_number="+33612345600", text="stop sms").organisations == [
        organisation.pk
    ]


def test_other_replies_and_unknown_numbers_record_nothing(organisation, clock):
    sms_reminders(organisation, 1)
    assert not sms_inbound(from_number="+33612345600", text="Je paie vendredi").stop
    unknown = sms_inbound(from_number="+33699999999", text="STOP")
    assert unknown.stop and unknown.organisations == []
    assert not sms_opted_out(organisation_id=organisation.pk, phone="+33612345600")


def test_manual_opt_out(organisation, actor):
    assert sms_opt_out_record(organisation=organisation, phone="06 12 34 56 78", source="manual",
                              actor=actor)  # fmt: skip
    assert sms_opted_out(organisation_id=organisation.pk, phone="+33612345678")
    assert not sms_opt_out_record(organisation=organisation, phone="+33612345678",
                                  source="manual", actor=actor)  # fmt: skip


def test_a_payment_before_sending_cancels_the_sms(organisation, clock, brevo):
    messages = sms_reminders(organisation, 2)
    paid = Invoice.objects.get(number="F-000")
    payment_record(organisation=organisation, customer=paid.customer, reference="VIR-9",
                   date=date(2026, 3, 9), amount=D("100.00"), invoice=paid,
                   actor=Actor.system("test"))  # fmt: skip
    summary = send_due_sms(worker="w1", backend=provider(brevo))
    assert (summary.sent, summary.cancelled) == (1, 1)
    cancelled = OutboundMessage.objects.get(pk=messages[0].pk)
    assert cancelled.status == "cancelled" and "paiement" in cancelled.last_error


def test_provider_errors_retry_die_or_go_to_a_person(organisation, clock, brevo):
    messages = sms_reminders(organisation, 3)
    brevo.reply(400, {"code": "invalid_parameter", "message": "Invalid recipient"})
    brevo.reply(503)
    brevo.reply(201, {"messageId": 1}, delay=2.5)  # no answer in time: it may have left
    summary = send_due_sms(worker="w1", backend=provider(brevo, timeout=1))
    assert (summary.dead, summary.failed, summary.uncertain, summary.sent) == (1, 1, 1, 0)
    dead, retry, uncertain = (OutboundMessage.objects.get(pk=m.pk) for m in messages)
    assert dead.status == "dead" and dead.reminder.status == "failed"
    assert retry.status == "failed" and retry.next_attempt_at == clock.now + timedelta(minutes=1)
    assert uncertain.status == "uncertain" and uncertain.reminder.status == "todo"
    clock.now += timedelta(minutes=1)
    before = len(brevo.requests)
    assert send_due_sms(worker="w1", backend=provider(brevo)).sent == 1  # only the retry
    assert [to for to, _, _ in sent(brevo)[before:]] == [retry.recipients[0]]


def test_a_message_claimed_by_another_worker_is_skipped(organisation, clock, brevo):
    [message] = sms_reminders(organisation, 1)
    OutboundMessage.objects.filter(pk=message.pk).update(status="sending", claimed_by="w0",
                                                         claimed_at=clock.now)  # fmt: skip
    assert send_due_sms(worker="w1", backend=provider(brevo)).sent == 0
    assert sent(brevo) == []


def test_the_email_outbox_leaves_sms_alone(organisation, clock, smtp_server):
    [message] = sms_reminders(organisation, 1)
    send_due(worker="w1")
    message.refresh_from_db()
    assert message.status == "queued" and smtp_server.messages == []


def test_command_sends_to_the_console_and_records_a_stop(organisation, clock, settings):
    sms_reminders(organisation, 1)
    settings.SMS_URL = "console:"
    out = StringIO()
    call_command("send_sms", stdout=out)
    assert "Envoyés : 1" in out.getvalue()
    call_command("send_sms", "--stop", "+33612345678", "--organisation", "atelier", stdout=out)
    assert sms_opted_out(organisation_id=organisation.pk, phone="+33612345678")
    with pytest.raises(CommandError, match="--organisation"):
        call_command("send_sms", "--stop", "+33612345678")
