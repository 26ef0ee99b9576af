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

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import median_low

from relance.core.forecast_commitments import (
    MODEL,
    PLAN,
    PROMISE,
    Commitment,
    Covered,
    Receipt,
    cover,
)
from relance.core.forecast_delays import FEW_PAYMENTS, DelayEstimate, DelayModel

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
    earliest = as_of + timedelta(days=1)
    items = list(items)
    covered = cover(
        commitments,
        [(i.key, i.invoice, i.due_date, i.open_amount) for i in items if not i.disputed_since],
        earliest=earliest,
    )
    durations = sorted(dispute_days)
    results = []
    for item in items:
        statistical = _statistical(item, as_of=as_of, earliest=earliest, model=model)
        if item.disputed_since is not None:
            results.append(_disputed(item, statistical, as_of=as_of, durations=durations))
            continue
        results.append(_combine(item, statistical, covered.get(item.key)))
    return results


@dataclass(frozen=True, slots=True)
class _Dates:
    predicted: date
    low: date
    high: date
    reasons: tuple[Reason, ...]


def _statistical(item: OpenItem, *, as_of: date, earliest: date, model: DelayModel) -> _Dates:
    age = (as_of - item.due_date).days
    steps = (Reason(item.step, day=item.step_on),) if item.step in STEPS else ()
    estimate = model.estimate(
        item.customer, age=age, amount=item.open_amount, formal_notice=bool(steps)
    )
    if estimate is None:
        return _unknown(item, age=age, earliest=earliest, model=model, steps=steps)

    def day(delay: int) -> date:
        return max(item.due_date + timedelta(days=delay), earliest)

    reasons = _history_reasons(estimate) + steps
    if age > 0:
        reasons += (Reason("overdue", days=age),)
    if estimate.large_shift:
        reasons += (Reason("large_amount", days=estimate.large_shift),)
    return _Dates(day(estimate.delay), day(estimate.low), day(estimate.high), reasons)


def _history_reasons(estimate: DelayEstimate) -> tuple[Reason, ...]:
    count = estimate.customer_payments
    if count >= FEW_PAYMENTS:
        return (Reason("customer", days=estimate.customer_delay, count=count),)
    if count:
        return (Reason("few_payments", days=estimate.organisation_delay, count=count),)
    return (Reason("no_history", days=estimate.organisation_delay),)


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
    longer = [days for days in durations if days > open_for]
    if len(durations) >= DISPUTE_MIN_CLOSED and longer:
        lasts = median_low(longer)
    else:
        lasts = max(DISPUTE_DEFAULT_DAYS, open_for + 1)
    ends = item.disputed_since + timedelta(days=lasts)
    push = max((ends - statistical.predicted).days, 0)
    shift = timedelta(days=push)
    reasons = (Reason("dispute", day=item.disputed_since), *statistical.reasons)
    return ItemForecast(item, statistical.predicted + shift, statistical.low + shift,
                        statistical.high + shift, (), reasons)  # fmt: skip
