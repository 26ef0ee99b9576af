"""A small collection history worked out by hand, for the analytics' tests.

Period 1 March – 30 April 2026 (Paris time zone):

- Alpha (B2B, FR, segment standard, collector Alice): FA1 1,000.00 due 1 March, reminded
  by e-mail (first reminder) on 10 March; 400.00 paid on 15 March (5 days later), 100.00 on
  30 March (20 days later). The e-mail got a reply; Alpha promised on 12 March to pay on
  15 March (kept). FA2 200.00 due 10 April, paid on 8 April. FA3 600.00 issued 10 June.
- Beta (B2C, BE, segment bad_payer): FB1 500.00 due 5 March, reminded by SMS on 12 March,
  paid in full on 24 March (12 days). FB2 300.00 due 1 February, formal notice on 20 April
  (78 days late), disputed on 25 April, never paid.
- Gamma (B2B, FR, segment standard): FC1 CHF 800.00 due 1 March, e-mailed on 10 March
  (the e-mail bounced), paid on 20 April (41 days).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from relance.accounts.models import Organisation, User
from relance.accounts.services import user_create
from relance.channels.models import DeliveryEvent, OutboundMessage
from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    Promise,
    Reminder,
    ReminderItem,
    ReminderStatus,
)
from relance.dunning.reminder_facts import reminder_facts_rebuild
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.ledger.balances import customer_balances_refresh
from relance.ledger.models import Customer, Invoice
from relance.ledger.services import customer_create, invoice_create, payment_record

D = Decimal
TODAY = date(2026, 6, 20)
PERIOD = {"from": "2026-03-01", "to": "2026-04-30"}


@dataclass
class History:
    alpha: Customer
    beta: Customer
    gamma: Customer
    alice: User
    reminders: dict[str, Reminder]


def build_history(organisation: Organisation, actor) -> History:
    scenarios_ensure_presets(organisation)
    alice = user_create(email="alice@example.com", organisation=organisation, role="collector",
                        actor=actor)  # fmt: skip
    alpha = customer_create(organisation=organisation, external_ref="A", name="Alpha", actor=actor)
    beta = customer_create(organisation=organisation, external_ref="B", name="Beta", actor=actor,
                           kind="B2C", country="BE")  # fmt: skip
    gamma = customer_create(organisation=organisation, external_ref="C", name="Gamma", actor=actor)
    Customer.objects.filter(pk=alpha.pk).update(collector=alice)
    for customer, segment in ((alpha, "standard"), (beta, "bad_payer"), (gamma, "standard")):
        CustomerDunning.objects.update_or_create(customer=customer, defaults={"segment": segment})

    def invoice(customer, number, issued, amount, due, currency="EUR"):
        return invoice_create(
            organisation=organisation, customer=customer, number=number, issue_date=issued,
            amount_incl_tax=D(amount), due_date=due, currency=currency, actor=actor,
        )  # fmt: skip

    def pay(customer, reference, day, amount, on, currency="EUR"):
        payment_record(
            organisation=organisation, customer=customer, reference=reference, date=day,
            amount=D(amount), invoice=on, currency=currency, actor=actor,
        )  # fmt: skip

    fa1 = invoice(alpha, "FA1", date(2026, 1, 30), "1000.00", date(2026, 3, 1))
    fa2 = invoice(alpha, "FA2", date(2026, 3, 11), "200.00", date(2026, 4, 10))
    invoice(alpha, "FA3", date(2026, 6, 10), "600.00", date(2026, 7, 10))
    fb1 = invoice(beta, "FB1", date(2026, 2, 3), "500.00", date(2026, 3, 5))
    fb2 = invoice(beta, "FB2", date(2026, 1, 2), "300.00", date(2026, 2, 1))
    fc1 = invoice(gamma, "FC1", date(2026, 1, 30), "800.00", date(2026, 3, 1), currency="CHF")
    reminders = {
        "r1": _reminder(alpha, fa1, date(2026, 3, 10), "reminder_1", "email", "1000.00"),
        "r2": _reminder(beta, fb1, date(2026, 3, 12), "reminder_1", "sms", "500.00"),
        "r3": _reminder(beta, fb2, date(2026, 4, 20), "formal_notice", "formal_notice", "300.00"),
        "r4": _reminder(gamma, fc1, date(2026, 3, 10), "reminder_1", "email", "800.00", "CHF"),
    }
    # A reminder cancelled in the period counts for nothing.
    _reminder(gamma, fc1, date(2026, 3, 20), "reminder_2", "email", "800.00", "CHF",
              status=ReminderStatus.CANCELLED)  # fmt: skip
    pay(alpha, "P1", date(2026, 3, 15), "400.00", fa1)
    pay(alpha, "P2", date(2026, 3, 30), "100.00", fa1)
    pay(alpha, "P3", date(2026, 4, 8), "200.00", fa2)
    pay(beta, "P4", date(2026, 3, 24), "500.00", fb1)
    pay(gamma, "P5", date(2026, 4, 20), "800.00", fc1, currency="CHF")
    _message(reminders["r1"], datetime(2026, 3, 10, 9, 15, tzinfo=UTC), event="replied")
    _message(reminders["r2"], datetime(2026, 3, 12, 8, 30, tzinfo=UTC), channel="sms")
    _message(reminders["r4"], datetime(2026, 3, 10, 14, 0, tzinfo=UTC), event="bounced")
    Dispute.objects.create(organisation=organisation, invoice=fb2, reason="Pas livré",
                           opened_on=date(2026, 4, 25))  # fmt: skip
    promise = Promise.objects.create(
        organisation=organisation, customer=alpha, promised_on=date(2026, 3, 15),
        amount=D("400.00"), recorded_on=date(2026, 3, 12),
    )  # fmt: skip
    promise.invoices.add(fa1)
    # Reminders written here as done, not done through the completion: the facts the analysis
    # reads are rebuilt once, as the balances are.
    reminder_facts_rebuild(organisation=organisation)
    customer_balances_refresh(organisation=organisation, as_of=TODAY)
    return History(alpha, beta, gamma, alice, reminders)


def _reminder(
    customer, invoice: Invoice, day, step, channel, amount, currency="EUR",
    status=ReminderStatus.SENT,
) -> Reminder:  # fmt: skip
    reminder = Reminder.objects.create(
        organisation=customer.organisation, customer=customer, run_date=day, step=step,
        channel=channel, mode="auto", currency=currency, amount_due=D(amount),
        penalties="none", status=status,
    )  # fmt: skip
    ReminderItem.objects.create(reminder=reminder, instalment=invoice.instalments.get(),
                                step=step, outstanding=D(amount))  # fmt: skip
    return reminder


def _message(reminder: Reminder, sent_at: datetime, channel="email", event=""):
    message = OutboundMessage.objects.create(
        organisation=reminder.organisation, customer=reminder.customer, reminder=reminder,
        channel=channel, status="sent", sender="relances@example.com", subject="Relance",
        body_text="Bonjour", message_id=f"<{reminder.pk}@example.com>",
        content_sha256=hashlib.sha256(b"x").hexdigest(), next_attempt_at=sent_at,
        sent_at=sent_at,
    )  # fmt: skip
    if event:
        DeliveryEvent.objects.create(message=message, kind=event, at=sent_at,
                                     report_key=f"{event}-{reminder.pk}")  # fmt: skip
