"""Collection rates: how much of what was reminded came in soon after each reminder.

Definitions (docs/reports.md, "Analyse"):

- **Amount reminded**: for each item (instalment) of a reminder done in the period, what it
  still owed when the reminder was written (``ReminderItem.outstanding``). An item reminded
  twice in the period counts twice, once with each reminder.
- **Collected within N days**: the payments allocated to those items dated from the
  reminder's day to N days after it, both included (credit notes are not collections).
- **Collection rate at N days**: collected within N days ÷ amount reminded.
- **Median days to payment**: half of the amount collected within 30 days came in by then
  (a median of the delays weighted by the amounts).

Every table comes from two GROUP BY queries (amounts reminded; payments by day after the
reminder, as kept per item by ``relance.dunning.reminder_facts``), grouped by step, channel,
scenario, collector and currency together and summed up in Python per table: four tables
for the price of two queries. Amounts stay per currency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from relance.accounts.models import Organisation, User
from relance.dunning.labels import labels_of
from relance.dunning.models import ReminderItem
from relance.dunning.reminder_facts import PAID_WITHIN_DAYS
from relance.reports.analytics_filters import (
    AnalyticsFilters,
    ScenarioResolver,
    reminder_items,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HORIZON = PAID_WITHIN_DAYS  # as far as the payments per item and day are kept
WINDOWS = (7, 15, HORIZON)
DIMENSIONS = ("step", "scenario", "channel", "collector")


def money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal, None when there is no whole."""
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else None


def weighted_median(by_day: dict[int, Decimal]) -> int | None:
    """The first day by which half of the amounts had come in."""
    total = sum(by_day.values(), ZERO)
    if total <= 0:
        return None
    running = ZERO
    for day in sorted(by_day):
        running += by_day[day]
        if running * 2 >= total:
            return day
    return None  # pragma: no cover - the loop always reaches the total


@dataclass
class CollectionRow:
    """One line of a collection table: a step, scenario, channel or collector in a currency."""

    key: str
    label: str
    currency: str
    items: int = 0
    reminded: Decimal = ZERO
    paid_by_day: dict[int, Decimal] = field(default_factory=dict)  # days after -> amount

    def collected(self, days: int) -> Decimal:
        return sum((amount for day, amount in self.paid_by_day.items() if day <= days), ZERO)

    def rate(self, days: int) -> Decimal | None:
        return percent(self.collected(days), self.reminded)

    @property
    def median_days(self) -> int | None:
        return weighted_median(self.paid_by_day)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "currency": self.currency,
            "items": self.items, "reminded": f"{self.reminded:.2f}",
            **{f"collected_{days}": f"{self.collected(days):.2f}" for days in WINDOWS},
            **{f"rate_{days}": _text(self.rate(days)) for days in WINDOWS},
            "median_days": self.median_days,
        }  # fmt: skip


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value}"


GROUP = (
    "step",
    "reminder__channel",
    "reminder__customer__dunning__scenario__key",
    "reminder__customer__dunning__segment",
    "reminder__customer__collector",
    "reminder__currency",
)


def reminded_groups(items: QuerySet[ReminderItem], *keys: str) -> Iterable[dict[str, Any]]:
    """Amounts reminded and items, grouped by ``keys``."""
    groups: Iterable[dict[str, Any]] = (
        items.values(*keys).annotate(amount=Sum("outstanding"), count=Count("pk")).order_by()
    )
    return groups


def paid_groups(items: QuerySet[ReminderItem], *keys: str) -> Iterable[dict[str, Any]]:
    """Payments allocated to the items from the reminder's day to ``HORIZON`` days after,
    grouped by ``keys`` and by days after the reminder (``days``): read from the payments
    kept per item and day (``relance.dunning.reminder_facts``), not from the allocations."""
    return (
        items.filter(payments__days__lte=HORIZON)
        .annotate(days=F("payments__days"))
        .values(*keys, "days")
        .annotate(amount=Sum("payments__amount"))
        .order_by()
    )


@dataclass(frozen=True)
class CollectionTables:
    """The four collection tables of a period: by step, scenario, channel and collector."""

    by_step: list[CollectionRow]
    by_scenario: list[CollectionRow]
    by_channel: list[CollectionRow]
    by_collector: list[CollectionRow]

    def table(self, dimension: str) -> list[CollectionRow]:
        rows: list[CollectionRow] = getattr(self, f"by_{dimension}")
        return rows


def collection_rates(organisation: Organisation, filters: AnalyticsFilters) -> CollectionTables:
    """Collection rates at 7, 15 and 30 days per step, scenario, channel and collector."""
    items = reminder_items(organisation, filters)
    key_of = _keys(organisation, filters.scenarios(organisation))
    tables: dict[str, dict[tuple[str, str], CollectionRow]] = {d: {} for d in DIMENSIONS}

    def rows_for(group: dict[str, Any]) -> Iterable[CollectionRow]:
        currency = group["reminder__currency"]
        for dimension in DIMENSIONS:
            key, label = key_of[dimension](group)
            row = tables[dimension].get((key, currency))
            if row is None:
                row = tables[dimension][key, currency] = CollectionRow(key, label, currency)
            yield row

    for group in reminded_groups(items, *GROUP):
        for row in rows_for(group):
            row.items += group["count"]
            row.reminded += money(group["amount"])
    for group in paid_groups(items, *GROUP):
        for row in rows_for(group):
            day = group["days"]
            row.paid_by_day[day] = row.paid_by_day.get(day, ZERO) + money(group["amount"])
    return CollectionTables(**{f"by_{d}": _sorted(tables[d].values()) for d in DIMENSIONS})


def _sorted(rows: Iterable[CollectionRow]) -> list[CollectionRow]:
    return sorted(rows, key=lambda row: (row.currency, -row.reminded, row.label))


Keyer = Callable[[dict[str, Any]], tuple[str, str]]


def _keys(organisation: Organisation, resolver: ScenarioResolver) -> dict[str, Keyer]:
    """How each table names a group: its key (as the filters take it) and its label."""
    labels = labels_of(organisation)
    collectors = _collectors(organisation)

    def scenario(group: dict[str, Any]) -> tuple[str, str]:
        key = resolver.scenario(
            group["reminder__customer__dunning__scenario__key"],
            group["reminder__customer__dunning__segment"],
        )
        return key, labels.scenario(key)

    def collector(group: dict[str, Any]) -> tuple[str, str]:
        return collectors.get(group["reminder__customer__collector"], ("", ""))

    return {
        "step": lambda group: (group["step"], labels.step(group["step"])),
        "channel": lambda group: (
            group["reminder__channel"],
            labels.channel(group["reminder__channel"]),
        ),
        "scenario": scenario,
        "collector": collector,
    }


def _collectors(organisation: Organisation) -> dict[int | None, tuple[str, str]]:
    """Collector id -> (uuid, name) for the organisation's members."""
    users = User.objects.filter(memberships__organisation=organisation).distinct()
    return {
        pk: (str(uuid), " ".join(part for part in (first, last) if part) or email)
        for pk, uuid, first, last, email in users.values_list(
            "pk", "uuid", "first_name", "last_name", "email"
        )
    }


def collectors_of(organisation: Organisation) -> list[tuple[str, str]]:
    """(uuid, name) of the organisation's members, by name: the collector filter's choices."""
    return sorted(set(_collectors(organisation).values()), key=lambda item: item[1].lower())
