"""Days sales outstanding (DSO, délai moyen de paiement clients) by the count-back method.

The count-back (méthode par épuisement du chiffre d'affaires) is what French credit managers
use: the receivables at a date are "used up" by the sales (including VAT, like the
receivables) of the current month, then of the month before, and so on; the DSO is the number
of days of sales they stand for. Unlike the ratio ``receivables / sales of the last 90 days ×
90``, it follows the recent months' sales, so a seasonal peak of invoicing does not read as
customers paying later. See docs/reports.md for a worked example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class SalesPeriod:
    """Sales of one period (a month, or the month so far) and how many days it spans."""

    days: int
    sales: Decimal


@dataclass(frozen=True, slots=True)
class Dso:
    """``days`` to one decimal; ``complete`` is False when the receivables exceed every period
    given: ``days`` is then a lower bound (more than all the history at hand)."""

    days: Decimal
    complete: bool


def dso_count_back(receivables: Decimal, periods: Iterable[SalesPeriod]) -> Dso:
    """The DSO of ``receivables`` against ``periods``, the most recent period first.

    A period without sales is passed over whole (its days count, it consumes nothing).
    """
    remaining = receivables
    days = ZERO
    if remaining <= ZERO:
        return Dso(days=ZERO.quantize(TENTH), complete=True)
    for period in periods:
        if period.days <= 0:
            continue
        if period.sales > ZERO and remaining <= period.sales:
            days += Decimal(period.days) * remaining / period.sales
            return Dso(days=days.quantize(TENTH, rounding=ROUND_HALF_UP), complete=True)
        remaining -= max(period.sales, ZERO)
        days += period.days
    return Dso(days=days.quantize(TENTH, rounding=ROUND_HALF_UP), complete=False)
