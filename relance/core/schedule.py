"""Instalment schedules: the same day each month, the total split to the cent.

One home for the arithmetic of a payment plan, whoever draws it up: a collector on an
invoice page, or a debtor asking for one from the portal.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_evenly(total: Decimal, count: int) -> list[Decimal]:
    """``count`` parts to the cent adding up to ``total``; the last takes the remainder."""
    part = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [part] * (count - 1) + [total - part * (count - 1)]


def monthly_schedule(total: Decimal, count: int, first: date) -> list[tuple[date, Decimal]]:
    """``count`` monthly instalments from ``first`` that add up to ``total``."""
    days = [add_months(first, n) for n in range(count)]
    return list(zip(days, split_evenly(total, count), strict=True))
