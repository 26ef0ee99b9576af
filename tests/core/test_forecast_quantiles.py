"""The delay model's fast reading checked against its definition, on random histories.

``reference_quantiles`` is the definition read literally: for each quantile, the smallest day
after the item's age whose weighted share of the longer delays reaches it, found by trying
days. The model jumps through the sorted delays instead; both must agree to the day, with
the same rounding. Amounts are held in cents: which items are large must not change.
"""

from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal
from statistics import median_low

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance.core.forecast_delays import (
    LARGE_FACTOR,
    LARGE_MIN_SAMPLES,
    QUANTILES,
    DelayModel,
    PaidDelay,
    _conditional_quantiles,
    _Prior,
)

LOADED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_quantiles(own, delays, weight, age):
    prior_weight = weight / len(delays) if delays else 0.0
    own_start, prior_start = bisect_right(own, age), bisect_right(delays, age)
    own_tail, prior_tail = len(own) - own_start, len(delays) - prior_start
    total = own_tail + prior_weight * prior_tail
    if total <= 0:
        return None
    highest = max(own[-1] if own_tail else age, delays[-1] if prior_tail else age)
    found = []
    for quantile in QUANTILES:
        wanted = quantile * total
        day = age + 1
        while (
            day < highest
            and (bisect_right(own, day) - own_start)
            + prior_weight * (bisect_right(delays, day) - prior_start)
            < wanted
        ):
            day += 1
        found.append(day)
    return found


@LOADED
@given(
    own=st.lists(st.integers(-20, 120), max_size=40),
    delays=st.lists(st.integers(-20, 150), max_size=60),
    weight=st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.0, 10.0]),
    ages=st.lists(st.integers(-40, 160), min_size=1, max_size=8),
)
def test_quantiles_are_those_of_the_definition(own, delays, weight, ages):
    own, delays = sorted(own), sorted(delays)
    prior = _Prior(delays, weight)
    for age in ages:  # several ages on one prior: its cache is read too
        assert _conditional_quantiles(own, prior, age) == reference_quantiles(
            own, delays, weight, age
        ), (own, delays, weight, age)


def test_quantiles_on_many_repeated_delays_and_a_long_history():
    # Ties everywhere (a weight of 3/7 per organisation delay, fractions that round) and a
    # customer with a thousand payments.
    delays = [day % 7 * 10 for day in range(7_000)]
    own = sorted(day % 90 for day in range(1_000))
    prior = _Prior(delays, 3.0)
    for age in range(-5, 95):
        assert _conditional_quantiles(own, prior, age) == reference_quantiles(
            own, sorted(delays), 3.0, age
        )
        assert _conditional_quantiles([], prior, age) == reference_quantiles(
            [], sorted(delays), 3.0, age
        )


@LOADED
@given(
    payments=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.integers(-10, 90),
            # Any amount, or amounts that double each other exactly (the edge of "large").
            st.integers(1, 500_000) | st.sampled_from([5_000, 10_000, 19_999, 20_000, 40_000]),
        ),
        min_size=LARGE_MIN_SAMPLES,
        max_size=120,
    ),
    amount=st.integers(1, 2_000_000),
)
def test_large_items_are_those_twice_the_customers_median_amount(payments, amount):
    history = [PaidDelay(who, delay, Decimal(cents) / 100) for who, delay, cents in payments]
    model = DelayModel(history)
    usual = {
        who: median_low([p.amount for p in history if p.customer == who])
        for who in {p.customer for p in history}
    }
    medians = {who: median_low([p.delay for p in history if p.customer == who]) for who in usual}
    extra = [
        p.delay - medians[p.customer]
        for p in history
        if p.amount >= usual[p.customer] * LARGE_FACTOR
    ]
    assert model.large_shift == (median_low(extra) if len(extra) >= LARGE_MIN_SAMPLES else 0)
    for who in usual:
        # Any amount, and the edges: exactly twice the median, and a cent less.
        edge = usual[who] * LARGE_FACTOR
        for open_amount in (Decimal(amount) / 100, edge, edge - Decimal("0.01")):
            assert model.is_large(who, open_amount) == (open_amount >= edge)
    assert model.organisation_delay == median_low([p.delay for p in history])
