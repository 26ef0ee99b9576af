"""The dashboard's figures against the ledger, per currency and per organisation."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from relance.core.dso import Dso
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.run import run_day
from relance.dunning.services import dispute_open, promise_record, promises_check_broken
from relance.ledger.balances import customer_balances_refresh
from relance.ledger.models import Invoice
from relance.ledger.selectors import open_instalments
from relance.ledger.services import payment_record
from relance.reports.selectors import (
    AmountCount,
    aged_balances,
    disputed_by_currency,
    failed_deliveries,
    latest_figures,
    monthly_trend,
    promised_by_currency,
    promises_broken,
    promises_due,
    promises_due_count,
    todo_counts,
)
from relance.reports.services import monthly_figures_record
from tests.imports.helpers import fixture, run_import
from tests.reports.conftest import DAY

D = Decimal
ZERO = D("0.00")


def bucket_of(days_late: int) -> str:
    if days_late <= 0:
        return "not_due"
    if days_late <= 30:
        return "days_1_30"
    if days_late <= 60:
        return "days_31_60"
    return "days_61_90" if days_late <= 90 else "days_over_90"


def test_aged_balance_equals_the_ledger(organisation, other_organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    run_import(other_organisation, "customers", fixture("fr-customers.csv"))
    run_import(other_organisation, "invoices", fixture("fr-invoices.csv"))
    as_of = date(2026, 6, 30)
    customer_balances_refresh(organisation=organisation, as_of=as_of)
    expected: dict[str, Decimal] = defaultdict(lambda: ZERO)
    customers = set()
    for item in open_instalments(organisation).select_related("invoice"):
        owed = item.outstanding  # type: ignore[attr-defined]
        expected[bucket_of((as_of - item.due_date).days)] += owed
        expected["outstanding"] += owed
        customers.add(item.customer_id)
    [balance] = aged_balances(organisation)
    assert balance.currency == "EUR" and balance.as_of == as_of
    for key in ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90"):
        assert balance.bucket(key) == expected[key], key
    assert balance.outstanding == expected["outstanding"] > 0
    assert balance.overdue == balance.outstanding - balance.not_due
    assert balance.customers == len(customers)


def test_currencies_are_never_added(organisation, small_ledger):
    balances = {balance.currency: balance for balance in aged_balances(organisation)}
    assert set(balances) == {"CHF", "EUR"}
    assert balances["CHF"].outstanding == D("600.00")
    assert balances["EUR"].outstanding == D("1050.00")


def test_disputed_amounts_are_what_disputed_invoices_still_owe(
    organisation, other_organisation, small_ledger, actor
):
    for number in ("F2", "F5"):
        invoice = Invoice.objects.get(organisation=organisation, number=number)
        dispute_open(invoice=invoice, reason="Livraison incomplète", day=DAY, actor=actor)
    disputed = disputed_by_currency(organisation)
    assert (disputed["EUR"].amount, disputed["EUR"].count) == (D("300.00"), 1)
    assert (disputed["CHF"].amount, disputed["CHF"].count) == (D("600.00"), 1)
    assert disputed_by_currency(other_organisation) == {}


def test_open_promises_count_what_they_still_bring(organisation, small_ledger, actor):
    a, b = small_ledger["a"], small_ledger["b"]
    f2 = Invoice.objects.get(organisation=organisation, number="F2")
    f3 = Invoice.objects.get(organisation=organisation, number="F3")
    promise_record(customer=a, invoices=[f2], promised_on=DAY + timedelta(days=5),
                   amount=D("200.00"), day=DAY, actor=actor)  # fmt: skip
    promise_record(customer=b, invoices=[f3], promised_on=DAY, amount=D("600.00"), day=DAY,
                   actor=actor)  # fmt: skip
    promised = promised_by_currency(organisation, DAY)
    assert (promised["EUR"].amount, promised["EUR"].count) == (D("800.00"), 2)
    # partly paid since: the promise is now more than is owed, only what is owed is expected
    payment_record(organisation=organisation, customer=b, reference="P8", date=DAY,
                   amount=D("100.00"), invoice=f3, actor=actor)  # fmt: skip
    promised = promised_by_currency(organisation, DAY)
    assert (promised["EUR"].amount, promised["EUR"].count) == (D("700.00"), 2)
    # paid: the promise is kept and expects nothing more
    payment_record(organisation=organisation, customer=b, reference="P9", date=DAY,
                   amount=D("500.00"), invoice=f3, actor=actor)  # fmt: skip
    assert promised_by_currency(organisation, DAY)["EUR"] == AmountCount(D("200.00"), 1)
    # past its date and grace, it is no longer open
    assert promised_by_currency(organisation, DAY + timedelta(days=9)) == {}


def test_promises_due_today_and_broken_ones(organisation, other_organisation, small_ledger, actor):
    a, b = small_ledger["a"], small_ledger["b"]
    f2 = Invoice.objects.get(organisation=organisation, number="F2")
    f3 = Invoice.objects.get(organisation=organisation, number="F3")
    promise_record(customer=a, invoices=[f2], promised_on=DAY, amount=D("300.00"), day=DAY,
                   actor=actor)  # fmt: skip
    promise_record(customer=b, invoices=[f3], promised_on=DAY + timedelta(days=1),
                   amount=D("600.00"), day=DAY, actor=actor)  # fmt: skip
    [due] = promises_due(organisation, DAY)
    assert promises_due_count(organisation, DAY) == 1
    assert (due.promise.customer.name, due.currency, due.owed) == ("Alpha", "EUR", D("300.00"))
    assert promises_due(other_organisation, DAY) == []
    later = DAY + timedelta(days=10)
    assert promises_check_broken(organisation=organisation, day=later, actor=actor) == 2
    broken = promises_broken(organisation, later)
    assert {line.promise.customer.name for line in broken} == {"Alpha", "Beta"}
    assert promises_broken(organisation, later + timedelta(days=31)) == []


def test_todo_counts_follow_the_reminders(organisation, other_organisation, actor):
    for org in (organisation, other_organisation):
        run_import(org, "customers", fixture("ref-customers.csv"))
        run_import(org, "invoices", fixture("ref-invoices.csv"))
    day = date(2026, 6, 30)
    run_day(organisation=organisation, day=day, actor=actor)
    run_day(organisation=other_organisation, day=day, actor=actor)
    mine = Reminder.objects.filter(organisation=organisation)
    # As the senders do: a bounce fails one, a missing address puts one
    # back on the to-do.
    failing, *manual = mine.order_by("id")[:2]
    mine.filter(pk=failing.pk).update(
        status=ReminderStatus.FAILED, notes=["Rejeté : 5.1.1 boîte inconnue"]
    )
    mine.filter(pk__in=[r.pk for r in manual]).update(status=ReminderStatus.TODO)
    counts = todo_counts(organisation, day)
    expected = Counter(mine.filter(status=ReminderStatus.TODO).values_list("channel", flat=True))
    assert counts.by_channel == dict(expected) and expected["email"] == 1
    assert counts.failed == 1
    assert counts.total == sum(expected.values()) + 1
    # a reminder planned for a later day (a call back) is not on today's to-do
    assert todo_counts(organisation, day - timedelta(days=1)).by_channel == {}
    [failed] = failed_deliveries(organisation, day)
    assert failed.reminder.pk == failing.pk and failed.reason == "Rejeté : 5.1.1 boîte inconnue"
    assert failed_deliveries(other_organisation, day) == []


def test_trend_and_dso_from_the_snapshot(organisation, other_organisation, small_ledger):
    monthly_figures_record(organisation=organisation, day=DAY)
    trend = monthly_trend(organisation, DAY)
    assert set(trend) == {"CHF", "EUR"}
    eur = trend["EUR"]
    assert len(eur) == 12 and all(eur)
    assert eur[0].month == date(2025, 7, 1) and eur[-1].month == date(2026, 6, 1)
    latest = latest_figures(trend)["EUR"]
    assert latest.month == date(2026, 6, 1) and not latest.closed
    # 1,050 owed on 20/06: June so far (150, 20 days), May and April without sales (31 + 30
    # days), then 900 of March's 1,000: 27.9 of its 31 days.
    assert latest.dso == Dso(D("108.9"), True)
    march = eur[8]
    # 2,000 owed at the end of March: March's 1,000 (31 days), February's 300 (28 days), then
    # 700 of January's 1,200 (31 days): 18.1 days.
    assert march.dso == Dso(D("77.1"), True)
    assert monthly_trend(other_organisation, DAY) == {}


def test_aged_balance_read_through_the_index_or_the_table_alike(
    organisation, other_organisation, small_ledger
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read() -> tuple[dict[str, tuple[Decimal, Decimal, int]], str]:
        with CaptureQueriesContext(connection) as queries:
            balances = aged_balances(organisation)
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        return {b.currency: (b.outstanding, b.overdue, b.customers) for b in balances}, sql

    expected = {"EUR": (D("1050.00"), D("900.00"), 2), "CHF": (D("600.00"), D("600.00"), 1)}
    # SQLite keeps no statistics: the selector itself reads the table straight through when the
    # organisation owns most of it, through the index otherwise. PostgreSQL's planner decides.
    straight_through = connection.vendor == "sqlite"
    alone, sql = read()  # the only balances of the table
    assert alone == expected and ("+ 0" in sql) == straight_through
    run_import(other_organisation, "customers", fixture("ref-customers.csv"))
    run_import(other_organisation, "invoices", fixture("ref-invoices.csv"))
    customer_balances_refresh(organisation=other_organisation, as_of=DAY)
    among_others, sql = read()  # a small part of the table
    assert among_others == expected and "+ 0" not in sql
