"""The monthly snapshot: backfilled set-based, equal to a direct computation on the ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.management import call_command

from relance.accounts.models import Organisation
from relance.cycle.daily import daily_cycle
from relance.ledger.balances import customer_balances_refresh
from relance.ledger.models import Allocation, Instalment, Payment
from relance.reports.models import MonthlyFigures
from relance.reports.monthly import add_months, month_end, month_range
from relance.reports.services import monthly_figures_record
from tests.imports.helpers import fixture, run_import
from tests.reports.conftest import DAY

D = Decimal
ZERO = D("0.00")


def direct(organisation: Organisation, month: date) -> dict[str, dict[str, Decimal]]:
    """Month-end figures item by item, the slow obvious way."""
    end = month_end(month)
    figures: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"outstanding": ZERO, "overdue": ZERO, "invoiced": ZERO, "collected": ZERO}
    )
    for item in Instalment.objects.filter(organisation=organisation).select_related("invoice"):
        currency = item.invoice.currency
        figures[currency]  # every currency of the ledger has its figures
        if item.invoice.issue_date > end:
            continue
        paid = sum(
            (a.amount for a in Allocation.objects.filter(instalment=item, date__lte=end)), ZERO
        )
        figures[currency]["outstanding"] += item.amount - paid
        if item.due_date < end:
            figures[currency]["overdue"] += item.amount - paid
        if item.invoice.issue_date >= month:
            figures[currency]["invoiced"] += item.amount
    for payment in Payment.objects.filter(organisation=organisation, date__range=(month, end)):
        figures[payment.currency]["collected"] += payment.amount
    return figures


def stored(organisation: Organisation, month: date) -> dict[str, dict[str, Decimal]]:
    return {
        row.currency: {
            "outstanding": row.outstanding,
            "overdue": row.overdue,
            "invoiced": row.invoiced,
            "collected": row.collected,
        }
        for row in MonthlyFigures.objects.filter(organisation=organisation, month=month)
    }


def test_month_arithmetic():
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert month_range(date(2026, 3, 17), 3) == [date(2026, 1, 1), date(2026, 2, 1),
                                                  date(2026, 3, 1)]  # fmt: skip


def test_backfilled_months_equal_the_ledger(organisation, small_ledger):
    summary = monthly_figures_record(organisation=organisation, day=DAY)
    assert len(summary.closed_months) == 24
    assert summary.closed_months[-1] == date(2026, 5, 1)
    for month in summary.closed_months:
        assert stored(organisation, month) == direct(organisation, month), month
    # spot checks of the cut-offs, by hand
    march = stored(organisation, date(2026, 3, 1))
    # F1 700 + F2 300 (due 31/03, not late yet) + F3 1000 (not due); F4 credited in January
    assert march["EUR"]["outstanding"] == D("2000.00")
    assert march["EUR"]["overdue"] == D("700.00")
    assert march["CHF"] == {"outstanding": D("600.00"), "overdue": D("600.00"),
                            "invoiced": ZERO, "collected": D("200.00")}  # fmt: skip
    april = stored(organisation, date(2026, 4, 1))
    assert april["EUR"]["outstanding"] == D("900.00")  # F2 300 + F3's second part 600
    assert april["EUR"]["collected"] == D("1100.00")
    assert stored(organisation, date(2025, 1, 1))["EUR"]["outstanding"] == ZERO


def test_backfill_equals_the_ledger_on_an_imported_portfolio(organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    day = date(2026, 6, 30)
    customer_balances_refresh(organisation=organisation, as_of=day)
    summary = monthly_figures_record(organisation=organisation, day=day, months=14)
    for month in summary.closed_months:
        assert stored(organisation, month) == direct(organisation, month), month
    assert stored(organisation, date(2026, 5, 1))["EUR"]["collected"] > 0


def test_current_month_follows_the_balances(organisation, small_ledger):
    monthly_figures_record(organisation=organisation, day=DAY)
    june = MonthlyFigures.objects.get(organisation=organisation, month=date(2026, 6, 1),
                                      currency="EUR")  # fmt: skip
    assert (june.closed, june.as_of) == (False, DAY)
    # F2 300 + F3 600 (due 15/05) late; F6 150 not due yet
    assert (june.outstanding, june.overdue) == (D("1050.00"), D("900.00"))
    assert (june.invoiced, june.collected) == (D("150.00"), ZERO)


def test_closed_months_are_computed_once_and_the_next_month_closes_the_last(
    organisation, small_ledger
):
    monthly_figures_record(organisation=organisation, day=DAY)
    again = monthly_figures_record(organisation=organisation, day=date(2026, 6, 21))
    assert again.closed_months == []
    july = monthly_figures_record(organisation=organisation, day=date(2026, 7, 1))
    assert july.closed_months == [date(2026, 6, 1)]
    june = MonthlyFigures.objects.get(organisation=organisation, month=date(2026, 6, 1),
                                      currency="EUR")  # fmt: skip
    assert (june.closed, june.as_of) == (True, date(2026, 6, 30))
    assert stored(organisation, date(2026, 6, 1)) == direct(organisation, date(2026, 6, 1))


def test_rebuild_recomputes_every_month(organisation, small_ledger, actor):
    monthly_figures_record(organisation=organisation, day=DAY)
    MonthlyFigures.objects.filter(organisation=organisation, month=date(2026, 3, 1)).update(
        outstanding=D("1.00")
    )
    assert monthly_figures_record(organisation=organisation, day=DAY).closed_months == []
    rebuilt = monthly_figures_record(organisation=organisation, day=DAY, rebuild=True)
    assert len(rebuilt.closed_months) == 24
    assert stored(organisation, date(2026, 3, 1)) == direct(organisation, date(2026, 3, 1))


def test_another_organisation_is_never_counted(organisation, other_organisation, small_ledger):
    run_import(other_organisation, "customers", fixture("fr-customers.csv"))
    run_import(other_organisation, "invoices", fixture("fr-invoices.csv"))
    monthly_figures_record(organisation=organisation, day=DAY)
    assert not MonthlyFigures.objects.filter(organisation=other_organisation).exists()
    for month in month_range(DAY, 5)[:-1]:
        assert stored(organisation, month) == direct(organisation, month)


def test_the_daily_cycle_records_the_month(organisation, small_ledger, actor):
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    months = set(
        MonthlyFigures.objects.filter(organisation=organisation).values_list("month", flat=True)
    )
    assert len(months) == 25 and date(2026, 6, 1) in months


def test_backfill_command(organisation, small_ledger, capsys):
    call_command("reports", "backfill", "--date", "2026-06-20", "--months", "6")
    assert "6 mois calculé(s), de 12/2025 à 05/2026" in capsys.readouterr().out
    assert MonthlyFigures.objects.filter(organisation=organisation, closed=True).count() == 12
    call_command("reports", "backfill", "--date", "2026-06-20", "--months", "6")
    assert "tous sont déjà clos" in capsys.readouterr().out
