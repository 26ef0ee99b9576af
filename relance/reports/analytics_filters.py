"""The period and filters of the collection analytics, and the rows they select.

One ``AnalyticsFilters`` is read from the page's query string or the command's options
(``from_mapping``), so that both show the same figures. Every selector of the analytics
starts from ``reminder_items`` (the items of the reminders done in the period) or from
``customers`` (for figures that do not depend on a reminder) and groups the rows in the
database; nothing is read row by row.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from relance.accounts.models import Organisation, User
from relance.dunning.models import ReminderItem, ReminderStatus, Scenario
from relance.dunning.scenarios import DEFAULT_SCENARIO
from relance.dunning.segments import segment_scenarios
from relance.ledger.models import Customer
from relance.lib.days import DaysBetween

# Days past due of an item on the day it was reminded, in buckets (the aged balance's, and
# the reminders sent before the due date).
OVERDUE_BUCKETS: dict[str, tuple[int | None, int | None]] = {
    "not_due": (None, 0),
    "days_1_30": (1, 30),
    "days_31_60": (31, 60),
    "days_61_90": (61, 90),
    "days_over_90": (91, None),
}
DEFAULT_PERIOD_DAYS = 90
NOT_FILTERS = ("date_from", "date_to", "resolver")  # fields no query string names


class FilterError(ValueError):
    """A filter that cannot be read (a date, a bucket, an unknown collector)."""


@dataclass(frozen=True)
class AnalyticsFilters:
    """Reminders done from ``date_from`` to ``date_to`` (both included), and the customers,
    items and reminders kept. An empty value keeps everything."""

    date_from: date
    date_to: date
    segment: str = ""
    scenario: str = ""  # scenario key
    step: str = ""
    channel: str = ""
    collector: str = ""  # the collector's uuid
    kind: str = ""  # customer kind: B2B, B2C, PUBLIC
    country: str = ""
    currency: str = ""
    overdue: str = ""  # a key of OVERDUE_BUCKETS
    # The scenario rules, read once for all the selectors of a page (``resolved``).
    resolver: ScenarioResolver | None = field(default=None, compare=False, repr=False)

    @classmethod
    def default(cls, today: date) -> AnalyticsFilters:
        return cls(date_from=today - timedelta(days=DEFAULT_PERIOD_DAYS), date_to=today)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], today: date) -> AnalyticsFilters:
        """Read from a query string or command options (``from``, ``to`` and the fields)."""
        base = cls.default(today)
        date_from = _day(values.get("from"), base.date_from)
        date_to = _day(values.get("to"), base.date_to)
        if date_from > date_to:
            raise FilterError("from > to")
        texts: dict[str, Any] = {
            item.name: str(values.get(item.name) or "").strip()
            for item in fields(cls)
            if item.name not in NOT_FILTERS
        }
        if texts["overdue"] and texts["overdue"] not in OVERDUE_BUCKETS:
            raise FilterError(f"overdue: {texts['overdue']}")
        texts["currency"] = texts["currency"].upper()
        texts["country"] = texts["country"].upper()
        texts["kind"] = texts["kind"].upper()
        return replace(base, date_from=date_from, date_to=date_to, **texts)

    def as_query(self) -> dict[str, str]:
        """The filters as the page's query string names them (empty ones left out)."""
        query = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name not in NOT_FILTERS and value:
                query[item.name] = value
        return query

    def resolved(self, organisation: Organisation) -> AnalyticsFilters:
        """The same filters carrying the organisation's scenario rules, so that the
        selectors of one page or command do not each read them again."""
        return self if self.resolver else replace(self, resolver=ScenarioResolver.of(organisation))

    def scenarios(self, organisation: Organisation) -> ScenarioResolver:
        return self.resolver or ScenarioResolver.of(organisation)


def _day(value: object, default: date) -> date:
    if not value:
        return default
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise FilterError(f"date: {value}") from exc


@dataclass(frozen=True)
class ScenarioResolver:
    """Which scenario chases a customer, as the daily run decides it: the customer's own
    scenario, else the one chosen for their segment, else the one named like the segment,
    else the default. Read once (two small queries) for a whole report."""

    by_segment: dict[str, str]  # segment key -> scenario key, where chosen
    keys: frozenset[str]

    @classmethod
    def of(cls, organisation: Organisation) -> ScenarioResolver:
        keys = dict(Scenario.objects.filter(organisation=organisation).values_list("pk", "key"))
        chosen = segment_scenarios(organisation).items()
        return cls(
            by_segment={segment: keys[pk] for segment, pk in chosen if pk in keys},
            keys=frozenset(keys.values()),
        )

    def scenario(self, own: str | None, segment: str | None) -> str:
        if own:
            return own
        if segment and segment in self.by_segment:
            return self.by_segment[segment]
        if segment and segment in self.keys:
            return segment
        return DEFAULT_SCENARIO

    def condition(self, key: str, own: str, segment: str) -> Q:
        """Customers chased with the scenario ``key``, on a query whose ``own`` field is the
        customer's own scenario and ``segment`` field their segment."""
        by_segment = [name for name, scenario in self.by_segment.items() if scenario == key]
        unchosen = Q(**{f"{own}__isnull": True}) & ~Q(**{f"{segment}__in": list(self.by_segment)})
        condition = Q(**{f"{own}__key": key}) | (
            Q(**{f"{own}__isnull": True}) & Q(**{f"{segment}__in": by_segment})
        )
        if key in self.keys:
            condition |= unchosen & Q(**{segment: key})
        if key == DEFAULT_SCENARIO:
            condition |= unchosen & (
                ~Q(**{f"{segment}__in": list(self.keys)}) | Q(**{f"{segment}__isnull": True})
            )
        return condition


def customer_condition(organisation: Organisation, filters: AnalyticsFilters, prefix: str) -> Q:
    """The customer filters, on a query that reaches the customer by ``prefix``."""
    condition = Q()
    if filters.segment:
        condition &= Q(**{f"{prefix}dunning__segment": filters.segment})
    if filters.scenario:
        condition &= filters.scenarios(organisation).condition(
            filters.scenario, own=f"{prefix}dunning__scenario", segment=f"{prefix}dunning__segment"
        )
    if filters.collector:
        collector = User.objects.filter(uuid=_uuid(filters.collector)).values("pk")
        condition &= Q(**{f"{prefix}collector__in": collector})
    if filters.kind:
        condition &= Q(**{f"{prefix}kind": filters.kind})
    if filters.country:
        condition &= Q(**{f"{prefix}country": filters.country})
    return condition


def group_condition(organisation: Organisation, filters: AnalyticsFilters) -> Q:
    """The customer filters, on the groups of alike customers of ``GroupMonthlyFigures``
    (fields named as the groups' values: segment, scenario, collector, kind, country)."""
    condition = Q()
    if filters.segment:
        condition &= Q(segment=filters.segment)
    if filters.scenario:
        resolver = filters.scenarios(organisation)
        condition &= resolver.condition(filters.scenario, own="scenario", segment="segment")
    if filters.collector:
        condition &= Q(collector__uuid=_uuid(filters.collector))
    if filters.kind:
        condition &= Q(kind=filters.kind)
    if filters.country:
        condition &= Q(country=filters.country)
    return condition


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise FilterError(f"collector: {value}") from exc


def customers(organisation: Organisation, filters: AnalyticsFilters) -> QuerySet[Customer]:
    """The organisation's customers the customer filters keep."""
    return Customer.objects.filter(organisation=organisation).filter(
        customer_condition(organisation, filters, "")
    )


def reminder_items(organisation: Organisation, filters: AnalyticsFilters) -> QuerySet[ReminderItem]:
    """The items of the reminders done (sent, posted, called, handed over) in the period, as
    the filters keep them; with the days-late filter, ``days_late`` is how many days past due
    the item was that day."""
    items = ReminderItem.objects.filter(
        reminder__organisation=organisation,
        reminder__run_date__range=(filters.date_from, filters.date_to),
        reminder__status=ReminderStatus.SENT,
    )
    if filters.step:
        items = items.filter(step=filters.step)
    if filters.channel:
        items = items.filter(reminder__channel=filters.channel)
    if filters.currency:
        items = items.filter(reminder__currency=filters.currency)
    if filters.overdue:
        # Only then: the alias joins every item's instalment, even where nothing reads it.
        items = items.alias(days_late=DaysBetween("reminder__run_date", "instalment__due_date"))
        low, high = OVERDUE_BUCKETS[filters.overdue]
        if low is not None:
            items = items.filter(days_late__gte=low)
        if high is not None:
            items = items.filter(days_late__lte=high)
    condition = customer_condition(organisation, filters, "reminder__customer__")
    return items.filter(condition) if condition else items
