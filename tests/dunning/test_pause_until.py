"""A pause with an end date: it holds up to that day, then reminders take up by themselves;
and the next reminder a customer will get, as the planner sees it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.models import AuditEvent
from relance.dunning.models import CustomerDunning, InstalmentDunning, Reminder
from relance.dunning.next_reminder import next_reminder
from relance.dunning.services import DunningError, customer_pause, dispute_open
from relance.dunning.still_due import Covered, still_due_reasons
from relance.ledger.models import Instalment
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


def sent_steps(organisation):
    return list(
        Reminder.objects.filter(organisation=organisation)
        .order_by("run_date")
        .values_list("run_date", "step")
    )


def test_a_pause_until_a_date_ends_by_itself_on_the_morning_after(organisation, garage, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1 (J+5, a Monday)
    with pytest.raises(DunningError, match="déjà passée"):
        customer_pause(customer=garage, reason="Vacances", actor=actor, until=date(2026, 3, 9),
                       day=date(2026, 3, 10))  # fmt: skip
    customer_pause(customer=garage, reason="Vacances du gérant", actor=actor,
                   until=date(2026, 4, 14), day=date(2026, 3, 10))  # fmt: skip
    # reminder_2 (J+15) falls due during the pause: nothing goes, whatever the day.
    for day in (date(2026, 3, 17), date(2026, 3, 31), date(2026, 4, 14)):
        plan = run_and_send(organisation, day, actor).plan
        assert plan.messages == [] and [s.reason for s in plan.skipped] == ["paused"]
    assert CustomerDunning.objects.get(customer=garage).paused
    # The morning after its last day, the run takes the customer up, gently: the next step,
    # not every step that fell due meanwhile.
    plan = run_and_send(organisation, date(2026, 4, 15), actor).plan
    assert [m.step.key for m in plan.messages] == ["reminder_2"]
    dunning = CustomerDunning.objects.get(customer=garage)
    assert (dunning.paused, dunning.paused_until) == (False, None)
    assert InstalmentDunning.objects.get().resumed_on == date(2026, 4, 15)
    assert sent_steps(organisation) == [(date(2026, 3, 9), "reminder_1"),
                                        (date(2026, 4, 15), "reminder_2")]  # fmt: skip
    resumed = AuditEvent.objects.filter(entity_id=str(garage.uuid), action="customer_resume")
    assert [(e.actor_label, e.after["automatic"], e.after["resumed_on"]) for e in resumed] == [
        ("test", True, "2026-04-15")
    ]
    # Run again the same day: nothing more to resume, nothing recorded twice.
    run_and_send(organisation, date(2026, 4, 15), actor)
    assert resumed.count() == 1


def test_a_past_end_date_is_a_pause_over_even_before_the_run(organisation, garage, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)
    customer_pause(customer=garage, reason="Vacances", actor=actor, until=date(2026, 3, 20))
    item = Instalment.objects.get()
    covered = {"r": Covered(customer_id=garage.pk, items={item.pk: None})}
    assert still_due_reasons(organisation, covered, today=date(2026, 3, 20)) == {"r": "paused"}
    assert still_due_reasons(organisation, covered, today=date(2026, 3, 21)) == {}
    # The planner alone (a preview, before the run records the resume) agrees.
    assert next_reminder(garage, today=date(2026, 3, 10)).day == date(2026, 3, 23)


def test_the_next_reminder_is_the_planners_own(organisation, garage, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1 done on 9 March
    coming = next_reminder(garage, today=date(2026, 3, 10))
    assert coming is not None
    # J+15 from 2 March is 17 March: a Tuesday, past the 7-day gap since the 9th.
    assert (coming.day, coming.step, coming.channel, coming.under_way) == (
        date(2026, 3, 17), "reminder_2", "email", False,
    )  # fmt: skip
    customer_pause(customer=garage, reason="Vacances", actor=actor)
    assert next_reminder(garage, today=date(2026, 3, 10)) is None  # paused without an end
    CustomerDunning.objects.filter(customer=garage).update(paused=False)
    dispute_open(invoice=garage.invoices.get(), reason="Prix", day=date(2026, 3, 10), actor=actor)
    assert next_reminder(garage, today=date(2026, 3, 10)) is None  # all of it disputed


def test_the_next_reminder_under_way_is_the_one_waiting(organisation, garage, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)
    Reminder.objects.update(status="todo", postponed_until=date(2026, 3, 12))
    coming = next_reminder(garage, today=date(2026, 3, 10))
    assert coming is not None
    assert (coming.day, coming.step, coming.under_way) == (date(2026, 3, 12), "reminder_1", True)
