"""Replaying the forecast on an organisation's own history (``relance forecast backtest``).

At each month-end of the range the forecast is computed from what was known that day
(``forecast_history``); every invoice then open and fully paid later (by the last date of the
data) is a case, scored in ``relance.core.forecast_backtest``. The day an invoice was fully
paid is the last allocation of its last instalment, read once for the whole range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Sum

from relance.accounts.models import Organisation
from relance.core.forecast_backtest import Case, Score, score
from relance.ledger.models import Allocation, Instalment, Invoice
from relance.reports.forecast import Forecast, cash_forecast
from relance.reports.monthly import add_months, month_end, month_start

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BacktestMonth:
    as_of: date
    open_invoices: int
    score: Score


@dataclass(frozen=True)
class Backtest:
    data_end: date | None
    months: list[BacktestMonth]
    total: Score


def data_end(organisation: Organisation) -> date | None:
    """The last day the ledger knows anything about: an invoice issued or an allocation."""
    days = [
        Invoice.objects.filter(organisation=organisation).aggregate(d=Max("issue_date"))["d"],
        Allocation.objects.filter(organisation=organisation).aggregate(d=Max("date"))["d"],
    ]
    known = [day for day in days if day is not None]
    return max(known) if known else None


def default_range(end: date) -> tuple[date, date]:
    """The twelve month-ends before the month of ``end``."""
    last = month_end(add_months(month_start(end), -1))
    return month_end(add_months(month_start(last), -11)), last


def month_ends(first: date, last: date) -> list[date]:
    days, month = [], month_start(first)
    while month_end(month) <= last:
        if month_end(month) >= first:
            days.append(month_end(month))
        month = add_months(month, 1)
    return days


def paid_dates(organisation: Organisation) -> dict[int, date]:
    """Invoice id -> the day it was fully paid, for the invoices fully paid by now."""
    settled: dict[int, date] = {}
    unpaid: set[int] = set()
    rows = (
        Instalment.objects.filter(organisation=organisation)
        .values_list("invoice_id", "amount")
        .annotate(paid=Sum("allocations__amount"), last=Max("allocations__date"))
        .order_by()
        .iterator(chunk_size=20_000)
    )
    for invoice, amount, paid, last in rows:
        if (paid or ZERO) < amount or last is None:
            unpaid.add(invoice)
        elif invoice not in settled or last > settled[invoice]:
            settled[invoice] = last
    for invoice in unpaid:
        settled.pop(invoice, None)
    return settled


def _cases(forecast: Forecast, paid: dict[int, date]) -> Iterator[Case]:
    due: dict[object, date] = defaultdict(lambda: date.min)
    for item in forecast.items:
        due[item.item.invoice] = max(due[item.item.invoice], item.item.due_date)
    model = forecast.model
    for line in forecast.invoices:
        paid_on = paid.get(line.invoice)  # type: ignore[call-overload]
        if paid_on is None or paid_on <= forecast.as_of:
            continue
        mean = model.customer_mean(line.customer)
        yield Case(
            as_of=forecast.as_of, due_date=due[line.invoice], predicted=line.predicted,
            mean_delay=mean if mean is not None else model.organisation_mean(), paid_on=paid_on,
        )  # fmt: skip


def forecast_backtest(organisation: Organisation, first: date, last: date) -> Backtest:
    paid = paid_dates(organisation)
    months: list[BacktestMonth] = []
    everything: list[Case] = []
    for as_of in month_ends(first, last):
        forecast = cash_forecast(organisation, as_of)
        cases = list(_cases(forecast, paid))
        everything.extend(cases)
        months.append(BacktestMonth(as_of, len(forecast.invoices), score(cases)))
    return Backtest(data_end(organisation), months, score(everything))
