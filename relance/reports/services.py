"""Keeping the monthly snapshot (``MonthlyFigures``) up to date.

Called by the daily cycle after the balances are refreshed: it closes for good any of the
last ``BACKFILL_MONTHS`` months not closed yet (all of them the first time, once a month
afterwards, or the days missed after an outage), then records the current month so far.
``relance reports backfill --rebuild`` recomputes every month, e.g. after importing old
payments that change past month-ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from relance.accounts.models import Organisation
from relance.ledger.balances import balances_day
from relance.reports.dso_history import HISTORY_MONTHS, MONTHS
from relance.reports.models import GroupMonthlyFigures, MonthlyFigures
from relance.reports.monthly import (
    MonthPosition,
    closed_positions,
    current_positions,
    month_range,
    month_start,
)

# Two years: the trend shows one, the DSO count-back may need more for slow payers.
BACKFILL_MONTHS = 24
# The months the analysis page's DSO reads: twelve shown, each counting back two years.
GROUP_MONTHS = MONTHS + HISTORY_MONTHS
# GroupMonthlyFigures field -> the customer's value it keeps (path from the customer).
GROUPED_BY = {
    "segment": "dunning__segment",
    "scenario_id": "dunning__scenario",
    "collector_id": "collector",
    "kind": "kind",
    "country": "country",
}


@dataclass(frozen=True)
class MonthlyFiguresSummary:
    closed_months: list[date]
    rows: int


def monthly_figures_record(
    *,
    organisation: Organisation,
    day: date,
    months: int = BACKFILL_MONTHS,
    rebuild: bool = False,
) -> MonthlyFiguresSummary:
    """Close the past months still missing (all ``months`` of them with ``rebuild``), then
    record the current month as the customers' balances stand."""
    past = month_range(day, months + 1)[:-1]
    if not rebuild:
        done = set(
            MonthlyFigures.objects.filter(
                organisation=organisation, closed=True, month__in=past
            ).values_list("month", flat=True)
        )
        past = [month for month in past if month not in done]
    rows = closed_positions(organisation, past) if past else []
    current = current_positions(organisation, balances_day(organisation))
    # Balances aged on another day than asked (no refresh yet) still belong to their month.
    current = [row for row in current if row.month == month_start(day)]
    with transaction.atomic():
        written = _replace(organisation, past, rows)
        written += _replace(organisation, [month_start(day)], current)
    return MonthlyFiguresSummary(closed_months=past, rows=written)


def _replace(organisation: Organisation, months: list[date], rows: Iterable[MonthPosition]) -> int:
    if not months:
        return 0
    MonthlyFigures.objects.filter(organisation=organisation, month__in=months).delete()
    now = timezone.now()
    created = MonthlyFigures.objects.bulk_create(
        MonthlyFigures(
            organisation=organisation,
            currency=row.currency,
            month=row.month,
            as_of=row.as_of,
            closed=row.closed,
            outstanding=row.outstanding,
            overdue=row.overdue,
            invoiced=row.invoiced,
            collected=row.collected,
            computed_at=now,
        )
        for row in rows
    )
    return len(created)


def group_monthly_figures_record(*, organisation: Organisation, day: date) -> int:
    """Record every month-end position the analysis page's DSO reads, per group of alike
    customers, as they stand today; returns the rows written. Every month is recomputed:
    a customer who changed segment or collector takes their whole history along."""
    months = month_range(day, GROUP_MONTHS)
    by = list(GROUPED_BY.values())
    rows = closed_positions(organisation, months[:-1], by=by)
    current = current_positions(organisation, balances_day(organisation), by=by)
    rows += [row for row in current if row.month == month_start(day)]
    now = timezone.now()
    with transaction.atomic():
        GroupMonthlyFigures.objects.filter(organisation=organisation).delete()
        created = GroupMonthlyFigures.objects.bulk_create(
            (
                GroupMonthlyFigures(
                    organisation=organisation, currency=row.currency, month=row.month,
                    as_of=row.as_of, closed=row.closed, outstanding=row.outstanding,
                    overdue=row.overdue, invoiced=row.invoiced, collected=row.collected,
                    computed_at=now, **dict(zip(GROUPED_BY, row.group, strict=True)),
                )
                for row in rows
            ),
            batch_size=2000,
        )  # fmt: skip
    return len(created)
