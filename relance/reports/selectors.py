"""Reads behind the dashboard, each a handful of set-based queries whatever the ledger's size.

What is owed comes from ``CustomerBalance`` (aged each morning and after every write), the
history from ``MonthlyFigures``; nothing here sums a million instalments per request. Amounts
are per currency and never added across currencies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, QuerySet, Sum

from relance.accounts.models import Organisation
from relance.core.dso import Dso, SalesPeriod, dso_count_back
from relance.dunning.models import Dispute, Promise, Reminder
from relance.dunning.promises import promises_holding_since
from relance.dunning.todo import FAILED, open_todo, todo_filter, why
from relance.dunning.todo import todo_counts as count_by_kind
from relance.ledger.models import Allocation, CustomerBalance, Instalment
from relance.reports.models import MonthlyFigures
from relance.reports.monthly import add_months, month_range

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
# How far back the DSO count-back may look: the snapshot keeps two years and the month so far.
DSO_MONTHS = 25


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


@dataclass(frozen=True)
class AgedBalance:
    currency: str
    as_of: date
    not_due: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    customers: int

    def bucket(self, key: str) -> Decimal:
        amount: Decimal = getattr(self, key)
        return amount

    @property
    def overdue(self) -> Decimal:
        return self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_over_90

    @property
    def outstanding(self) -> Decimal:
        """The sum of the buckets, so that the aged balance's total is the sum of its rows."""
        return self.not_due + self.overdue


def _balances(organisation: Organisation) -> QuerySet[CustomerBalance]:
    """The organisation's balances, for a sum over all of them.

    SQLite, which has no statistics here, always reads them through an index on the
    organisation, looking each row up in the table: some 2 µs a row, where reading the table
    straight through costs a third of that for every row of the table. When the organisation
    has a third of the rows or more (always, with a single organisation), ``organisation_id +
    0`` keeps it off the index.
    """
    rows = CustomerBalance.objects.filter(organisation=organisation)
    if connection.vendor != "sqlite" or rows.count() * 3 < CustomerBalance.objects.count():
        return rows
    return CustomerBalance.objects.alias(scanned=F("organisation_id") + 0).filter(
        scanned=organisation.pk
    )


def aged_balances(organisation: Organisation) -> list[AgedBalance]:
    """What is owed per currency, aged: the sum of the customers' balances."""
    balances = _balances(organisation)
    # The day of the latest refresh or update, without comparing every row's date.
    as_of = balances.order_by("-id").values_list("as_of", flat=True).first()
    rows = (
        balances.values("currency")
        .annotate(customer_count=Count("*"), **{f"sum_{key}": Sum(key) for key in BUCKETS})
        .order_by("currency")
    )
    return [
        AgedBalance(
            currency=row["currency"],
            as_of=as_of or date.min,
            customers=row["customer_count"],
            **{key: _money(row[f"sum_{key}"]) for key in BUCKETS},
        )
        for row in rows
    ]


def _owed_by_invoice(invoice_ids: QuerySet[Any]) -> dict[int, tuple[str, Decimal]]:
    """(currency, amount still owed) of each invoice of ``invoice_ids``, a query of invoice
    ids read through the organisation (a dispute's, a promise's).

    The instalments and allocations are reached through those ids only, in a subquery: with
    an ``organisation`` condition beside it SQLite may prefer that index and read every
    instalment of the organisation to find a handful.
    """
    allocated = dict(
        Allocation.objects.filter(instalment__invoice_id__in=invoice_ids)
        .values_list("instalment__invoice_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {
        invoice_id: (currency, _money(amount) - _money(allocated.get(invoice_id)))
        for invoice_id, currency, amount in Instalment.objects.filter(invoice_id__in=invoice_ids)
        .values_list("invoice_id", "invoice__currency")
        .annotate(total=Sum("amount"))
        .order_by()
    }


@dataclass(frozen=True)
class AmountCount:
    amount: Decimal = ZERO
    count: int = 0

    def plus(self, amount: Decimal) -> AmountCount:
        return AmountCount(self.amount + amount, self.count + 1)


def disputed_by_currency(organisation: Organisation) -> dict[str, AmountCount]:
    """What is still owed on invoices under an open dispute, and how many such invoices."""
    invoice_ids = Dispute.objects.filter(organisation=organisation, closed_on=None).values(
        "invoice_id"
    )
    totals: dict[str, AmountCount] = defaultdict(AmountCount)
    for currency, owed in _owed_by_invoice(invoice_ids).values():
        if owed > ZERO:
            totals[currency] = totals[currency].plus(owed)
    return dict(totals)


@dataclass(frozen=True)
class PromiseLine:
    """A promise with what its invoices still owe."""

    promise: Promise
    currency: str
    owed: Decimal

    @property
    def expected(self) -> Decimal:
        """What the promise still brings: the amount promised, at most what is owed."""
        return min(self.promise.amount, self.owed)


def _promised_invoices(
    promises: QuerySet[Promise],
) -> tuple[dict[int, list[int]], dict[int, tuple[str, Decimal]]]:
    """The invoices of each of these promises, and what each invoice still owes."""
    links = Promise.invoices.through.objects.filter(promise__in=promises.values("pk"))
    invoices_of: dict[int, list[int]] = defaultdict(list)
    for promise_id, invoice_id in links.values_list("promise_id", "invoice_id"):
        invoices_of[promise_id].append(invoice_id)
    return invoices_of, _owed_by_invoice(links.values("invoice_id"))


def _owed_by_promise(
    promise_id: int, invoices_of: dict[int, list[int]], owed: dict[int, tuple[str, Decimal]]
) -> tuple[str, Decimal]:
    parts = [owed[pk] for pk in invoices_of.get(promise_id, []) if pk in owed]
    return (parts[0][0] if parts else ""), sum((part[1] for part in parts), ZERO)


def _promise_lines(promises: QuerySet[Promise]) -> list[PromiseLine]:
    """The promises (a page of them, already cut) with their currency and what is owed."""
    rows = list(promises.select_related("customer"))
    invoices_of, owed = _promised_invoices(Promise.objects.filter(pk__in=[p.pk for p in rows]))
    return [
        PromiseLine(promise, *_owed_by_promise(promise.pk, invoices_of, owed)) for promise in rows
    ]


def promised_by_currency(organisation: Organisation, today: date) -> dict[str, AmountCount]:
    """Open promises: not broken, not past their date and grace, something still owed."""
    since = promises_holding_since(organisation, today=today)
    promises = Promise.objects.filter(
        organisation=organisation, broken_on=None, promised_on__gte=since
    )
    invoices_of, owed_by_invoice = _promised_invoices(promises)
    totals: dict[str, AmountCount] = defaultdict(AmountCount)
    for promise_id, amount in promises.values_list("pk", "amount"):
        currency, owed = _owed_by_promise(promise_id, invoices_of, owed_by_invoice)
        if owed > ZERO:
            totals[currency] = totals[currency].plus(min(_money(amount), owed))
    return dict(totals)


def _due(organisation: Organisation, today: date) -> QuerySet[Promise]:
    return Promise.objects.filter(organisation=organisation, promised_on=today, broken_on=None)


def promises_due(organisation: Organisation, today: date, limit: int = 10) -> list[PromiseLine]:
    """Promises whose date is today, the largest first."""
    return _promise_lines(_due(organisation, today).order_by("-amount", "id")[:limit])


def promises_due_count(organisation: Organisation, today: date) -> int:
    return _due(organisation, today).count()


def promises_broken(
    organisation: Organisation, today: date, *, days: int = 30, limit: int = 10
) -> list[PromiseLine]:
    """Promises found broken in the last ``days`` days, the latest first."""
    return _promise_lines(
        Promise.objects.filter(
            organisation=organisation, broken_on__gte=today - timedelta(days=days)
        ).order_by("-broken_on", "-amount")[:limit]
    )


@dataclass(frozen=True)
class TodoCounts:
    by_channel: dict[str, int] = field(default_factory=dict)
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_channel.values()) + self.failed


def todo_counts(organisation: Organisation, today: date) -> TodoCounts:
    """What waits on the to-do today, counted as the to-do page counts it: manual steps and
    held messages by channel, and failed deliveries."""
    counts = count_by_kind(open_todo(organisation, today=today))
    failed = counts.pop(FAILED, 0)
    return TodoCounts(by_channel={kind: n for kind, n in counts.items() if n}, failed=failed)


@dataclass(frozen=True)
class FailedDelivery:
    reminder: Reminder
    reason: str


def failed_deliveries(
    organisation: Organisation, today: date, *, limit: int = 10
) -> list[FailedDelivery]:
    """Deliveries that are failing (a retry is planned), failed for good, bounced or may not
    have left, still on the to-do; the latest first."""
    reminders = (
        todo_filter(open_todo(organisation, today=today), kind=FAILED)
        .select_related("customer", "message")
        .order_by("-run_date", "-id")[:limit]
    )
    return [FailedDelivery(reminder, why(reminder)) for reminder in reminders]


@dataclass(frozen=True)
class MonthFigures:
    month: date
    as_of: date
    closed: bool
    outstanding: Decimal
    overdue: Decimal
    invoiced: Decimal
    collected: Decimal
    dso: Dso | None


def monthly_trend(
    organisation: Organisation, today: date, *, months: int = 12
) -> dict[str, list[MonthFigures | None]]:
    """Per currency, the figures of the ``months`` months up to today's (None where the
    snapshot has no row yet), each with its month-end DSO."""
    shown = month_range(today, months)
    first = add_months(shown[0], -DSO_MONTHS)
    rows: dict[str, dict[date, MonthlyFigures]] = defaultdict(dict)
    for row in MonthlyFigures.objects.filter(
        organisation=organisation, month__gte=first, month__lte=shown[-1]
    ):
        rows[row.currency][row.month] = row
    trend: dict[str, list[MonthFigures | None]] = {}
    for currency in sorted(rows):
        by_month = rows[currency]
        trend[currency] = [
            _figures(by_month[month], by_month) if month in by_month else None for month in shown
        ]
    return trend


def _figures(row: MonthlyFigures, by_month: dict[date, MonthlyFigures]) -> MonthFigures:
    return MonthFigures(
        month=row.month, as_of=row.as_of, closed=row.closed, outstanding=row.outstanding,
        overdue=row.overdue, invoiced=row.invoiced, collected=row.collected,
        dso=dso_at(row, by_month),
    )  # fmt: skip


def dso_at(row: MonthlyFigures, by_month: dict[date, MonthlyFigures]) -> Dso:
    """The count-back DSO of a month's position against its own and earlier months' sales
    (the month so far for the current one), as long as the months follow one another."""

    def periods() -> Iterable[SalesPeriod]:
        month, current = row.month, row
        while True:
            yield SalesPeriod(days=current.as_of.day, sales=current.invoiced)
            month = add_months(month, -1)
            if month not in by_month:
                return
            current = by_month[month]

    return dso_count_back(row.outstanding, periods())


def latest_figures(trend: dict[str, list[MonthFigures | None]]) -> dict[str, MonthFigures]:
    """Per currency, the most recent month of the trend that has figures."""
    latest: dict[str, MonthFigures] = {}
    for currency, figures in trend.items():
        known = [month for month in figures if month is not None]
        if known:
            latest[currency] = known[-1]
    return latest
