"""Month-end positions of the receivables, computed set-based from the ledger.

What was owed at the end of a past month is every instalment of an invoice issued by then,
less every allocation (payment or credit note) dated by then; what was overdue is the same
restricted to instalments due before that day. Three GROUP BY queries give the amounts by
currency and month of issue, of allocation and of payment, and by due date; the month-end
figures are then cumulative sums in Python, over a few thousand groups instead of a million
rows. The current month's position comes from ``CustomerBalance``, kept fresh each morning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Func, Q, QuerySet, Sum

from relance.accounts.models import Organisation
from relance.ledger.models import Allocation, CustomerBalance, Instalment, Invoice, Payment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def month_range(last: date, count: int) -> list[date]:
    """The ``count`` months ending with ``last``'s month, oldest first."""
    return [add_months(month_start(last), -n) for n in range(count - 1, -1, -1)]


class MonthOf(Func):
    """``YYYY-MM`` of a date column, computed by the database itself.

    Django's month truncation calls back into Python for every row on SQLite: over a million
    instalments, that alone took most of the backfill's time.
    """

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps dates as ISO text: the month is its first seven characters. (A
        # strftime pattern would leave a bare "%" in the SQL, which breaks the debug log.)
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)",
                           **extra)  # fmt: skip

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')",
                           **extra)  # fmt: skip


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


@dataclass(frozen=True)
class MonthPosition:
    currency: str
    month: date
    as_of: date
    closed: bool
    outstanding: Decimal
    overdue: Decimal
    invoiced: Decimal
    collected: Decimal
    group: tuple[Any, ...] = ()  # the customers' values of the ``by`` fields asked for


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _late_from(due: date) -> date:
    """The first month at whose end an item due on ``due`` is late (due before that day)."""
    return month_start(due) if due < month_end(due) else add_months(month_start(due), 1)


class _Flows:
    """Amounts of one group and currency by the first month-end they count at: a month-end
    figure is then the sum of the amounts keyed up to that month."""

    def __init__(self) -> None:
        self.owed: dict[date, Decimal] = defaultdict(Decimal)
        self.late: dict[date, Decimal] = defaultdict(Decimal)
        self.invoiced: dict[date, Decimal] = defaultdict(Decimal)

    def issued(self, issue_month: date, due: date, amount: Decimal) -> None:
        self.owed[issue_month] += amount
        self.late[max(issue_month, _late_from(due))] += amount
        self.invoiced[issue_month] += amount

    def allocated(self, paid_month: date, issue_month: date, due: date, amount: Decimal) -> None:
        self.owed[max(paid_month, issue_month)] -= amount
        self.late[max(paid_month, issue_month, _late_from(due))] -= amount


def _running(amounts: dict[date, Decimal], months: list[date]) -> list[Decimal]:
    """The sum of ``amounts`` keyed up to each of ``months`` (sorted)."""
    keys, total, index, sums = sorted(amounts), ZERO, 0, []
    for month in months:
        while index < len(keys) and keys[index] <= month:
            total += amounts[keys[index]]
            index += 1
        sums.append(total)
    return sums


def closed_positions(
    organisation: Organisation,
    months: Iterable[date],
    customers: QuerySet[Any] | None = None,
    by: Sequence[str] = (),
) -> list[MonthPosition]:
    """The position at the end of each of these months (first days), for every currency the
    ledger has; a month without any activity in a currency gets zeros. ``customers`` (a
    query of customer ids) keeps only their invoices and payments; ``by`` (paths from the
    customer, such as ``dunning__segment``) gives a position per group of customers."""
    mine = Q() if customers is None else Q(customer__in=customers)
    wanted = sorted({month_start(month) for month in months})
    if not wanted:
        return []
    last_day = month_end(wanted[-1])
    flows: dict[tuple[tuple[Any, ...], str], _Flows] = defaultdict(_Flows)
    currencies: set[str] = set()
    for *group, currency, month, due, total in (
        Instalment.objects.filter(
            mine, organisation=organisation, invoice__issue_date__lte=last_day
        )
        .annotate(issued=MonthOf("invoice__issue_date"))
        .values_list(*(f"customer__{path}" for path in by), "invoice__currency", "issued",
                     "due_date")
        .annotate(total=Sum("amount"))
        .order_by()
        .iterator(chunk_size=10_000)
    ):  # fmt: skip
        currencies.add(currency)
        flows[tuple(group), currency].issued(_month(month), due, _money(total))
    for *group, currency, paid, month, due, total in (
        Allocation.objects.filter(
            Q() if customers is None else Q(instalment__customer__in=customers),
            organisation=organisation,
            date__lte=last_day,
            instalment__invoice__issue_date__lte=last_day,
        )
        .annotate(paid=MonthOf("date"), issued=MonthOf("instalment__invoice__issue_date"))
        .values_list(*(f"instalment__customer__{path}" for path in by),
                     "instalment__invoice__currency", "paid", "issued", "instalment__due_date")
        .annotate(total=Sum("amount"))
        .order_by()
        .iterator(chunk_size=10_000)
    ):  # fmt: skip
        flows[tuple(group), currency].allocated(_month(paid), _month(month), due, _money(total))
    collected: dict[tuple[tuple[Any, ...], str, date], Decimal] = {}
    for *group, currency, month, total in (
        Payment.objects.filter(
            mine,
            organisation=organisation,
            date__gte=wanted[0],
            date__lte=last_day,
            reversed_on__isnull=True,  # taken back by the bank: nothing was collected
        )
        .annotate(month=MonthOf("date"))
        .values_list(*(f"customer__{path}" for path in by), "currency", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    ):  # fmt: skip
        currencies.add(currency)
        collected[tuple(group), currency, _month(month)] = _money(total)
    # Without groups, every currency has its figures; with them, the groups that have any.
    pairs = set(flows) | {(group, currency) for group, currency, _month in collected}
    if not by:
        pairs = {((), currency) for currency in currencies}
    positions = []
    for group, currency in pairs:
        positions += _positions(group, currency, wanted, flows[group, currency], collected)
    return sorted(positions, key=lambda row: (row.month, row.currency, repr(row.group)))


def _positions(
    group: tuple[Any, ...],
    currency: str,
    months: list[date],
    flows: _Flows,
    collected: dict[tuple[tuple[Any, ...], str, date], Decimal],
) -> list[MonthPosition]:
    # At the end of the month's last day an item due that day is not late yet, as in
    # CustomerBalance (late means due before the day the position is taken at).
    owed, late = _running(flows.owed, months), _running(flows.late, months)
    return [
        MonthPosition(
            currency=currency, month=month, as_of=month_end(month), closed=True,
            outstanding=outstanding, overdue=overdue,
            invoiced=flows.invoiced.get(month, ZERO),
            collected=collected.get((group, currency, month), ZERO), group=group,
        )
        for month, outstanding, overdue in zip(months, owed, late, strict=True)
    ]  # fmt: skip


def current_positions(
    organisation: Organisation,
    day: date,
    customers: QuerySet[Any] | None = None,
    by: Sequence[str] = (),
) -> list[MonthPosition]:
    """The month so far: what is owed as the customers' balances say (aged each morning), and
    what was invoiced and collected from the first of the month to ``day``; per group of
    customers with ``by`` (as ``closed_positions``)."""
    mine = Q() if customers is None else Q(customer__in=customers)
    month = month_start(day)
    group = [f"customer__{path}" for path in by]
    owed = {
        tuple(key): (_money(outstanding), _money(overdue))
        for *key, outstanding, overdue in CustomerBalance.objects.filter(
            mine, organisation=organisation
        )
        .values_list(*group, "currency")
        .annotate(outstanding=Sum("outstanding"), overdue=Sum("overdue"))
        .order_by()
    }
    invoiced = _by_key(
        Invoice.objects.filter(mine, organisation=organisation, issue_date__range=(month, day))
        .values_list(*group, "currency")
        .annotate(total=Sum("amount_incl_tax"))
        .order_by()
    )
    collected = _by_key(
        Payment.objects.filter(
            mine, organisation=organisation, date__range=(month, day), reversed_on__isnull=True
        )
        .values_list(*group, "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    keys = sorted(set(owed) | set(invoiced) | set(collected), key=lambda key: (key[-1], repr(key)))
    return [
        MonthPosition(
            currency=key[-1],
            month=month,
            as_of=day,
            closed=False,
            outstanding=owed.get(key, (ZERO, ZERO))[0],
            overdue=owed.get(key, (ZERO, ZERO))[1],
            invoiced=invoiced.get(key, ZERO),
            collected=collected.get(key, ZERO),
            group=key[:-1],
        )
        for key in keys
    ]


def _by_key(rows: Iterable[Sequence[Any]]) -> dict[tuple[Any, ...], Decimal]:
    """Totals by their group and currency (every column but the last)."""
    return {tuple(key): _money(total) for *key, total in rows}
