"""DSO over twelve months, and today's DSO per segment, collector and customer.

Definitions (docs/reports.md, "Analyse"), at a month's end (or today for the month so far):

- **Count-back DSO**: ``relance.core.dso.dso_count_back`` (the receivables used up by the
  sales of the month, then of the month before, and so on).
- **Standard DSO**: receivables ÷ sales (incl. VAT) of the month and the two before × the
  days of those three months (the month so far for the current one).
- **Best possible DSO**: the same with the receivables not yet due only (receivables less
  what is overdue): what the DSO would be if every customer paid on time.

Without customer filters the organisation's months come from the ``MonthlyFigures``
snapshot; with them, from ``GroupMonthlyFigures`` (the same positions per group of alike
customers, recorded each morning), summed over the groups the filters keep. Today's DSO per
segment and collector reads it too. Before any morning run has recorded it, the positions
of the filtered customers are computed live by the same set-based code
(``relance.reports.monthly``), which reads the whole ledger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from relance.accounts.models import Organisation
from relance.core.dso import Dso, SalesPeriod, dso_count_back
from relance.dunning.labels import labels_of
from relance.ledger.models import Customer, CustomerBalance, Invoice
from relance.reports.analytics_filters import (
    AnalyticsFilters,
    customer_condition,
    customers,
    group_condition,
)
from relance.reports.collection import ZERO, _collectors, money
from relance.reports.models import GroupMonthlyFigures, MonthlyFigures
from relance.reports.monthly import (
    MonthOf,
    MonthPosition,
    _month,
    add_months,
    closed_positions,
    current_positions,
    month_range,
    month_start,
)

MONTHS = 12
STANDARD_MONTHS = 3
HISTORY_MONTHS = 25  # how far back the count-back may look
TENTH = Decimal("0.1")
TOP_CUSTOMERS = 20


def _days(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DsoPoint:
    """The DSO figures of one currency at one month's end (or today)."""

    currency: str
    month: date
    as_of: date
    outstanding: Decimal
    overdue: Decimal
    invoiced: Decimal
    count_back: Dso
    standard: Decimal | None
    best_possible: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency, "month": f"{self.month:%Y-%m}",
            "as_of": self.as_of.isoformat(), "outstanding": f"{self.outstanding:.2f}",
            "overdue": f"{self.overdue:.2f}", "invoiced": f"{self.invoiced:.2f}",
            "count_back": f"{self.count_back.days}",
            "count_back_complete": self.count_back.complete,
            "standard": _text(self.standard), "best_possible": _text(self.best_possible),
        }  # fmt: skip


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value}"


def dso_figures(
    outstanding: Decimal, overdue: Decimal, periods: list[SalesPeriod]
) -> tuple[Dso, Decimal | None, Decimal | None]:
    """Count-back, standard and best possible DSO of receivables against ``periods`` (the
    most recent first: the month of the position, then the months before)."""
    recent = periods[:STANDARD_MONTHS]
    sales = sum((period.sales for period in recent), ZERO)
    days = sum(period.days for period in recent)
    standard = best = None
    if sales > 0:
        standard = _days(outstanding * days / sales)
        best = _days((outstanding - overdue) * days / sales)
    return dso_count_back(outstanding, periods), standard, best


def _point(position: MonthPosition, earlier: dict[date, MonthPosition]) -> DsoPoint:
    periods = [SalesPeriod(days=position.as_of.day, sales=position.invoiced)]
    month = position.month
    while (month := add_months(month, -1)) in earlier:
        periods.append(SalesPeriod(days=earlier[month].as_of.day, sales=earlier[month].invoiced))
    count_back, standard, best = dso_figures(position.outstanding, position.overdue, periods)
    return DsoPoint(
        currency=position.currency, month=position.month, as_of=position.as_of,
        outstanding=position.outstanding, overdue=position.overdue, invoiced=position.invoiced,
        count_back=count_back, standard=standard, best_possible=best,
    )  # fmt: skip


def _has_customer_filters(filters: AnalyticsFilters) -> bool:
    return any((filters.segment, filters.scenario, filters.collector, filters.kind,
                filters.country))  # fmt: skip


def _positions(
    organisation: Organisation, today: date, filters: AnalyticsFilters
) -> list[MonthPosition]:
    months = month_range(today, MONTHS + HISTORY_MONTHS)
    if not _has_customer_filters(filters):
        return [
            MonthPosition(
                currency=row.currency, month=row.month, as_of=row.as_of, closed=row.closed,
                outstanding=row.outstanding, overdue=row.overdue, invoiced=row.invoiced,
                collected=row.collected,
            )
            for row in MonthlyFigures.objects.filter(
                organisation=organisation, month__gte=months[0], month__lte=months[-1]
            )
        ]  # fmt: skip
    if _recorded(organisation):
        return _group_positions(organisation, filters, months)
    chosen = customers(organisation, filters).values("pk")
    return closed_positions(organisation, months[:-1], chosen) + current_positions(
        organisation, today, chosen
    )


def _recorded(organisation: Organisation) -> bool:
    """Whether a morning run recorded the positions per group of customers."""
    return GroupMonthlyFigures.objects.filter(organisation=organisation).exists()


def _group_positions(
    organisation: Organisation, filters: AnalyticsFilters, months: list[date]
) -> list[MonthPosition]:
    """The months' positions of the groups of customers the filters keep, added up."""
    rows = (
        GroupMonthlyFigures.objects.filter(
            group_condition(organisation, filters), organisation=organisation,
            month__gte=months[0], month__lte=months[-1],
        )
        .values_list("currency", "month", "as_of", "closed")
        .annotate(outstanding=Sum("outstanding"), overdue=Sum("overdue"),
                  invoiced=Sum("invoiced"), collected=Sum("collected"))
        .order_by()
    )  # fmt: skip
    return [
        MonthPosition(
            currency=currency, month=month, as_of=as_of, closed=closed,
            outstanding=money(outstanding), overdue=money(overdue), invoiced=money(invoiced),
            collected=money(collected),
        )
        for currency, month, as_of, closed, outstanding, overdue, invoiced, collected in rows
    ]  # fmt: skip


def dso_trend(
    organisation: Organisation, filters: AnalyticsFilters, today: date
) -> dict[str, list[DsoPoint | None]]:
    """Per currency, the DSO figures of the twelve months to today's (None where unknown)."""
    by_currency: dict[str, dict[date, MonthPosition]] = defaultdict(dict)
    for position in _positions(organisation, today, filters):
        if not filters.currency or position.currency == filters.currency:
            by_currency[position.currency][position.month] = position
    shown = month_range(today, MONTHS)
    return {
        currency: [_point(rows[month], rows) if month in rows else None for month in shown]
        for currency, rows in sorted(by_currency.items())
    }


@dataclass(frozen=True)
class DsoLine:
    """Today's DSO figures of one segment, collector or customer in one currency."""

    key: str
    label: str
    point: DsoPoint

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, **self.point.as_dict()}


GROUPS = {"segment": "dunning__segment", "collector": "collector", "customer": "pk"}
# The field of GroupMonthlyFigures holding a group's segment or collector.
RECORDED_GROUPS = {"segment": "segment", "collector": "collector_id"}
Owed = dict[tuple[Any, str], tuple[Decimal, Decimal]]
Sales = dict[tuple[Any, str], dict[date, Decimal]]


def dso_by(
    organisation: Organisation, filters: AnalyticsFilters, today: date, dimension: str
) -> list[DsoLine]:
    """Today's DSO per segment, collector or customer (the ``TOP_CUSTOMERS`` that owe the
    most), per currency: balances of this morning against sales by month of issue. Per
    segment and collector, from this morning's ``GroupMonthlyFigures`` once recorded."""
    first = add_months(month_start(today), -HISTORY_MONTHS)
    recorded = None
    if dimension in RECORDED_GROUPS and _recorded(organisation):
        recorded = _recorded_figures(organisation, filters, today, dimension)
    as_of, owed, sales = recorded or (today, *_live_figures(organisation, filters, today,
                                                             dimension, first))  # fmt: skip
    names = _names(organisation, dimension, [key for key, _currency in owed])
    lines = []
    for (key, currency), (outstanding, overdue) in owed.items():
        periods = _periods(as_of, first, sales.get((key, currency), {}))
        count_back, standard, best = dso_figures(outstanding, overdue, periods)
        point = DsoPoint(
            currency=currency, month=month_start(as_of), as_of=as_of, outstanding=outstanding,
            overdue=overdue, invoiced=periods[0].sales, count_back=count_back,
            standard=standard, best_possible=best,
        )  # fmt: skip
        lines.append(DsoLine(*names.get(key, ("", "")), point))
    return sorted(lines, key=lambda line: (line.point.currency, -line.point.outstanding))


def _live_figures(
    organisation: Organisation, filters: AnalyticsFilters, today: date, dimension: str,
    first: date,
) -> tuple[Owed, Sales]:  # fmt: skip
    """Balances and sales by month per group, read from the ledger."""
    group = GROUPS[dimension]
    balances = CustomerBalance.objects.filter(organisation=organisation).filter(
        customer_condition(organisation, filters, "customer__")
    )
    if filters.currency:
        balances = balances.filter(currency=filters.currency)
    owed = _owed(balances, f"customer__{group}", dimension)
    sales: Sales = defaultdict(dict)
    # The top customers (of this organisation) by their own index: the organisation's would
    # be taken otherwise, for every invoice it has.
    mine = (
        Q(customer__in=[key for key, _currency in owed])
        if dimension == "customer"
        else Q(organisation=organisation)
    )
    for key, currency, month, total in (
        Invoice.objects.filter(mine, issue_date__gte=first, issue_date__lte=today)
        .filter(customer_condition(organisation, filters, "customer__"))
        .annotate(month=MonthOf("issue_date"))
        .values_list(f"customer__{group}", "currency", "month")
        .annotate(total=Sum("amount_incl_tax"))
        .order_by()
    ):  # fmt: skip
        sales[key, currency][_month(month)] = money(total)
    return owed, sales


def _recorded_figures(
    organisation: Organisation, filters: AnalyticsFilters, today: date, dimension: str
) -> tuple[date, Owed, Sales] | None:
    """This month's balances (as of the morning run) and the sales by month per group, from
    ``GroupMonthlyFigures``; None when this month was not recorded yet."""
    group = RECORDED_GROUPS[dimension]
    rows = GroupMonthlyFigures.objects.filter(
        group_condition(organisation, filters), organisation=organisation,
        month__gte=add_months(month_start(today), -HISTORY_MONTHS),
        month__lte=month_start(today),
    )  # fmt: skip
    if filters.currency:
        rows = rows.filter(currency=filters.currency)
    current = rows.filter(month=month_start(today), closed=False)
    as_of = current.order_by("-as_of").values_list("as_of", flat=True).first()
    if as_of is None:
        return None
    owed: Owed = {
        (key, currency): (money(out), money(late))
        for key, currency, out, late in current.values_list(group, "currency")
        .annotate(outstanding=Sum("outstanding"), overdue=Sum("overdue"))
        .order_by("-outstanding")
    }
    sales: Sales = defaultdict(dict)
    for key, currency, month, total in (
        rows.values_list(group, "currency", "month").annotate(total=Sum("invoiced")).order_by()
    ):
        sales[key, currency][month] = money(total)
    return as_of, owed, sales


def _owed(balances: QuerySet[CustomerBalance], group: str, dimension: str) -> Owed:
    if dimension == "customer":
        # One balance per customer and currency: the largest read off the index, no grouping.
        largest = balances.filter(outstanding__gt=0).order_by("-outstanding")[:TOP_CUSTOMERS]
        rows = largest.values_list(group, "currency", "outstanding", "overdue")
    else:
        rows = (
            balances.values_list(group, "currency")
            .annotate(outstanding=Sum("outstanding"), overdue=Sum("overdue"))
            .order_by("-outstanding")
        )
    return {(key, currency): (money(out), money(late)) for key, currency, out, late in rows}


def _periods(today: date, first: date, by_month: dict[date, Decimal]) -> list[SalesPeriod]:
    """The month so far, then each month before it back to ``first``."""
    periods = [SalesPeriod(days=today.day, sales=by_month.get(month_start(today), ZERO))]
    month = month_start(today)
    while (month := add_months(month, -1)) >= first:
        days = (add_months(month, 1) - month).days
        periods.append(SalesPeriod(days=days, sales=by_month.get(month, ZERO)))
    return periods


def _names(
    organisation: Organisation, dimension: str, keys: list[Any]
) -> dict[Any, tuple[str, str]]:
    """Key (as the filters take it) and label of each group."""
    if dimension == "segment":
        labels = labels_of(organisation)
        return {key: (key or "", labels.segment(key or "")) for key in keys}
    if dimension == "collector":
        return _collectors(organisation)
    return {
        pk: (str(uuid), name)
        for pk, uuid, name in Customer.objects.filter(pk__in=keys).values_list("pk", "uuid", "name")
    }
