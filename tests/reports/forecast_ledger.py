"""A small ledger with known payment habits, for the forecast as of 30 June 2026.

P pays on the due date (4 payments), L 20 days late (4 payments), S once, 90 days late. The
organisation's 9 delays (4 x 0, 4 x 20, 90) count together as 3 payments (1/3 each) beside the
customer's own (1 each). The expected dates are worked out in the tests that use it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.dunning.services import (
    dispute_open,
    payment_plan_create,
    promise_record,
)
from relance.ledger.services import customer_create, invoice_create, payment_record

D = Decimal
AS_OF = date(2026, 6, 30)
PAST_DUE_DATES = (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30))


def build(organisation, actor):
    """The ledger; returns the customers by letter."""
    customers = {
        key: customer_create(organisation=organisation, external_ref=key, name=name, actor=actor)
        for key, name in (("P", "Ponctuel SA"), ("L", "Lent SARL"), ("S", "Sursis SAS"))
    }
    refs = iter(range(1, 1000))

    def invoice(key, number, due, amount, currency="EUR", **extra):
        return invoice_create(
            organisation=organisation, customer=customers[key], number=number,
            issue_date=min(due, date(2026, 6, 1)), amount_incl_tax=D(amount), due_date=due,
            currency=currency, actor=actor, **extra,
        )  # fmt: skip

    def pay(key, on, amount, target, currency="EUR"):
        payment_record(
            organisation=organisation, customer=customers[key], reference=f"R{next(refs)}",
            date=on, amount=D(amount), invoice=target, currency=currency, actor=actor,
        )  # fmt: skip

    for n, due in enumerate(PAST_DUE_DATES, 1):
        pay("P", due, "100.00", invoice("P", f"P{n}", due, "100.00"))
        pay("L", date.fromordinal(due.toordinal() + 20), "100.00",
            invoice("L", f"L{n}", due, "100.00"))  # fmt: skip
    pay("S", date(2026, 5, 1), "100.00", invoice("S", "S1", date(2026, 1, 31), "100.00"))

    invoice("P", "P5", date(2026, 7, 10), "150.00")
    l5 = invoice("L", "L5", date(2026, 7, 6), "150.00")
    invoice("L", "L6", date(2026, 5, 1), "150.00")
    # Paid after the forecast date: open on 30 June, and not part of P's history then.
    pay("P", date(2026, 7, 5), "100.00", invoice("P", "P6", date(2026, 6, 15), "100.00"))
    l7 = invoice("L", "L7", date(2026, 6, 10), "200.00")
    promise_record(customer=customers["L"], invoices=[l7], promised_on=date(2026, 7, 15),
                   amount=D("200.00"), day=date(2026, 6, 25), actor=actor)  # fmt: skip
    l8 = invoice("L", "L8", date(2026, 6, 12), "100.00")
    # Recorded after the forecast date: not known on 30 June.
    promise_record(customer=customers["L"], invoices=[l8], promised_on=date(2026, 7, 20),
                   amount=D("100.00"), day=date(2026, 7, 2), actor=actor)  # fmt: skip
    dispute_open(invoice=l5, reason="Livraison incomplète", day=date(2026, 7, 3), actor=actor)
    s2 = invoice("S", "S2", date(2026, 5, 15), "300.00")
    payment_plan_create(
        customer=customers["S"], invoices=[s2], day=date(2026, 6, 1), actor=actor,
        schedule=[(date(2026, 6, 15), D("100.00")), (date(2026, 7, 15), D("100.00")),
                  (date(2026, 8, 15), D("100.00"))],
    )  # fmt: skip
    pay("S", date(2026, 6, 14), "100.00", s2)
    p7 = invoice("P", "P7", date(2026, 6, 20), "500.00")
    dispute_open(invoice=p7, reason="Prix contesté", day=date(2026, 6, 25), actor=actor)
    invoice("L", "C1", date(2026, 7, 6), "1000.00", currency="CHF")
    return customers
