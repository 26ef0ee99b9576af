"""A ledger built by hand through the real importer, the real completion and the real
reversal services, for what the analysis keeps per reminded item.

The ledger (2026; the reminders' days are their ``run_date``):

- A-1 (K1, 1,000.00): VIR-0 100.00 on 20 Feb (before any reminder), a credit note of 100.00
  on 5 March (not a payment), VIR-1 200.00 on 9 March, VIR-2 150.00 on 17 March, VIR-3 50.00
  on 1 April, VIR-4 100.00 on 2 April. Reminded on 2 March (R1, 900.00 owed) and again on
  16 March (R2, 600.00 owed): for R1 those payments are at +7, +15, +30 and +31 days, for R2
  VIR-1 is before and the others at +1, +16 and +17.
- A-2 (K1, 500.00), reminded with A-1 by R1: VIR-5 300.00 on 4 March, taken back whole;
  VIR-6 200.00 on 10 March (+8), 50.00 of it refunded.
- B-1 (K2, 300.00): R3 planned on 5 March, VIR-7 300.00 paid on 6 March, R3 done on 9 March
  only (the payment came in before the reminder was done).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.dunning.completion import reminders_complete
from relance.dunning.models import (
    Reminder,
    ReminderItem,
    ReminderStatus,
)
from relance.dunning.reminder_facts import (
    paid_instalments,
    reminder_facts_refresh,
)
from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.services import credit_note_create, payment_reverse
from tests.imports.helpers import run_import

D = Decimal

CUSTOMERS = b"id,name,kind,country\nK1,Garage Martin,B2B,FR\nK2,Boulangerie Petit,B2B,FR\n"
INVOICES = (
    b"number,customer_id,issue_date,due_date,amount_incl_tax,currency\n"
    b"A-1,K1,2026-01-02,2026-02-01,1000.00,EUR\n"
    b"A-2,K1,2026-01-02,2026-02-01,500.00,EUR\n"
    b"B-1,K2,2026-01-11,2026-02-10,300.00,EUR\n"
)
HEADER = b"reference,customer_id,invoice_number,date,amount,currency\n"
FIRST_PAYMENTS = HEADER + (
    b"VIR-0,K1,A-1,2026-02-20,100.00,EUR\n"
    b"VIR-1,K1,A-1,2026-03-09,200.00,EUR\n"
    b"VIR-5,K1,A-2,2026-03-04,300.00,EUR\n"
    b"VIR-6,K1,A-2,2026-03-10,200.00,EUR\n"
    b"VIR-7,K2,B-1,2026-03-06,300.00,EUR\n"
)
LATER_PAYMENTS = HEADER + (
    b"VIR-2,K1,A-1,2026-03-17,150.00,EUR\n"
    b"VIR-3,K1,A-1,2026-04-01,50.00,EUR\n"
    b"VIR-4,K1,A-1,2026-04-02,100.00,EUR\n"
)


def _planned(customer, day, step, owed: dict[str, str]) -> Reminder:
    """A reminder as the daily run plans it: ready to leave, not done yet."""
    due = sum(map(D, owed.values()), D("0.00"))
    reminder = Reminder.objects.create(
        organisation=customer.organisation, customer=customer, run_date=day, step=step,
        channel="email", mode="auto", currency="EUR", amount_due=due,
        penalties="none", status=ReminderStatus.READY,
    )  # fmt: skip
    for number, amount in owed.items():
        instalment = Invoice.objects.get(number=number).instalments.get()
        ReminderItem.objects.create(reminder=reminder, instalment=instalment, step=step,
                                    outstanding=D(amount))  # fmt: skip
    return reminder


def _take_back(reference: str, amount: str, actor) -> None:
    """A refund or chargeback, as the online payments' webhooks apply it."""
    payment = Payment.objects.get(reference=reference)
    touched = paid_instalments([payment.pk])
    payment_reverse(payment=payment, amount=D(amount), reason="refund", actor=actor,
                    on=date(2026, 4, 10))  # fmt: skip
    reminder_facts_refresh(instalment_ids=touched)


def build_facts_ledger(organisation, actor) -> dict[str, Reminder]:
    assert run_import(organisation, "customers", CUSTOMERS).ok
    assert run_import(organisation, "invoices", INVOICES).ok
    k1, k2 = Customer.objects.get(external_ref="K1"), Customer.objects.get(external_ref="K2")
    r1 = _planned(k1, date(2026, 3, 2), "reminder_1", {"A-1": "900.00", "A-2": "500.00"})
    r3 = _planned(k2, date(2026, 3, 5), "reminder_1", {"B-1": "300.00"})
    reminders_complete(reminder_ids=[r1.pk], on=date(2026, 3, 2))
    credit_note_create(organisation=organisation, customer=k1, number="AV-1", actor=actor,
                       issue_date=date(2026, 3, 5), amount=D("100.00"),
                       invoice=Invoice.objects.get(number="A-1"))  # fmt: skip
    assert run_import(organisation, "payments", FIRST_PAYMENTS).ok
    reminders_complete(reminder_ids=[r3.pk], on=date(2026, 3, 9))
    r2 = _planned(k1, date(2026, 3, 16), "reminder_2", {"A-1": "600.00"})
    reminders_complete(reminder_ids=[r2.pk], on=date(2026, 3, 16))
    assert run_import(organisation, "payments", LATER_PAYMENTS).ok
    _take_back("VIR-5", "300.00", actor)
    _take_back("VIR-6", "50.00", actor)
    return {"r1": r1, "r2": r2, "r3": r3}
