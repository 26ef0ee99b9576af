"""Month-end positions of the receivables, computed set-based from the ledger.

What was owed at the end of a past month is every instalment of an invoice issued by then,
less every allocation (payment or credit note) dated by then; what was overdue is the same
restricted to instalments due before that day. Three GROUP BY queries give the amounts by
currency and month of issue, of allocation and of payment, and by due date; the month-end
figures are then cumulative sums in Python, over a few thousand groups instead of a million
rows. The current month's position comes from ``CustomerBalance``, kept fresh each morning.
"""

from __future__ import annotations

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


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def closed_positions(
    organisation: Organisation, months: Iterable[date], customers: QuerySet[Any] | None = None
) -> list[MonthPosition]:
    """The position at the end of each of these months (first days), for every currency the
    ledger has; a month without any activity in a currency gets zeros. ``customers`` (a
    query of customer ids) keeps only their invoices and payments."""
    mine = Q() if customers is None else Q(customer__in=customers)
    wanted = sorted({month_start(month) for month in months})
    if not wanted:
        return []
    last_day = month_end(wanted[-1])
    # (currency, month issued, due date) -> amount of instalments
    issued: dict[tuple[str, date, date], Decimal] = {
        (currency, _month(month), due): _money(total)
        for currency, month, due, total in Instalment.objects.filter(
            mine, organisation=organisation, invoice__issue_date__lte=last_day
        )
        .annotate(issued=MonthOf("invoice__issue_date"))
        .values_list("invoice__currency", "issued", "due_date")
        .annotate(total=Sum("amount"))
        .order_by()
        .iterator(chunk_size=10_000)
    }
    # (currency, month allocated, month issued, due date) -> amount allocated
    allocated: dict[tuple[str, date, date, date], Decimal] = {
        (currency, _month(paid), _month(month), due): _money(total)
        for currency, paid, month, due, total in Allocation.objects.filter(
            Q() if customers is None else Q(instalment__customer__in=customers),
            organisation=organisation,
            date__lte=last_day,
            instalment__invoice__issue_date__lte=last_day,
        )
        .annotate(paid=MonthOf("date"), issued=MonthOf("instalment__invoice__issue_date"))
        .values_list("instalment__invoice__currency", "paid", "issued", "instalment__due_date")
        .annotate(total=Sum("amount"))
        .order_by()
        .iterator(chunk_size=10_000)
    }
    collected: dict[tuple[str, date], Decimal] = {
        (currency, _month(month)): _money(total)
        for currency, month, total in Payment.objects.filter(
            mine,
            organisation=organisation,
            date__gte=wanted[0],
            date__lte=last_day,
            reversed_on__isnull=True,  # taken back by the bank: nothing was collected
        )
        .annotate(month=MonthOf("date"))
        .values_list("currency", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    currencies = sorted({key[0] for key in issued} | {key[0] for key in collected})
    return [
        _position(currency, month, issued, allocated, collected)
        for month in wanted
        for currency in currencies
    ]


def _position(
    currency: str,
    month: date,
    issued: dict[tuple[str, date, date], Decimal],
    allocated: dict[tuple[str, date, date, date], Decimal],
    collected: dict[tuple[str, date], Decimal],
) -> MonthPosition:
    # At the end of the month's last day an item due that day is not late yet, as in
    # CustomerBalance (late means due before the day the position is taken at).
    as_of = month_end(month)
    outstanding = overdue = invoiced = ZERO
    for (cur, issue_month, due), amount in issued.items():
        if cur != currency or issue_month > month:
            continue
        outstanding += amount
        if due < as_of:
            overdue += amount
        if issue_month == month:
            invoiced += amount
    for (cur, paid_month, issue_month, due), amount in allocated.items():
        if cur != currency or paid_month > month or issue_month > month:
            continue
        outstanding -= amount
        if due < as_of:
            overdue -= amount
    return MonthPosition(
        currency=currency, month=month, as_of=as_of, closed=True, outstanding=outstanding,
        overdue=overdue, invoiced=invoiced, collected=collected.get((currency, month), ZERO),
    )  # fmt: skip


def current_positions(
    organisation: Organisation, day: date, customers: QuerySet[Any] | None = None
) -> list[MonthPosition]:
    """The month so far: what is owed as the customers' balances say (aged each morning), and
    what was invoiced and collected from the first of the month to ``day``."""
    mine = Q() if customers is None else Q(customer__in=customers)
    month = month_start(day)
    owed = {
        currency: (_money(outstanding), _money(overdue))
        for currency, outstanding, overdue in CustomerBalance.objects.filter(
            mine, organisation=organisation
        )
        .values_list("currency")
        .annotate(outstanding=Sum("outstanding"), overdue=Sum("overdue"))
        .order_by()
    }
    invoiced = _by_currency(
        Invoice.objects.filter(mine, organisation=organisation, issue_date__range=(month, day))
        .values_list("currency")
        .annotate(total=Sum("amount_incl_tax"))
        .order_by()
    )
    collected = _by_currency(
        Payment.objects.filter(
            mine, organisation=organisation, date__range=(month, day), reversed_on__isnull=True
        )
        .values_list("currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    currencies = sorted(set(owed) | set(invoiced) | set(collected))
    return [
        MonthPosition(
            currency=currency,
            month=month,
            as_of=day,
            closed=False,
            outstanding=owed.get(currency, (ZERO, ZERO))[0],
            overdue=owed.get(currency, (ZERO, ZERO))[1],
            invoiced=invoiced.get(currency, ZERO),
            collected=collected.get(currency, ZERO),
        )
        for currency in currencies
    ]


def _by_currency(rows: Iterable[Sequence[object]]) -> dict[str, Decimal]:
    return {str(currency): _money(total) for currency, total in rows}
