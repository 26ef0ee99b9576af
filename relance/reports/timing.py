"""When customers pay: by their due date, and after reminders sent on which day and hour.

Definitions (docs/reports.md, "Analyse"):

- **Paid by J+N** (per month of due date): of the amount of the instalments falling due that
  month, the share paid by payments dated at most N days after the due date ("J+0": paid
  on or before the due date). Credit notes are not payments: an instalment cancelled by a
  credit note counts as unpaid, which is what a controller wants to see.
- **Send time**: e-mails and SMS of the period by the day of the week and the hour (in the
  organisation's time zone) they left at, with their collection rate at 7 days as
  ``relance.reports.collection`` defines it. The best day and hour are those with the
  highest rate among those with at least ``MIN_ITEMS`` items reminded.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import Case, CharField, Func, IntegerField, Sum, Value, When

from relance.accounts.models import Organisation
from relance.ledger.models import Instalment
from relance.lib.days import DaysBetween
from relance.reports.analytics_filters import (
    AnalyticsFilters,
    customer_condition,
    reminder_items,
)
from relance.reports.collection import (
    ZERO,
    CollectionRow,
    money,
    paid_groups,
    percent,
    reminded_groups,
)
from relance.reports.monthly import MonthOf, _month

PAID_BY = (0, 5, 15, 30, 60)
SEND_TIME_DAYS = 7
MIN_ITEMS = 5


@dataclass
class PaidByRow:
    """The instalments of one currency falling due in one month, and how soon they were paid."""

    currency: str
    month: date
    due: Decimal = ZERO
    paid: dict[int, Decimal] = field(default_factory=dict)  # J+N -> paid in (J+N-1, J+N]

    def paid_by(self, days: int) -> Decimal:
        return sum((amount for day, amount in self.paid.items() if day <= days), ZERO)

    def share(self, days: int) -> Decimal | None:
        return percent(self.paid_by(days), self.due)

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency, "month": f"{self.month:%Y-%m}", "due": f"{self.due:.2f}",
            **{f"paid_by_{days}": f"{self.paid_by(days):.2f}" for days in PAID_BY},
            **{f"share_{days}": _text(self.share(days)) for days in PAID_BY},
        }  # fmt: skip


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value}"


def _paid_by_bucket(days: Any) -> Case:
    """The first J+N a payment made ``days`` after the due date counts for."""
    return Case(
        *(When(**{f"{days}__lte": limit}, then=Value(limit)) for limit in PAID_BY),
        default=Value(None),
        output_field=IntegerField(),
    )


def paid_by_due_month(organisation: Organisation, filters: AnalyticsFilters) -> list[PaidByRow]:
    """Per currency and month of due date (due dates in the period), the share of the amount
    paid by the due date and by J+5, J+15, J+30 and J+60. The customer filters and the
    currency apply; the reminder filters (step, channel, days late) do not."""
    instalments = Instalment.objects.filter(
        organisation=organisation, due_date__range=(filters.date_from, filters.date_to)
    ).filter(customer_condition(organisation, filters, "customer__"))
    if filters.currency:
        instalments = instalments.filter(invoice__currency=filters.currency)
    instalments = instalments.annotate(month=MonthOf("due_date"))
    rows: dict[tuple[str, date], PaidByRow] = {}

    def row(currency: str, month: str) -> PaidByRow:
        key = (currency, _month(month))
        return rows.setdefault(key, PaidByRow(currency, key[1]))

    for group in (
        instalments.values("invoice__currency", "month").annotate(amount=Sum("amount")).order_by()
    ):
        row(group["invoice__currency"], group["month"]).due += money(group["amount"])
    paid = (
        instalments.filter(allocations__payment__isnull=False)
        .annotate(late=DaysBetween("allocations__date", "due_date"))
        .filter(late__lte=PAID_BY[-1])
        .annotate(by=_paid_by_bucket("late"))
        .values("invoice__currency", "month", "by")
        .annotate(amount=Sum("allocations__amount"))
        .order_by()
    )
    for group in paid:
        target = row(group["invoice__currency"], group["month"])
        target.paid[group["by"]] = target.paid.get(group["by"], ZERO) + money(group["amount"])
    return sorted(rows.values(), key=lambda item: (item.currency, item.month))


@dataclass(frozen=True)
class SendTimes:
    """Collection at 7 days of the messages sent, by weekday (1 Monday .. 7 Sunday) and hour."""

    by_weekday: list[CollectionRow]
    by_hour: list[CollectionRow]

    def best(self, rows: list[CollectionRow]) -> dict[str, CollectionRow]:
        """Per currency, the row with the highest rate at 7 days (enough items only)."""
        best: dict[str, CollectionRow] = {}
        for row in rows:
            rate = row.rate(SEND_TIME_DAYS)
            if row.items < MIN_ITEMS or rate is None:
                continue
            current = best.get(row.currency)
            if current is None or rate > (current.rate(SEND_TIME_DAYS) or ZERO):
                best[row.currency] = row
        return best


class UtcQuarterHour(Func):
    """The quarter of an hour (UTC) a moment falls in, as text ``YYYY-MM-DD HH:MM``.

    Grouped by it, the database calls no function per row (SQLite converts time zones in
    Python, row by row); each quarter's weekday and hour are then read in the organisation's
    zone, exactly, since every zone in use is a whole number of quarters from UTC."""

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "substr(%(expressions)s, 1, 14) || substr('00' || "
            "(CAST(substr(%(expressions)s, 15, 2) AS INTEGER) / 15 * 15), -2, 2)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:') || "
            "lpad((floor(extract(minute from %(expressions)s) / 15) * 15)::int::text, 2, '0')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _local_times(zone: zoneinfo.ZoneInfo) -> Callable[[str], tuple[int, int]]:
    """UTC quarter (``UtcQuarterHour``) -> (ISO weekday, hour) in ``zone``, each worked once."""

    @cache
    def local(quarter: str) -> tuple[int, int]:
        moment = datetime.strptime(quarter, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone(zone)
        return moment.isoweekday(), moment.hour

    return local


def send_times(organisation: Organisation, filters: AnalyticsFilters) -> SendTimes:
    """Messages (e-mail, SMS) that left in the period, by weekday and hour of departure."""
    local = _local_times(zoneinfo.ZoneInfo(organisation.timezone))
    sent_at = "reminder__message__sent_at"
    items = (
        reminder_items(organisation, filters)
        .filter(**{f"{sent_at}__isnull": False})
        .annotate(quarter=UtcQuarterHour(sent_at))
    )
    tables: dict[str, dict[tuple[int, str], CollectionRow]] = {"weekday": {}, "hour": {}}

    def rows_for(group: dict[str, Any]) -> list[CollectionRow]:
        group["weekday"], group["hour"] = local(group["quarter"])
        found = []
        for what, rows in tables.items():
            key = (group[what], group["reminder__currency"])
            if key not in rows:
                rows[key] = CollectionRow(str(group[what]), "", group["reminder__currency"])
            found.append(rows[key])
        return found

    keys = ("quarter", "reminder__currency")
    for group in reminded_groups(items, *keys):
        for row in rows_for(group):
            row.items += group["count"]
            row.reminded += money(group["amount"])
    for group in paid_groups(items, *keys):
        for row in rows_for(group):
            day = group["days"]
            row.paid_by_day[day] = row.paid_by_day.get(day, ZERO) + money(group["amount"])

    def ordered(rows: dict[tuple[int, str], CollectionRow]) -> list[CollectionRow]:
        return [rows[key] for key in sorted(rows, key=lambda key: (key[1], key[0]))]

    return SendTimes(by_weekday=ordered(tables["weekday"]), by_hour=ordered(tables["hour"]))
