from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.models import AuditEvent
from relance.ledger.models import Allocation
from relance.ledger.selectors import ledger_summary, outstanding_by_currency
from relance.ledger.services import (
    LedgerError,
    PaymentReversal,
    contact_add,
    credit_note_create,
    customer_create,
    invoice_create,
    payment_record,
    payment_reverse,
    payments_reverse,
)
from tests.imports.helpers import outstanding

D = Decimal


@pytest.fixture
def customer(organisation, actor):
    return customer_create(
        organisation=organisation,
        external_ref="K1",
        name="Garage Martin SARL",
        actor=actor,
        siren="732 829 320",
    )


def _invoice(organisation, customer, actor, number, due, amount, **extra):
    return invoice_create(
        organisation=organisation,
        customer=customer,
        number=number,
        issue_date=date(2026, 1, 1),
        due_date=due,
        amount_incl_tax=D(amount),
        actor=actor,
        **extra,
    )


def test_customer_and_contacts(organisation, customer, actor):
    assert customer.siren == "732829320" and customer.language == "fr"
    first = contact_add(customer=customer, email="a@garage.example", is_primary=True, actor=actor)
    second = contact_add(customer=customer, phone="+33142685300", is_primary=True, actor=actor)
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary
    with pytest.raises(LedgerError, match="format international"):
        contact_add(customer=customer, phone="0142685300", actor=actor)
    with pytest.raises(LedgerError, match="existe déjà"):
        customer_create(organisation=organisation, external_ref="K1", name="X", actor=actor)
    with pytest.raises(LedgerError, match="SIREN invalide"):
        customer_create(
            organisation=organisation, external_ref="K2", name="X", siren="1", actor=actor
        )


def test_invoice_with_instalments_must_add_up(organisation, customer, actor):
    invoice = invoice_create(
        organisation=organisation,
        customer=customer,
        number="F-1",
        issue_date=date(2026, 1, 1),
        amount_incl_tax=D("900.00"),
        actor=actor,
        instalments=[(date(2026, 3, 1), D("300.00")), (date(2026, 2, 1), D("600.00"))],
    )
    assert [(i.sequence, i.due_date.month, i.amount) for i in invoice.instalments.all()] == [
        (1, 2, D("600.00")),
        (2, 3, D("300.00")),
    ]
    with pytest.raises(LedgerError, match="ne font pas"):
        invoice_create(
            organisation=organisation,
            customer=customer,
            number="F-2",
            issue_date=date(2026, 1, 1),
            amount_incl_tax=D("900.00"),
            actor=actor,
            instalments=[(date(2026, 2, 1), D("100.00"))],
        )
    with pytest.raises(LedgerError, match="antérieure"):
        _invoice(organisation, customer, actor, "F-3", date(2025, 12, 1), "10.00")
    with pytest.raises(LedgerError, match="existe déjà"):
        _invoice(organisation, customer, actor, "F-1", date(2026, 2, 1), "10.00")
    with pytest.raises(LedgerError, match="deux décimales"):
        _invoice(organisation, customer, actor, "F-4", date(2026, 2, 1), "10.001")
    assert AuditEvent.objects.filter(action="invoice_create").count() == 1


def test_payment_goes_to_named_invoice_then_oldest(organisation, customer, actor):
    old = _invoice(organisation, customer, actor, "F-1", date(2026, 2, 1), "100.00")
    new = _invoice(organisation, customer, actor, "F-2", date(2026, 3, 1), "200.00")
    payment_record(
        organisation=organisation,
        customer=customer,
        reference="VIR-1",
        date=date(2026, 3, 5),
        amount=D("250.00"),
        invoice=new,
        actor=actor,
    )
    assert outstanding(new) == 0 and outstanding(old) == D("50.00")
    payment_record(
        organisation=organisation,
        customer=customer,
        reference="VIR-2",
        date=date(2026, 3, 6),
        amount=D("80.00"),
        actor=actor,
    )
    assert outstanding(old) == 0
    assert outstanding_by_currency(organisation) == {"EUR": D("0.00")}
    summary = ledger_summary(organisation, as_of=date(2026, 3, 10))
    assert summary.invoices == 2 and summary.by_currency == []
    with pytest.raises(LedgerError, match="déjà enregistré"):
        payment_record(
            organisation=organisation,
            customer=customer,
            reference="VIR-2",
            date=date(2026, 3, 6),
            amount=D("1.00"),
            actor=actor,
        )


def test_credit_note_reduces_the_invoice_it_corrects(organisation, customer, actor):
    invoice = _invoice(organisation, customer, actor, "F-1", date(2026, 2, 1), "100.00")
    credit_note_create(
        organisation=organisation,
        customer=customer,
        number="AV-1",
        issue_date=date(2026, 1, 15),
        amount=D("30.00"),
        invoice=invoice,
        actor=actor,
    )
    assert outstanding(invoice) == D("70.00")
    allocation = Allocation.objects.get()
    assert allocation.credit_note is not None and allocation.credit_note.number == "AV-1"


def test_multi_currency_is_never_mixed(organisation, customer, actor):
    _invoice(organisation, customer, actor, "F-EUR", date(2026, 2, 1), "100.00")
    _invoice(organisation, customer, actor, "F-CHF", date(2026, 2, 1), "50.00", currency="CHF")
    payment_record(
        organisation=organisation,
        customer=customer,
        reference="P-CHF",
        date=date(2026, 2, 2),
        amount=D("20.00"),
        currency="CHF",
        actor=actor,
    )
    assert outstanding_by_currency(organisation) == {"CHF": D("30.00"), "EUR": D("100.00")}


def test_other_organisations_customer_is_refused(organisation, other_organisation, customer, actor):
    with pytest.raises(LedgerError, match="n'appartient pas"):
        _invoice(other_organisation, customer, actor, "F-X", date(2026, 2, 1), "10.00")


def test_a_reversal_takes_the_credit_back_first_then_the_last_settled_invoice(
    organisation, customer, actor
):
    older = _invoice(organisation, customer, actor, "F-OLD", date(2026, 1, 31), "100.00")
    newer = _invoice(organisation, customer, actor, "F-NEW", date(2026, 2, 28), "23.45")
    payment = payment_record(organisation=organisation, customer=customer, reference="P-1",
                             date=date(2026, 3, 1), amount=D("150.00"), actor=actor)  # fmt: skip
    assert outstanding(older) == outstanding(newer) == D("0.00")  # and 26.55 of credit
    left = payment_reverse(payment=payment, amount=D("30.00"), reason="refund", actor=actor)
    assert left is not None and left.amount == D("120.00")
    assert outstanding(older) == D("0.00") and outstanding(newer) == D("3.45")
    with pytest.raises(LedgerError, match="reprendre"):
        payment_reverse(payment=payment, amount=D("120.01"), reason="refund", actor=actor)
    with pytest.raises(LedgerError, match="deux décimales"):
        payment_reverse(payment=payment, amount=D("1.001"), reason="refund", actor=actor)
    assert payment_reverse(payment=payment, amount=D("120.00"), reason="chargeback",
                           actor=actor) is None  # fmt: skip
    assert outstanding(older) == D("100.00") and outstanding(newer) == D("23.45")
    assert not Allocation.objects.exists()
    payment.refresh_from_db()  # taken back whole: kept, reversed, as the bank's reversals are
    assert (payment.amount, payment.reversal_reason) == (D("120.00"), "chargeback")
    assert payment.reversed_on is not None
    with pytest.raises(LedgerError, match="déjà été annulé"):
        payment_reverse(payment=payment, amount=D("1.00"), reason="refund", actor=actor)
    events = AuditEvent.objects.filter(action="payment_reverse").order_by("id")
    assert (events[0].before["amount"], events[0].after["reversed"],
            events[0].after["remaining"]) == ("150.00", "30.00", "120.00")  # fmt: skip
    assert events[0].after["unallocated"] == [[newer.instalments.get().pk, "3.45"]]
    assert events[1].after["reason"] == "chargeback"


def test_a_reversed_payment_reopens_what_it_paid_once(organisation, customer, actor):
    first = _invoice(organisation, customer, actor, "F-1", date(2026, 2, 1), "100.00")
    second = _invoice(organisation, customer, actor, "F-2", date(2026, 3, 1), "200.00")
    payment = payment_record(organisation=organisation, customer=customer, reference="VIR-1",
                             date=date(2026, 3, 5), amount=D("300.00"), actor=actor)  # fmt: skip
    assert outstanding(first) == outstanding(second) == 0
    back = PaymentReversal(payment.pk, date(2026, 3, 9), "MD06")
    assert payments_reverse(organisation=organisation, reversals=[back], actor=actor) == [
        payment.pk
    ]
    assert (outstanding(first), outstanding(second)) == (D("100.00"), D("200.00"))
    payment.refresh_from_db()
    assert (payment.reversed_on, payment.reversal_reason) == (date(2026, 3, 9), "MD06")
    event = AuditEvent.objects.get(action="payment_reverse")
    assert sorted(part[1] for part in event.before["allocated"]) == ["100.00", "200.00"]
    assert event.after == {"reversed_on": "2026-03-09", "reason": "MD06"}
    assert customer.balances.get().outstanding == D("300.00")
    again = PaymentReversal(payment.pk, date(2026, 3, 10), "AM04")
    assert payments_reverse(organisation=organisation, reversals=[again], actor=actor) == []
    payment.refresh_from_db()
    assert payment.reversal_reason == "MD06"
    assert AuditEvent.objects.filter(action="payment_reverse").count() == 1
