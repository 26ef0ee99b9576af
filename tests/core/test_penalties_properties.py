"""Properties of the interest computation, over the range the shipped tables cover."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.penalties import compute_penalties, round_cents, simple_interest
from relance.core.rates import load_rate_tables

TABLES = load_rate_tables()
FIRST = date(2015, 1, 1)
LAST = date(2026, 12, 31)  # FR-B2B, FR-PUBLIC, EU and BE-B2B tables run to S2 2026
REGIMES = ("FR-B2B", "FR-PUBLIC", "EU", "BE-B2B")

amounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("1000000"), places=2)
days = st.dates(min_value=FIRST, max_value=LAST)
regimes = st.sampled_from(REGIMES)


def compute(regime, amount, due, until, payments=()):
    return compute_penalties(
        regime=regime,
        amount=amount,
        due_date=due,
        until=until,
        payments=payments,
        tables=TABLES,
    )


@st.composite
def delays(draw):
    due = draw(st.dates(min_value=FIRST, max_value=LAST - timedelta(days=1)))
    until = draw(st.dates(min_value=due, max_value=LAST))
    return due, until


@settings(max_examples=150, deadline=None)
@given(regimes, amounts, delays(), st.integers(min_value=0, max_value=400))
def test_interest_is_monotonic_in_until(regime, amount, delay, extra):
    due, until = delay
    later = min(until + timedelta(days=extra), LAST)
    assert (
        compute(regime, amount, due, until).interest <= compute(regime, amount, due, later).interest
    )


@settings(max_examples=100, deadline=None)
@given(regimes, amounts, days, st.integers(min_value=0, max_value=400))
def test_nothing_is_owed_until_the_day_after_the_due_date(regime, amount, due, before):
    result = compute(regime, amount, due, due - timedelta(days=before))
    assert result.interest == Decimal("0.00")
    assert result.total == Decimal("0.00")
    assert result.periods == []


@settings(max_examples=150, deadline=None)
@given(regimes, amounts, delays(), st.data())
def test_a_partial_payment_never_increases_interest(regime, amount, delay, data):
    """Exactly, never; as shown, by a cent at most: the payment splits a period in two lines,
    each rounded to the cent (the total is the sum of the lines the debtor reads)."""
    due, until = delay
    paid_on = data.draw(st.dates(min_value=due - timedelta(days=30), max_value=until))
    part = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=amount + 1, places=2))
    without = compute(regime, amount, due, until)
    with_payment = compute(regime, amount, due, until, [(paid_on, part)])
    assert with_payment.exact_interest <= without.exact_interest
    assert with_payment.interest <= without.interest + Decimal("0.01")


@settings(max_examples=150, deadline=None)
@given(regimes, amounts, delays())
def test_rounding_per_period_stays_within_half_a_cent_per_period(regime, amount, delay):
    due, until = delay
    result = compute(regime, amount, due, until)
    assert abs(result.interest - result.exact_interest) <= Decimal("0.005") * len(result.periods)


@settings(max_examples=300, deadline=None)
@given(
    amounts,
    st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=2),
    st.integers(min_value=1, max_value=3000),
    st.data(),
)
def test_splitting_a_period_changes_the_total_by_at_most_a_cent(amount, rate, total_days, data):
    cut = data.draw(st.integers(min_value=1, max_value=total_days))
    whole = round_cents(simple_interest(amount, rate, total_days, 365))
    parts = round_cents(simple_interest(amount, rate, cut, 365)) + round_cents(
        simple_interest(amount, rate, total_days - cut, 365)
    )
    assert abs(whole - parts) <= Decimal("0.01")


@settings(max_examples=150, deadline=None)
@given(regimes, amounts, delays(), st.data())
def test_a_payment_in_full_ends_interest_like_stopping_on_its_date(regime, amount, delay, data):
    due, until = delay
    paid_on = data.draw(st.dates(min_value=due, max_value=until))
    paid = compute(regime, amount, due, until, [(paid_on, amount)])
    stopped = compute(regime, amount, due, paid_on)
    assert paid.interest == stopped.interest


@settings(max_examples=150, deadline=None)
@given(regimes, amounts, delays())
def test_amounts_are_decimals_with_two_places(regime, amount, delay):
    due, until = delay
    result = compute(regime, amount, due, until)
    for value in (result.interest, result.indemnity, result.total):
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -2
    for period in result.periods:
        assert period.interest.as_tuple().exponent == -2
    assert result.total == result.interest + result.indemnity
    data = result.as_dict()
    for key in ("interest", "indemnity", "total"):
        assert isinstance(data[key], str) and data[key].split(".")[1].__len__() == 2


@settings(max_examples=100, deadline=None)
@given(regimes, amounts, delays())
def test_periods_cover_every_late_day_once(regime, amount, delay):
    due, until = delay
    result = compute(regime, amount, due, until)
    if amount == 0 or until <= due:
        assert result.periods == []
        return
    assert result.periods[0].start == due + timedelta(days=1)
    assert result.periods[-1].end == until
    for before, after in zip(result.periods, result.periods[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert sum(p.days for p in result.periods) == (until - due).days
