"""Cash-in forecast: when each open item will be paid, and what comes in each week.

Everything here is computed from what was known on ``as_of`` (the caller passes only that):
the delays of past payments (``forecast_delays``), the promises and payment plans then in
force (``forecast_commitments``), the disputes then open, the steps then reached. The earliest
date ever predicted is the day after ``as_of``: what is unpaid at the end of that day is paid
on a later one.

For each open item (an instalment: the ledger tracks what is owed per due date):

1. what a promise or a plan covers is expected on its dates;
2. the rest on the date predicted from the customer's and the organisation's past delays,
   given that the item is still unpaid at its current age (see ``forecast_delays``);
3. an item under an open dispute is expected after the dispute's likely end, and left out of
   the weekly receipts: whether it will be paid at all is what the dispute is about.

``reasons`` say what each prediction rests on, as codes with figures: the interfaces word them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from relance.core.forecast_commitments import (
    MODEL,
    PLAN,
    PROMISE,
    Commitment,
    Covered,
    Receipt,
    cover,
)
from relance.core.forecast_delays import FEW_PAYMENTS, DelayModel

ZERO = Decimal("0.00")
# An item later than every payment ever seen: expected this long after as_of, very roughly.
BEYOND_HISTORY_DAYS = 30
# How long a dispute is assumed to last while too few were closed to tell (and the least
# number of closed ones to tell).
DISPUTE_DEFAULT_DAYS = 30
DISPUTE_MIN_CLOSED = 5
STEPS = ("formal_notice", "legal")  # steps after which customers pay differently


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An instalment still owed at ``as_of``, with what was known about it then."""

    key: Hashable
    invoice: Hashable
    customer: Hashable
    currency: str
    due_date: date
    open_amount: Decimal
    disputed_since: date | None = None  # an open dispute, opened that day
    step: str = ""  # the latest of STEPS reached, if any
    step_on: date | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing a prediction rests on: ``code`` and its figures (see ``ItemForecast``)."""

    code: str
    days: int | None = None
    count: int | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
class ItemForecast:
    """The predicted day an item is fully paid, the range (low, high), what comes in when
    (nothing while disputed), and why.

    Reason codes: ``customer`` (their median delay ``days`` over ``count`` payments),
    ``few_payments`` (only ``count``: pulled toward the organisation's ``days``),
    ``no_history`` (none: the organisation's ``days``), ``overdue`` (already ``days`` late:
    predicted from the payments that came later still), ``beyond_history`` (later than any
    payment seen), ``no_data`` (the organisation has no paid item: the due date),
    ``large_amount`` (``days`` added), ``formal_notice`` / ``legal`` (sent on ``day``),
    ``promise`` (for ``day``), ``plan`` (``count`` dates up to ``day``), ``dispute`` (open
    since ``day``)."""

    item: OpenItem
    predicted: date
    low: date
    high: date
    receipts: tuple[Receipt, ...]
    reasons: tuple[Reason, ...]

    @property
    def disputed(self) -> bool:
        return self.item.disputed_since is not None


def forecast_items(
    items: Iterable[OpenItem],
    *,
    as_of: date,
    model: DelayModel,
    commitments: Sequence[Commitment] = (),
    dispute_days: Sequence[int] = (),
) -> list[ItemForecast]:
    """The forecast of every item (see the module's notes); ``dispute_days`` are the lengths
    of the disputes closed by ``as_of``."""
    items = list(items)
    statistical = _Statistical(as_of=as_of, model=model)
    covered = cover(
        commitments,
        [(i.key, i.invoice, i.due_date, i.open_amount) for i in items if not i.disputed_since],
        earliest=statistical.earliest,
    )
    durations = sorted(dispute_days)
    results = []
    for item in items:
        dates = statistical.dates(item)
        if item.disputed_since is not None:
            results.append(_disputed(item, dates, as_of=as_of, durations=durations))
        elif item.key in covered or item.open_amount <= ZERO:
            results.append(_combine(item, dates, covered.get(item.key)))
        else:  # the model's date alone, by far the most common case
            receipt = Receipt(dates.predicted, item.open_amount, MODEL)
            results.append(ItemForecast(item, dates.predicted, dates.low, dates.high,
                                        (receipt,), dates.reasons))  # fmt: skip
    return results


class _Dates(NamedTuple):
    predicted: date
    low: date
    high: date  # low <= predicted <= high
    reasons: tuple[Reason, ...]


class _Statistical:
    """The dates predicted from past payments, item by item. A forecast reads hundreds of
    thousands of items that share much: one date object per day, and the reasons of each
    customer, each age and each shift, are made once."""

    def __init__(self, *, as_of: date, model: DelayModel):
        self.model = model
        self.earliest = as_of + timedelta(days=1)
        self._as_of = as_of.toordinal()
        self._earliest = self.earliest.toordinal()
        self._days: dict[int, date] = {}
        self._history: dict[Hashable, tuple[Reason, ...]] = {}
        self._figures: dict[tuple[str, int], tuple[Reason, ...]] = {}

    def dates(self, item: OpenItem) -> _Dates:
        due = item.due_date.toordinal()
        age = self._as_of - due
        steps = (Reason(item.step, day=item.step_on),) if item.step in STEPS else ()
        found = self.model.delays(
            item.customer, age=age, amount=item.open_amount, formal_notice=bool(steps)
        )
        if found is None:
            return _unknown(item, age=age, earliest=self.earliest, model=self.model, steps=steps)
        delay, low, high, shift = found
        reasons = self._history.get(item.customer)  # the same for every item of the customer
        if reasons is None:
            reasons = self._history[item.customer] = self._history_reasons(item.customer)
        reasons += steps
        if age > 0:
            reasons += self._figure("overdue", age)
        if shift:
            reasons += self._figure("large_amount", shift)
        return _Dates(self._day(due + delay), self._day(due + low), self._day(due + high),
                      reasons)  # fmt: skip

    def _day(self, ordinal: int) -> date:
        """The day, or the earliest one if it is before."""
        if ordinal < self._earliest:
            ordinal = self._earliest
        day = self._days.get(ordinal)
        if day is None:
            day = self._days[ordinal] = date.fromordinal(ordinal)
        return day

    def _history_reasons(self, customer: Hashable) -> tuple[Reason, ...]:
        count, delay = self.model.history(customer)
        if count >= FEW_PAYMENTS:
            return (Reason("customer", days=delay, count=count),)
        if count:
            return (Reason("few_payments", days=self.model.organisation_delay, count=count),)
        return (Reason("no_history", days=self.model.organisation_delay),)

    def _figure(self, code: str, days: int) -> tuple[Reason, ...]:
        reasons = self._figures.get((code, days))
        if reasons is None:
            reasons = self._figures[code, days] = (Reason(code, days=days),)
        return reasons


def _unknown(
    item: OpenItem, *, age: int, earliest: date, model: DelayModel, steps: tuple[Reason, ...]
) -> _Dates:
    """No payment ever came this late (or none at all): a rough date, a wide range."""
    if model.organisation_delay is None:
        start = max(item.due_date, earliest)
        return _Dates(start, start, start + timedelta(days=BEYOND_HISTORY_DAYS),
                      (Reason("no_data"), *steps))  # fmt: skip
    predicted = earliest + timedelta(days=BEYOND_HISTORY_DAYS)
    high = earliest + timedelta(days=3 * BEYOND_HISTORY_DAYS)
    return _Dates(predicted, earliest, high, (Reason("beyond_history", days=age), *steps))


def _combine(item: OpenItem, statistical: _Dates, covered: Covered | None) -> ItemForecast:
    receipts: list[Receipt] = []
    reasons: list[Reason] = []
    left = item.open_amount
    low: date | None = None
    high: date | None = None
    if covered is not None:
        receipts.extend(covered.receipts)
        left -= covered.amount
        for commitment in covered.commitments:
            reasons.append(_commitment_reason(commitment, covered.receipts))
        low = max(receipt.day for receipt in covered.receipts)
        high = low
    if left > ZERO:
        receipts.append(Receipt(statistical.predicted, left, MODEL))
        reasons.extend(statistical.reasons)
        low = max(low or statistical.low, statistical.low)
        high = max(high or statistical.high, statistical.high)
    assert low is not None and high is not None
    predicted = max(receipt.day for receipt in receipts)
    return ItemForecast(item, predicted, min(low, predicted), max(high, predicted),
                        tuple(receipts), tuple(reasons))  # fmt: skip


def _commitment_reason(commitment: Commitment, receipts: Sequence[Receipt]) -> Reason:
    days = [receipt.day for receipt in receipts if receipt.source == commitment.kind]
    if commitment.kind == PROMISE:
        return Reason(PROMISE, day=commitment.schedule[-1][0])
    return Reason(PLAN, count=len(commitment.schedule), day=max(days))


def _disputed(
    item: OpenItem, statistical: _Dates, *, as_of: date, durations: Sequence[int]
) -> ItemForecast:
    """Expected once the dispute is likely over (the median length of the disputes closed so
    far that lasted longer than this one has), if that is later than the statistical date."""
    assert item.disputed_since is not None
    open_for = (as_of - item.disputed_since).days
    first = bisect_right(durations, open_for)  # durations are sorted
    longer = len(durations) - first
    if len(durations) >= DISPUTE_MIN_CLOSED and longer:
        lasts = durations[first + (longer - 1) // 2]  # the median (low) of the longer ones
    else:
        lasts = max(DISPUTE_DEFAULT_DAYS, open_for + 1)
    ends = item.disputed_since + timedelta(days=lasts)
    push = max((ends - statistical.predicted).days, 0)
    shift = timedelta(days=push)
    reasons = (Reason("dispute", day=item.disputed_since), *statistical.reasons)
    return ItemForecast(item, statistical.predicted + shift, statistical.low + shift,
                        statistical.high + shift, (), reasons)  # fmt: skip
