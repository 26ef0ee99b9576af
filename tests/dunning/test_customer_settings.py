"""A customer's own dunning settings: pause, resume, and a scenario of its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.models import AuditEvent
from relance.dunning.models import CustomerDunning, InstalmentDunning, Scenario
from relance.dunning.run import day_plan
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.services import (
    DunningError,
    customer_pause,
    customer_resume,
    customer_scenario_set,
)
from relance.ledger.services import customer_create, invoice_create
from tests.days import run_and_send


@pytest.fixture
def garage(organisation, actor):
    customer = customer_create(organisation=organisation, external_ref="K1", name="Garage",
                               actor=actor)  # fmt: skip
    invoice_create(organisation=organisation, customer=customer, number="F-1",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                   amount_incl_tax=Decimal("900.00"), actor=actor)  # fmt: skip
    return customer


def planned(organisation, day):
    plan = day_plan(organisation, day=day)
    return [m.step.key for m in plan.messages], [s.reason for s in plan.skipped]


def test_a_pause_stops_the_customer_and_a_resume_takes_up_gently(organisation, garage, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1
    with pytest.raises(DunningError, match="raison"):
        customer_pause(customer=garage, reason=" ", actor=actor)
    with pytest.raises(DunningError, match="pas suspendues"):
        customer_resume(customer=garage, day=date(2026, 3, 10), actor=actor)
    customer_pause(customer=garage, reason="Redressement judiciaire", actor=actor)
    with pytest.raises(DunningError, match="déjà suspendues"):
        customer_pause(customer=garage, reason="Encore", actor=actor)
    assert planned(organisation, date(2026, 4, 20)) == ([], ["paused"])
    customer_resume(customer=garage, day=date(2026, 4, 20), actor=actor)
    assert InstalmentDunning.objects.get().resumed_on == date(2026, 4, 20)
    # The next step only, not every step that fell due during the pause.
    assert planned(organisation, date(2026, 4, 21)) == (["reminder_2"], [])
    events = list(AuditEvent.objects.filter(entity_id=str(garage.uuid),
                                            action__in=["customer_pause", "customer_resume"])
                  .values_list("action", "after__reason"))  # fmt: skip
    assert events == [("customer_pause", "Redressement judiciaire"), ("customer_resume", None)]


def test_a_scenario_of_its_own_wins_over_the_segment(organisation, other_organisation, garage,
                                                     actor):  # fmt: skip
    scenarios_ensure_presets(organisation)
    scenarios_ensure_presets(other_organisation)
    vip = Scenario.objects.get(organisation=organisation, key="vip")
    foreign = Scenario.objects.get(organisation=other_organisation, key="vip")
    with pytest.raises(DunningError, match="organisation"):
        customer_scenario_set(customer=garage, scenario=foreign, actor=actor)
    customer_scenario_set(customer=garage, scenario=vip, actor=actor)
    assert CustomerDunning.objects.get(customer=garage).scenario == vip
    plan = day_plan(organisation, day=date(2026, 3, 13))
    assert [(m.step.key, m.step.mode) for m in plan.messages] == [("reminder_1", "manual")]
    customer_scenario_set(customer=garage, scenario=None, actor=actor)
    plan = day_plan(organisation, day=date(2026, 3, 13))
    assert [(m.step.key, m.step.mode) for m in plan.messages] == [("reminder_1", "auto")]
    changes = list(AuditEvent.objects.filter(action="customer_scenario")
                   .values_list("before__scenario", "after__scenario"))  # fmt: skip
    assert changes == [(None, "vip"), ("vip", None)]
