"""Properties of the daily run over random portfolios and random months."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.planner import CustomerState, ItemState, Rules
from relance.core.scenario import PRESETS
from tests.core.planner_story import Story

START = date(2026, 1, 1)

items = st.lists(
    st.tuples(
        st.integers(min_value=-60, max_value=90),  # due date, days from START
        st.decimals(min_value=Decimal("1.00"), max_value=Decimal("9999.99"), places=2),
        st.sampled_from(["EUR", "EUR", "EUR", "CHF"]),
        st.booleans(),  # disputed
    ),
    min_size=1,
    max_size=6,
)
customers = st.lists(
    st.tuples(
        items,
        st.sampled_from(sorted(PRESETS)),
        st.sampled_from(["FR", "BE"]),
        st.sampled_from(["B2B", "B2C"]),
    ),
    min_size=1,
    max_size=5,
)
events = st.lists(
    st.tuples(st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=29)),
    max_size=8,
)  # (day, item index): that item is paid that day


def build(portfolio) -> Story:
    built, serial = [], 0
    for number, (rows, scenario, country, kind) in enumerate(portfolio):
        states = []
        for offset, amount, currency, disputed in rows:
            serial += 1
            states.append(
                ItemState(
                    id=serial,
                    invoice_number=f"F-{serial}",
                    due_date=START + timedelta(days=offset),
                    outstanding=amount,
                    currency=currency,
                    disputed=disputed,
                )
            )
        built.append(
            CustomerState(
                id=number,
                ref=f"C{number}",
                scenario=PRESETS[scenario],
                items=tuple(states),
                country=country,
                kind=kind,
            )
        )
    return Story(*built, rules=Rules(min_amount=Decimal("5.00")))


@settings(max_examples=150, deadline=None)
@given(customers, events)
def test_the_daily_run_keeps_its_promises(portfolio, payments):
    story = build(portfolio)
    paid_on: dict[str, date] = {}
    by_day: dict[int, list[int]] = {}
    for day, index in payments:
        by_day.setdefault(day, []).append(index)
    numbers = [i.invoice_number for c in story.customers.values() for i in c.items]
    disputed = {i.invoice_number for c in story.customers.values() for i in c.items if i.disputed}
    reached: dict[str, int] = {}
    for offset in range(0, 121):
        day = START + timedelta(days=offset)
        for index in by_day.get(offset, []):
            number = numbers[index % len(numbers)]
            story.pay(number)
            paid_on.setdefault(number, day)
        plan = story.run(day)
        # idempotent: the same day again plans nothing more
        assert story.run(day).messages == []
        seen = set()
        totals: dict[tuple[str, str], Decimal] = {}
        for message in plan.messages:
            key = (message.customer_ref, message.step.channel, message.currency)
            assert key not in seen, "two messages to one customer, channel and currency"
            seen.add(key)
            scenario = story.customers[message.customer_id].scenario
            for advance in message.items:
                assert advance.invoice_number not in disputed
                assert advance.invoice_number not in paid_on
                assert advance.outstanding > 0
                position = scenario.index(advance.step)
                assert position > reached.get(advance.invoice_number, -1), "went backwards"
                reached[advance.invoice_number] = position
            key2 = (message.customer_ref, message.currency)
            totals[key2] = totals.get(key2, Decimal(0)) + message.amount_due
        # the minimum amount holds for what a customer is asked, per currency
        assert all(total >= Decimal("5.00") for total in totals.values())
