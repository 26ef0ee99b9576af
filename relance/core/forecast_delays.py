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
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import median_low

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


@dataclass(frozen=True, slots=True)
class PaidDelay:
    """One past item fully paid: whose, how many days after its due date, how much."""

    customer: Hashable
    delay: int
    amount: Decimal
    formal_notice: bool = False  # a formal notice (or a legal hand-off) was sent before


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


class _Prior:
    """The organisation's delays as counts of delays up to each day: read in constant time
    however many payments there are."""

    def __init__(self, delays: Iterable[int], weight: float):
        ordered = sorted(delays)
        self.size = len(ordered)
        self.weight = weight / self.size if ordered else 0.0  # of each delay
        self.lowest = ordered[0] if ordered else 0
        self.highest = ordered[-1] if ordered else 0
        self.at_most: list[int] = []  # at_most[d] = how many delays <= lowest + d
        for index, delay in enumerate(ordered):
            while len(self.at_most) < delay - self.lowest:
                self.at_most.append(index)
        self.at_most.append(self.size)
        self.delays = ordered

    def count_at_most(self, delay: int) -> int:
        if delay < self.lowest:
            return 0
        if delay >= self.highest:
            return self.size
        return self.at_most[delay - self.lowest]


def _conditional_quantiles(
    own: list[int], prior: _Prior, age: int, quantiles: Sequence[float]
) -> list[int] | None:
    """For each quantile, the smallest delay ``x > age`` whose weighted share of the delays in
    ``(age, x]`` reaches it (the customer's delays weigh 1 each, the organisation's
    ``prior.weight``); None when no delay is longer than ``age``."""
    own_start, prior_start = bisect_right(own, age), prior.count_at_most(age)
    own_tail, prior_tail = len(own) - own_start, prior.size - prior_start
    total = own_tail + prior.weight * prior_tail
    if total <= 0:
        return None
    highest = max(own[-1] if own_tail else age, prior.highest if prior_tail else age)
    found = []
    for quantile in quantiles:
        wanted = quantile * total
        low, high = age + 1, highest
        while low < high:
            middle = (low + high) // 2
            below = (bisect_right(own, middle) - own_start) + prior.weight * (
                prior.count_at_most(middle) - prior_start
            )
            if below >= wanted:
                high = middle
            else:
                low = middle + 1
        found.append(low)
    return found


class DelayModel:
    """The delays of past payments, ready to predict open items (see the module's notes)."""

    def __init__(self, history: Iterable[PaidDelay], *, prior_weight: float = PRIOR_WEIGHT):
        by_customer: dict[Hashable, list[int]] = defaultdict(list)
        amounts: dict[Hashable, list[Decimal]] = defaultdict(list)
        everyone: list[int] = []
        noticed: list[int] = []
        for paid in history:
            by_customer[paid.customer].append(paid.delay)
            amounts[paid.customer].append(paid.amount)
            everyone.append(paid.delay)
            if paid.formal_notice:
                noticed.append(paid.delay)
        self._customers = {key: sorted(delays) for key, delays in by_customer.items()}
        self._medians = {key: median_low(delays) for key, delays in self._customers.items()}
        self._usual_amounts = {key: median_low(values) for key, values in amounts.items()}
        self._organisation = _Prior(everyone, prior_weight)
        self._noticed = _Prior(noticed, prior_weight) if len(noticed) >= STEP_MIN_SAMPLES else None
        self._organisation_delay = median_low(everyone) if everyone else None
        self.payments = len(everyone)
        self.large_shift = self._large_shift(by_customer, amounts)

    def _large_shift(
        self, delays: dict[Hashable, list[int]], amounts: dict[Hashable, list[Decimal]]
    ) -> int:
        """How much later than their own median customers pay their large items, in the
        organisation's history: 0 until enough large items were paid to tell."""
        extra = [
            delay - self._medians[key]
            for key, values in amounts.items()
            for delay, amount in zip(delays[key], values, strict=True)
            if self.is_large(key, amount)
        ]
        return int(median_low(extra)) if len(extra) >= LARGE_MIN_SAMPLES else 0

    def is_large(self, customer: Hashable, amount: Decimal) -> bool:
        usual = self._usual_amounts.get(customer)
        return usual is not None and amount >= usual * LARGE_FACTOR

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
        own = self._customers.get(customer, [])
        prior = self._noticed if formal_notice and self._noticed else self._organisation
        shift = self.large_shift if self.is_large(customer, amount) else 0
        # A large item is predicted from delays moved by the shift: its condition moves too.
        found = _conditional_quantiles(own, prior, age - shift, (0.5, LOW_QUANTILE, HIGH_QUANTILE))
        if found is None:
            return None
        median, low, high = found
        return DelayEstimate(
            delay=median + shift,
            low=low + shift,
            high=high + shift,
            customer_payments=len(own),
            customer_delay=self._medians.get(customer),
            organisation_delay=self._organisation_delay,
            large_shift=shift,
            step_history=prior is self._noticed,
        )

    @property
    def organisation_delay(self) -> int | None:
        return self._organisation_delay
