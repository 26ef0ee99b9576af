"""The forecast read per invoice and per week.

An invoice is paid when its last open item is: its predicted date, and each end of its range,
are the latest of its items'. The weeks start on Mondays, the first one being the week of the
day after ``as_of`` (the earliest day a payment is expected); each receipt counts in the week
of its date, apart by source (statistical, promises, plans), per currency (never added
across currencies). Disputed items bring no receipt: their amounts are counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.forecast import ItemForecast, Reason
from relance.core.forecast_commitments import MODEL, PLAN, PROMISE

ZERO = Decimal("0.00")
WEEKS = 13


@dataclass(frozen=True, slots=True)
class InvoiceForecast:
    invoice: Hashable
    customer: Hashable
    currency: str
    open_amount: Decimal
    predicted: date
    low: date
    high: date
    reasons: tuple[Reason, ...]  # those of the item paid last
    disputed: bool


def by_invoice(forecasts: Iterable[ItemForecast]) -> list[InvoiceForecast]:
    """One line per invoice, in the order their first item came."""
    grouped: dict[Hashable, list[ItemForecast]] = defaultdict(list)
    for forecast in forecasts:
        grouped[forecast.item.invoice].append(forecast)
    lines = []
    for invoice, parts in grouped.items():
        last = max(parts, key=lambda part: part.predicted)
        lines.append(
            InvoiceForecast(
                invoice=invoice,
                customer=last.item.customer,
                currency=last.item.currency,
                open_amount=sum((part.item.open_amount for part in parts), ZERO),
                predicted=last.predicted,
                low=max(part.low for part in parts),
                high=max(part.high for part in parts),
                reasons=last.reasons,
                disputed=any(part.disputed for part in parts),
            )
        )
    return lines


@dataclass
class Week:
    start: date
    model: Decimal = ZERO
    promises: Decimal = ZERO
    plans: Decimal = ZERO

    @property
    def expected(self) -> Decimal:
        return self.model + self.promises + self.plans

    def add(self, source: str, amount: Decimal) -> None:
        if source == PROMISE:
            self.promises += amount
        elif source == PLAN:
            self.plans += amount
        else:
            assert source == MODEL
            self.model += amount


@dataclass
class CurrencyWeeks:
    """One currency's expected receipts: ``weeks``, then ``later`` (after the last week) and
    ``disputed`` (left out, under dispute)."""

    currency: str
    weeks: list[Week]
    later: Decimal = ZERO
    disputed: Decimal = ZERO
    items: int = 0


def first_week(as_of: date) -> date:
    """The Monday of the week holding the day after ``as_of``."""
    day = as_of + timedelta(days=1)
    return day - timedelta(days=day.weekday())


def weekly(
    forecasts: Iterable[ItemForecast], *, as_of: date, weeks: int = WEEKS
) -> dict[str, CurrencyWeeks]:
    """The expected receipts per currency and week (see the module's notes)."""
    start = first_week(as_of)
    end = start + timedelta(weeks=weeks)
    totals: dict[str, CurrencyWeeks] = {}
    for forecast in forecasts:
        currency = forecast.item.currency
        if currency not in totals:
            totals[currency] = CurrencyWeeks(
                currency, [Week(start + timedelta(weeks=n)) for n in range(weeks)]
            )
        line = totals[currency]
        line.items += 1
        if forecast.disputed:
            line.disputed += forecast.item.open_amount
        for receipt in forecast.receipts:
            if receipt.day >= end:
                line.later += receipt.amount
            else:
                line.weeks[(receipt.day - start).days // 7].add(receipt.source, receipt.amount)
    return dict(sorted(totals.items()))
