"""Simple interest on an unpaid balance, period by period.

Interest runs from the day after ``start_after`` to ``until``, both counted, so a debt due on
31/01 and paid on 02/03 bears 30 days (docs/legal-rules.md §1.4:
``days = payment_date - due_date``).
A part-payment lowers the base from the day after it is received; a payment that clears the
balance ends the interest on its date. Each period's interest is rounded half-up to the cent and
the interest total is the sum of those rounded amounts, so the lines of a letter always add up
(the split example of §1.4 shows 54.04 + 49.93 = 103.97).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.penalties.model import ZERO, Period, round_cents

ACTUAL_365 = "actual/365"
ACTUAL_ACTUAL = "actual/actual"  # 366 for days in a leap year: a setting, not the default
DAY_COUNTS = (ACTUAL_365, ACTUAL_ACTUAL)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RateChoice:
    rate: Decimal  # percent a year
    source: str
    verified: bool = True


RateFor = Callable[[date], RateChoice]
ChangeDays = Callable[[date, date], Iterable[date]]


def simple_interest(base: Decimal, annual_rate: Decimal, days: int, year_days: int) -> Decimal:
    """``base x rate % x days / year_days``, not rounded."""
    return base * annual_rate * days / (Decimal(100) * year_days)


def balance_on(amount: Decimal, payments: Sequence[tuple[date, Decimal]], day: date) -> Decimal:
    """What is still unpaid on ``day``: payments count from the day after they are received."""
    paid = sum((part for when, part in payments if when < day), ZERO)
    return max(amount - paid, ZERO)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _year_days(day: date, day_count: str) -> int:
    return 366 if day_count == ACTUAL_ACTUAL and _is_leap(day.year) else 365


def accrue(
    *,
    amount: Decimal,
    payments: Sequence[tuple[date, Decimal]],
    start_after: date,
    until: date,
    rate_for: RateFor,
    change_days: ChangeDays,
    day_count: str = ACTUAL_365,
) -> list[Period]:
    """The interest periods from ``start_after + 1`` to ``until``.

    ``change_days(first, last)`` gives the days in ``(first, last]`` on which ``rate_for`` may
    return a new rate (half-year starts for a split regime, nothing for a frozen one).
    """
    first = start_after + ONE_DAY
    if until < first:
        return []
    cuts = {first, until + ONE_DAY}
    cuts.update(when + ONE_DAY for when, _ in payments if first < when + ONE_DAY <= until)
    cuts.update(day for day in change_days(first, until) if first < day <= until)
    if day_count == ACTUAL_ACTUAL:
        cuts.update(date(year, 1, 1) for year in range(first.year + 1, until.year + 1))
    periods: list[Period] = []
    ordered = sorted(cuts)
    for start, next_start in itertools.pairwise(ordered):
        base = balance_on(amount, payments, start)
        if base <= ZERO:
            break  # paid in full: nothing can be owed afterwards
        end = next_start - ONE_DAY
        days = (end - start).days + 1
        choice = rate_for(start)
        year_days = _year_days(start, day_count)
        periods.append(
            Period(
                start=start,
                end=end,
                days=days,
                annual_rate=choice.rate,
                base_amount=base,
                interest=round_cents(simple_interest(base, choice.rate, days, year_days)),
                year_days=year_days,
                source=choice.source,
                verified=choice.verified,
            )
        )
    return periods


def exact_total(periods: Iterable[Period]) -> Decimal:
    """The interest of ``periods`` with no rounding at all."""
    return sum(
        (simple_interest(p.base_amount, p.annual_rate, p.days, p.year_days) for p in periods),
        Decimal(0),
    )
