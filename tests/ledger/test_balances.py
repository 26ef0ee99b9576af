from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.ledger.balances import customer_balances_refresh
from relance.ledger.models import Customer, CustomerBalance
from relance.ledger.selectors import open_instalments
from relance.ledger.services import customer_create, invoice_create, payment_record
from tests.imports.helpers import fixture, run_import

D = Decimal
AS_OF = date(2026, 6, 30)


def _balance(customer: Customer, currency: str = "EUR") -> CustomerBalance:
    return CustomerBalance.objects.get(customer=customer, currency=currency)


def test_ageing_buckets_split_what_is_owed(organisation, actor):
    customer = customer_create(
        organisation=organisation, external_ref="B1", name="Bucket SARL", actor=actor
    )
    dues = {
        "not-due": (date(2026, 7, 15), D("100.00")),
        "due-today": (AS_OF, D("1.00")),
        "1-day": (date(2026, 6, 29), D("10.00")),
        "30-days": (date(2026, 5, 31), D("20.00")),
        "31-days": (date(2026, 5, 30), D("30.00")),
        "90-days": (date(2026, 4, 1), D("40.00")),
        "91-days": (date(2026, 3, 31), D("50.00")),
    }
    for number, (due, amount) in dues.items():
        invoice_create(
            organisation=organisation, customer=customer, number=number,
            issue_date=date(2026, 1, 1), amount_incl_tax=amount, due_date=due, actor=actor,
        )  # fmt: skip
    customer_balances_refresh(organisation=organisation, as_of=AS_OF)
    balance = _balance(customer)
    assert balance.outstanding == D("251.00")
    assert balance.not_due == D("101.00")  # due today is not yet late
    assert (balance.days_1_30, balance.days_31_60) == (D("30.00"), D("30.00"))
    assert (balance.days_61_90, balance.days_over_90) == (D("40.00"), D("50.00"))
    assert balance.overdue == D("150.00")
    assert balance.oldest_due_date == date(2026, 3, 31)
    assert balance.open_items == 7


def test_full_refresh_matches_the_ledger_for_every_customer(organisation, other_organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    run_import(other_organisation, "customers", fixture("fr-customers.csv"))
    run_import(other_organisation, "invoices", fixture("fr-invoices.csv"))
    customer_balances_refresh(organisation=organisation, as_of=AS_OF)
    expected: dict[tuple[int, str], Decimal] = {}
    for item in open_instalments(organisation).select_related("invoice"):
        key = (item.customer_id, item.invoice.currency)
        expected[key] = expected.get(key, D("0")) + item.outstanding  # type: ignore[attr-defined]
    stored = {
        (row.customer_id, row.currency): row.outstanding
        for row in CustomerBalance.objects.filter(organisation=organisation)
    }
    assert stored == expected and stored
    # the other organisation's balances were written by its own import, never touched here
    assert CustomerBalance.objects.filter(organisation=other_organisation).exists()
    assert not CustomerBalance.objects.filter(
        organisation=organisation, customer__organisation=other_organisation
    ).exists()


def test_a_payment_updates_the_balance_at_once(organisation, actor):
    customer = customer_create(
        organisation=organisation, external_ref="P1", name="Payeur SA", actor=actor
    )
    invoice_create(
        organisation=organisation, customer=customer, number="F1", issue_date=date(2026, 1, 1),
        amount_incl_tax=D("300.00"), due_date=date(2026, 2, 1), actor=actor,
    )  # fmt: skip
    customer_balances_refresh(organisation=organisation, as_of=AS_OF)
    assert _balance(customer).overdue == D("300.00")
    payment_record(
        organisation=organisation, customer=customer, reference="VIR-1", date=AS_OF,
        amount=D("300.00"), actor=actor,
    )  # fmt: skip
    assert not CustomerBalance.objects.filter(customer=customer).exists()
    assert CustomerBalance.objects.filter(organisation=organisation).count() == 0
