"""Cohorts: items grouped by the month they were first reminded (or fell due), and how much
of them came in how long after.

Definitions (docs/reports.md, "Analyse"):

- **By first reminder** (``basis="reminder"``): the instalments whose first reminder done
  ever falls in the period, grouped by its month. The base is what they still owed that
  day (``ReminderItem.outstanding``); a cell is the share of the base paid 0–7, 8–15,
  16–30, 31–60, 61–90 or more than 90 days after the first reminder (payments only).
- **By due date** (``basis="due"``): the instalments falling due in the period, grouped by
  the month of their due date; the base is their amount, and a first column counts what
  was paid before the due date.

The customer filters and the currency apply; the reminder filters (step, channel, days
late) do not, since a cohort follows items, not reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, QuerySet, Sum, Value, When

from relance.accounts.models import Organisation
from relance.dunning.models import InstalmentDunning, ReminderItem
from relance.ledger.models import Instalment
from relance.lib.days import DaysBetween
from relance.reports.analytics_filters import AnalyticsFilters, customer_condition
from relance.reports.collection import ZERO, money, percent
from relance.reports.monthly import MonthOf, _month

# (key, first day, last day) after the start of the cohort; None: no bound.
CELLS: tuple[tuple[str, int | None, int | None], ...] = (
    ("before", None, -1),
    ("0_7", 0, 7),
    ("8_15", 8, 15),
    ("16_30", 16, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)
BASES = ("reminder", "due")


@dataclass
class Cohort:
    currency: str
    month: date
    base: Decimal = ZERO
    items: int = 0
    paid: dict[str, Decimal] = field(default_factory=dict)  # cell key -> amount

    def share(self, cell: str) -> Decimal | None:
        return percent(self.paid.get(cell, ZERO), self.base)

    @property
    def collected(self) -> Decimal:
        return sum(self.paid.values(), ZERO)

    def as_dict(self, cells: tuple[str, ...]) -> dict[str, Any]:
        return {
            "currency": self.currency, "month": f"{self.month:%Y-%m}", "items": self.items,
            "base": f"{self.base:.2f}", "collected": f"{self.collected:.2f}",
            "cells": {cell: {"amount": f"{self.paid.get(cell, ZERO):.2f}",
                             "share": _text(self.share(cell))} for cell in cells},
        }  # fmt: skip


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value}"


def cells_of(basis: str) -> tuple[str, ...]:
    """The columns of a heat map: nothing is paid "before" a first reminder that counts."""
    return tuple(key for key, _low, _high in CELLS if basis == "due" or key != "before")


def _cell(days: str) -> Case:
    whens = []
    for key, low, high in CELLS:
        condition = {}
        if low is not None:
            condition[f"{days}__gte"] = low
        if high is not None:
            condition[f"{days}__lte"] = high
        whens.append(When(**condition, then=Value(key)))
    return Case(*whens, default=Value(""))


@dataclass(frozen=True)
class _Paths:
    """Where a cohort query finds what it needs, from the rows it starts from."""

    start: str  # the cohort's first day
    base: str  # what it is measured against
    instalment: str  # prefix of the instalment ("" when the rows are instalments)


BY_REMINDER = _Paths(start="reminder__run_date", base="outstanding", instalment="instalment__")
BY_DUE_DATE = _Paths(start="due_date", base="amount", instalment="")


def _first_reminders(organisation: Organisation, filters: AnalyticsFilters) -> QuerySet[Any]:
    """The item of each instalment's first reminder done, when that day is in the period: read
    off the instalments' dunning state (``relance.dunning.reminder_facts``), by day."""
    return ReminderItem.objects.filter(
        pk__in=InstalmentDunning.objects.filter(
            first_reminded_on__range=(filters.date_from, filters.date_to),
            instalment__organisation=organisation,
        ).values("first_reminder_item")
    )


def cohorts(organisation: Organisation, filters: AnalyticsFilters, basis: str) -> list[Cohort]:
    """The cohorts of the period by month of first reminder or of due date, per currency."""
    items: QuerySet[Any]
    if basis == "reminder":
        items, paths = _first_reminders(organisation, filters), BY_REMINDER
    else:
        items = Instalment.objects.filter(
            organisation=organisation, due_date__range=(filters.date_from, filters.date_to)
        )
        paths = BY_DUE_DATE
    item = paths.instalment
    currency = f"{item}invoice__currency"
    items = items.filter(customer_condition(organisation, filters, f"{item}customer__"))
    if filters.currency:
        items = items.filter(**{currency: filters.currency})
    items = items.annotate(month=MonthOf(paths.start))
    found: dict[tuple[str, date], Cohort] = {}

    def cohort(group: dict[str, Any]) -> Cohort:
        key = (group[currency], _month(group["month"]))
        return found.setdefault(key, Cohort(*key))

    bases = items.values(currency, "month").annotate(total=Sum(paths.base), count=Count("pk"))
    for group in bases.order_by():
        row = cohort(group)
        row.base += money(group["total"])
        row.items += group["count"]
    paid = (
        items.filter(**{f"{item}allocations__payment__isnull": False})
        .annotate(after=DaysBetween(f"{item}allocations__date", paths.start))
        .annotate(cell=_cell("after"))
        .values(currency, "month", "cell")
        .annotate(amount=Sum(f"{item}allocations__amount"))
        .order_by()
    )
    cells = cells_of(basis)
    for group in paid:
        if group["cell"] in cells:
            row = cohort(group)
            row.paid[group["cell"]] = row.paid.get(group["cell"], ZERO) + money(group["amount"])
    return sorted(found.values(), key=lambda row: (row.currency, row.month))
