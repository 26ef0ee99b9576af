"""The inputs of one computation and what a regime decides about them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.core.penalties.accrual import RateChoice
from relance.core.penalties.model import ZERO, Period
from relance.core.penalties.text import rate_text
from relance.core.rates import RateTable, RateTables
from relance.core.text import Text

RateFor = Callable[[date], RateChoice]
ChangeDays = Callable[[date, date], Iterable[date]]


@dataclass(frozen=True, slots=True)
class Case:
    """The checked inputs of one computation."""

    regime: str
    amount: Decimal
    due_date: date
    until: date
    payments: tuple[tuple[date, Decimal], ...]
    tables: RateTables
    contract_rate: Decimal | None = None
    formal_notice: date | None = None
    contract_allows: bool = False
    first_reminder: date | None = None
    first_reminder_kind: str = "email"
    is_working_day: Callable[[date], bool] | None = None


@dataclass(slots=True)
class Plan:
    """What a regime decides; ``start_after=None`` means no interest at all."""

    start_after: date | None
    rate_for: Callable[[date], RateChoice]
    change_days: Callable[[date, date], Iterable[date]]
    indemnity: Callable[[Decimal], Decimal] | None = None
    indemnity_source: str = ""
    indemnity_verified: bool = True
    notes: list[Text] = field(default_factory=list)
    explain: Callable[[list[Period]], list[Text]] | None = None
    frozen_allowed: bool = True


def table_rate(
    table: RateTable, margin: Decimal = ZERO, what: str = ""
) -> tuple[Callable[[date], RateChoice], Callable[[date, date], Iterable[date]]]:
    """Rate = the table's row in force that day (+ ``margin`` points); changes at row starts."""

    def rate_for(day: date) -> RateChoice:
        row = table.row_on(day)
        plus = f" + {margin:f} points" if margin else ""
        label = what or table.name
        return RateChoice(
            row.rate + margin,
            f"{label} {rate_text(row.rate)}{plus} ({table.name}.csv, "
            f"{row.start.isoformat()}) : {row.source}",
            row.verified,
        )

    def change_days(first: date, last: date) -> Iterable[date]:
        return table_changes(table, first, last)

    return rate_for, change_days


def half_year_starts(first: date, last: date) -> Iterable[date]:
    """1 January and 1 July in ``(first, last]``."""
    for year in range(first.year, last.year + 1):
        for month in (1, 7):
            day = date(year, month, 1)
            if first < day <= last:
                yield day


def table_changes(table: RateTable, first: date, last: date) -> Iterable[date]:
    """Where a rate may change: each new row, and each half-year even past the table's end
    (so a day the table does not cover is looked up, and refused, rather than carried over)."""
    return {*table.changes_between(first, last), *half_year_starts(first, last)}


def constant(
    rate: Decimal, source: str, verified: bool = True
) -> tuple[Callable[[date], RateChoice], Callable[[date, date], Iterable[date]]]:
    choice = RateChoice(rate, source, verified)

    def rate_for(_day: date) -> RateChoice:
        return choice

    def change_days(_first: date, _last: date) -> Iterable[date]:
        return ()

    return rate_for, change_days


def fixed(amount: Decimal) -> Callable[[Decimal], Decimal]:
    return lambda _balance: amount
