"""The next reminder a customer will get: the one under way, else the first day the planner
would write to them, found by asking the planner itself day after day.

Nothing here decides anything: ``plan_customer`` is the one home of the rules (steps, gaps,
pauses with an end date, promises, disputes, weekends and holidays). The customer's state is
read once, for that customer alone, and planned forward at most ``HORIZON_DAYS`` days: cheap
enough for a page view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from relance.core.calendar import for_customer
from relance.core.planner import plan_customer
from relance.dunning.completion import UNDER_WAY
from relance.dunning.models import Reminder
from relance.dunning.run import dunning_rules
from relance.dunning.scenarios import DEFAULT_SCENARIO, scenarios_of
from relance.dunning.state import customer_states
from relance.ledger.models import Customer

HORIZON_DAYS = 366


@dataclass(frozen=True)
class NextReminder:
    day: date
    step: str  # the step's key
    channel: str
    offset_days: int | None  # the step's offset in its scenario, when still known
    under_way: bool  # already planned: on the to-do or waiting to leave


def next_reminder(customer: Customer, *, today: date) -> NextReminder | None:
    """The customer's next reminder, or None when none is due within the horizon (nothing
    owed, everything disputed, the scenario done...)."""
    pending = (
        Reminder.objects.filter(customer=customer, status__in=UNDER_WAY)
        .order_by("run_date", "id")
        .first()
    )
    if pending is not None:
        day = max(pending.run_date, pending.postponed_until or pending.run_date, today)
        return NextReminder(day=day, step=pending.step, channel=pending.channel,
                            offset_days=None, under_way=True)  # fmt: skip
    scenarios = scenarios_of(customer.organisation)
    if not any(scenario.key == DEFAULT_SCENARIO for scenario in scenarios.values()):
        return None  # never planned yet: the first morning run creates the scenarios
    states = list(customer_states(customer.organisation, scenarios, only={customer.pk}))
    if not states:
        return None
    state = states[0]
    rules = dunning_rules(customer.organisation)
    calendar = for_customer(state.country, state.postal_code)
    for ahead in range(HORIZON_DAYS + 1):
        day = today + timedelta(days=ahead)
        messages, _skipped = plan_customer(state, today=day, rules=rules, calendar=calendar)
        if messages:
            step = messages[0].step
            return NextReminder(day=day, step=step.key, channel=step.channel,
                                offset_days=step.offset_days, under_way=False)  # fmt: skip
    return None
