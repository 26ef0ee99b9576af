"""How many days after its due date an open item will be paid, from the payments seen so far.

The delay of a paid item is the number of days from its due date to the day it was fully paid
(negative when paid early). For an item still open, the prediction is drawn from a mixture of
two sets of past delays:

- the customer's own, each counting once;
- the organisation's (all customers), counting together as ``PRIOR_WEIGHT`` payments.

A customer with many payments is predicted from their own habits; one with two payments is
pulled toward the organisation's usual delay; one with none gets the organisation's. The
mixture is read *conditionally on the item still being unpaid*: only delays longer than the
item's current age (days since its due date, negative before it) count, since an item open at
``as_of`` will not be paid before. An invoice 45 days late is thus predicted from the payments
that came more than 45 days late, never from the punctual ones.

The predicted delay is the median of that conditional mixture (the figure that minimises the
mean absolute error in days), the range its 10th and 90th percentiles: eight times out of ten
the payment should fall within it. Only integer days and sorted lists are involved, so the
result is exact, deterministic and cheap.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import ceil, inf

# How many payments the organisation's habits count for, beside the customer's own.
PRIOR_WEIGHT = 3.0
# Fewer payments than this and the explanation says the customer's history is thin.
FEW_PAYMENTS = 4
# An item this many times the customer's median amount is "large" for them.
LARGE_FACTOR = Decimal(2)
# Past large items needed before their extra delay is trusted.
LARGE_MIN_SAMPLES = 30
# Past items that reached a formal notice needed before their delays replace the organisation's.
STEP_MIN_SAMPLES = 20
LOW_QUANTILE = 0.1
HIGH_QUANTILE = 0.9
QUANTILES = (0.5, LOW_QUANTILE, HIGH_QUANTILE)  # the prediction and its range


@dataclass(frozen=True, slots=True)
class PaidDelay:
    """One past item fully paid: whose, how many days after its due date, how much."""

    customer: Hashable
    delay: int
    amount: Decimal
    formal_notice: bool = False  # a formal notice (or a legal hand-off) was sent before


class PaidHistory:
    """Past payments gathered per customer as the model reads them: delays in days, amounts
    in cents. Plain integers, because a ledger brings a million of them."""

    __slots__ = ("cents", "delays", "noticed")

    def __init__(self) -> None:
        self.delays: dict[Hashable, list[int]] = {}
        self.cents: dict[Hashable, list[int]] = {}  # in the order of ``delays``
        self.noticed: list[int] = []  # the delays of the items that reached a formal notice

    def add(self, customer: Hashable, delay: int, cents: int, *, formal_notice: bool) -> None:
        delays = self.delays.get(customer)
        if delays is None:
            self.delays[customer] = [delay]
            self.cents[customer] = [cents]
        else:
            delays.append(delay)
            self.cents[customer].append(cents)
        if formal_notice:
            self.noticed.append(delay)

    @classmethod
    def of(cls, payments: Iterable[PaidDelay]) -> PaidHistory:
        history = cls()
        for paid in payments:
            cents = int((paid.amount * 100).to_integral_value())
            history.add(paid.customer, paid.delay, cents, formal_notice=paid.formal_notice)
        return history


@dataclass(frozen=True, slots=True)
class DelayEstimate:
    """Predicted days after the due date (median and range), and what it rests on."""

    delay: int
    low: int
    high: int
    customer_payments: int  # the customer's past payments
    customer_delay: int | None  # their median delay, all payments
    organisation_delay: int | None  # the organisation's median delay
    large_shift: int  # days added because the amount is large for the customer
    step_history: bool  # predicted from items that reached a formal notice


def _median_low(ordered: Sequence[int]) -> int:
    """``statistics.median_low`` of a list already sorted."""
    return ordered[(len(ordered) - 1) // 2]


class _Prior:
    """The organisation's delays as counts of delays up to each day: read in constant time
    however many payments there are."""

    def __init__(self, delays: Iterable[int], weight: float):
        ordered = sorted(delays)
        self.size = len(ordered)
        self.weight = weight / self.size if ordered else 0.0  # of each delay
        self.lowest = ordered[0] if ordered else 0
        self.highest = ordered[-1] if ordered else 0
        # at_most[d] = how many delays <= lowest + d
        self.at_most = [bisect_right(ordered, day) for day in range(self.lowest, self.highest)]
        self.at_most.append(self.size)
        self.delays = ordered
        # Quantiles for an item whose customer paid nothing that late, by age: they depend on
        # the age only, and many items share one.
        self.alone: dict[int, list[int] | None] = {}

    def count_at_most(self, delay: int) -> int:
        if delay < self.lowest:
            return 0
        if delay >= self.highest:
            return self.size
        return self.at_most[delay - self.lowest]


NO_DELAYS: list[int] = []


def _conditional_quantiles(own: list[int], prior: _Prior, age: int) -> list[int] | None:
    """For each of ``QUANTILES``, the smallest delay ``x > age`` whose weighted share of the
    delays in ``(age, x]`` reaches it (the customer's delays weigh 1 each, the organisation's
    ``prior.weight``); None when no delay is longer than ``age``. ``own`` is sorted."""
    own_start = bisect_right(own, age)
    if own_start == len(own):
        if age not in prior.alone:
            prior.alone[age] = _quantiles(NO_DELAYS, 0, prior, age)
        return prior.alone[age]
    return _quantiles(own, own_start, prior, age)


def _quantiles(own: list[int], own_start: int, prior: _Prior, age: int) -> list[int] | None:
    """The weighted share of ``(age, x]`` only grows at a delay: the answer is a delay. For
    each quantile, the first of the customer's own delays (above ``age``) where the share is
    reached bounds it; below that, the customer's count is fixed and the organisation's
    delays needed are read off its sorted list. The shares are computed with the very
    expression of the definition, so the result is the same to the last bit of rounding."""
    prior_start = prior.count_at_most(age)
    own_tail, prior_tail = len(own) - own_start, prior.size - prior_start
    weight, delays = prior.weight, prior.delays
    total = own_tail + weight * prior_tail
    if total <= 0:
        return None
    found = []
    for quantile in QUANTILES:
        wanted = quantile * total
        # The first own delay where the share is reached: the answer is at most that.
        low, high = own_start, len(own)
        while low < high:
            middle = (low + high) // 2
            at = own[middle]
            if (bisect_right(own, at) - own_start) + weight * (
                prior.count_at_most(at) - prior_start
            ) >= wanted:
                high = middle
            else:
                low = middle + 1
        # Before it, ``counted`` own delays (those above age and below it) and enough of the
        # organisation's, if that comes earlier.
        counted = low - own_start
        ceiling = own[low] if low < len(own) else inf
        floor = own[low - 1] if low > own_start else age + 1
        needed = _prior_needed(counted, wanted, weight, prior_tail)
        if needed is None:
            answer = ceiling
        elif needed == 0:
            answer = floor
        else:
            answer = max(floor, delays[prior_start + needed - 1])
        if answer >= ceiling:
            answer = ceiling
        if answer == inf:  # rounding cannot leave the whole tail short, but stay total
            answer = max(own[-1] if own_tail else age, prior.highest if prior_tail else age)
        found.append(int(answer))
    return found


def _prior_needed(counted: int, wanted: float, weight: float, available: int) -> int | None:
    """The fewest of the organisation's delays that, with ``counted`` own ones, reach
    ``wanted`` (None: not even all ``available`` do)."""
    if counted >= wanted:
        return 0
    if weight <= 0:
        return None
    needed = min(max(ceil((wanted - counted) / weight), 1), available + 1)
    # The division rounds: settle on the exact least count with the definition's expression.
    while needed > 1 and counted + weight * (needed - 1) >= wanted:
        needed -= 1
    while needed <= available and counted + weight * needed < wanted:
        needed += 1
    return needed if needed <= available else None


class DelayModel:
    """The delays of past payments, ready to predict open items (see the module's notes)."""

    def __init__(
        self, history: Iterable[PaidDelay] | PaidHistory, *, prior_weight: float = PRIOR_WEIGHT
    ):
        paid = history if isinstance(history, PaidHistory) else PaidHistory.of(history)
        self._customers = {key: sorted(delays) for key, delays in paid.delays.items()}
        self._medians = {key: _median_low(delays) for key, delays in self._customers.items()}
        self._usual_cents = {key: _median_low(sorted(cents)) for key, cents in paid.cents.items()}
        everyone = sorted(delay for delays in self._customers.values() for delay in delays)
        noticed = paid.noticed
        self._organisation = _Prior(everyone, prior_weight)
        self._noticed = _Prior(noticed, prior_weight) if len(noticed) >= STEP_MIN_SAMPLES else None
        self._organisation_delay = _median_low(everyone) if everyone else None
        self.payments = len(everyone)
        self.large_shift = self._large_shift(paid)

    def _large_shift(self, paid: PaidHistory) -> int:
        """How much later than their own median customers pay their large items, in the
        organisation's history: 0 until enough large items were paid to tell."""
        extra: list[int] = []
        for key, amounts in paid.cents.items():
            least = ceil(self._usual_cents[key] * LARGE_FACTOR)  # cents are whole
            if max(amounts) < least:
                continue  # no large item (most customers): skip the pairing
            median = self._medians[key]
            extra.extend(
                delay - median
                for delay, cents in zip(paid.delays[key], amounts, strict=True)
                if cents >= least
            )
        return _median_low(sorted(extra)) if len(extra) >= LARGE_MIN_SAMPLES else 0

    def is_large(self, customer: Hashable, amount: Decimal) -> bool:
        usual = self._usual_cents.get(customer)
        return usual is not None and amount.scaleb(2) >= usual * LARGE_FACTOR

    def customer_mean(self, customer: Hashable) -> float | None:
        """The customer's mean delay so far (a baseline the backtest compares against)."""
        delays = self._customers.get(customer)
        if not delays:
            return None
        return sum(delays) / len(delays)

    def organisation_mean(self) -> float | None:
        delays = self._organisation.delays
        return sum(delays) / len(delays) if delays else None

    def estimate(
        self, customer: Hashable, *, age: int, amount: Decimal, formal_notice: bool = False
    ) -> DelayEstimate | None:
        """The delay of an item of ``customer`` open ``age`` days after its due date; None
        when nobody ever paid that late (nothing to go by)."""
        found = self.delays(customer, age=age, amount=amount, formal_notice=formal_notice)
        if found is None:
            return None
        median, low, high, shift = found
        payments, customer_delay = self.history(customer)
        return DelayEstimate(
            delay=median,
            low=low,
            high=high,
            customer_payments=payments,
            customer_delay=customer_delay,
            organisation_delay=self._organisation_delay,
            large_shift=shift,
            step_history=formal_notice and self._noticed is not None,
        )

    def delays(
        self, customer: Hashable, *, age: int, amount: Decimal, formal_notice: bool = False
    ) -> tuple[int, int, int, int] | None:
        """The figures of ``estimate`` that change from item to item: the delay, its range and
        the shift for a large amount (read for every open item: no object made)."""
        own = self._customers.get(customer, NO_DELAYS)
        prior = self._noticed if formal_notice and self._noticed else self._organisation
        shift = self.large_shift if self.large_shift and self.is_large(customer, amount) else 0
        # A large item is predicted from delays moved by the shift: its condition moves too.
        found = _conditional_quantiles(own, prior, age - shift)
        if found is None:
            return None
        median, low, high = found
        return median + shift, low + shift, high + shift, shift

    def history(self, customer: Hashable) -> tuple[int, int | None]:
        """The customer's past payments: how many, and their median delay."""
        return len(self._customers.get(customer, NO_DELAYS)), self._medians.get(customer)

    @property
    def organisation_delay(self) -> int | None:
        return self._organisation_delay
