"""A small ledger over several months, two currencies, payments, a credit note and instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.ledger.balances import customer_balances_refresh
from relance.ledger.services import (
    credit_note_create,
    customer_create,
    invoice_create,
    payment_record,
)

D = Decimal
DAY = date(2026, 6, 20)


@pytest.fixture
def small_ledger(organisation, actor):
    a = customer_create(organisation=organisation, external_ref="A", name="Alpha", actor=actor)
    b = customer_create(organisation=organisation, external_ref="B", name="Beta", actor=actor)
    c = customer_create(organisation=organisation, external_ref="C", name="Gamma", actor=actor)

    def invoice(customer, number, issued, amount, due=None, currency="EUR", instalments=()):
        return invoice_create(
            organisation=organisation, customer=customer, number=number, issue_date=issued,
            amount_incl_tax=D(amount), due_date=due, instalments=instalments,
            currency=currency, actor=actor,
        )  # fmt: skip

    def pay(customer, reference, day, amount, on=None, currency="EUR"):
        payment_record(
            organisation=organisation, customer=customer, reference=reference, date=day,
            amount=D(amount), invoice=on, currency=currency, actor=actor,
        )  # fmt: skip

    f1 = invoice(a, "F1", date(2026, 1, 10), "1200.00", date(2026, 2, 9))
    pay(a, "P1", date(2026, 2, 20), "500.00", f1)
    pay(a, "P2", date(2026, 4, 5), "700.00", f1)
    # due on the last day of March: not yet late at the end of March
    invoice(a, "F2", date(2026, 2, 28), "300.00", date(2026, 3, 31))
    f3 = invoice(
        b, "F3", date(2026, 3, 15), "1000.00",
        instalments=[(date(2026, 4, 15), D("400.00")), (date(2026, 5, 15), D("600.00"))],
    )  # fmt: skip
    pay(b, "P3", date(2026, 4, 30), "400.00", f3)
    f4 = invoice(b, "F4", date(2025, 11, 5), "250.00", date(2025, 12, 5))
    credit_note_create(
        organisation=organisation, customer=b, number="AV1", issue_date=date(2026, 1, 31),
        amount=D("250.00"), invoice=f4, actor=actor,
    )  # fmt: skip
    f5 = invoice(c, "F5", date(2026, 2, 1), "800.00", date(2026, 3, 3), currency="CHF")
    pay(c, "P5", date(2026, 3, 31), "200.00", f5, currency="CHF")
    invoice(a, "F6", date(2026, 6, 5), "150.00", date(2026, 7, 5))
    customer_balances_refresh(organisation=organisation, as_of=DAY)
    return {"a": a, "b": b, "c": c}
