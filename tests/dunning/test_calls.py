"""A call on the to-do, its outcome, and how the plan changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.dunning.calls import call_outcome_record
from relance.dunning.models import Dispute, Promise, Reminder
from relance.dunning.services import DunningError
from relance.ledger.services import customer_create, invoice_create
from tests.days import run_and_send

D = Decimal


@pytest.fixture
def call(organisation, actor):
    customer = customer_create(
        organisation=organisation, external_ref="K1", name="Garage", actor=actor
    )
    invoice_create(organisation=organisation, customer=customer, number="F-1",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                   amount_incl_tax=D("900.00"), actor=actor)  # fmt: skip
    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1
    run_and_send(organisation, date(2026, 3, 17), actor)  # reminder_2
    run_and_send(organisation, date(2026, 3, 24), actor)  # call_1: to-do
    return Reminder.objects.get(step="call_1")


def later_steps(organisation, actor, days):
    for day in days:
        run_and_send(organisation, day, actor)
    return list(Reminder.objects.filter(run_date__gt=date(2026, 3, 24))
                .order_by("run_date").values_list("run_date", "step"))  # fmt: skip


def test_the_call_is_on_the_todo(call):
    assert (call.channel, call.mode, call.status) == ("call", "manual", "todo")


def test_a_promise_on_the_phone_stops_reminders_until_its_date(organisation, actor, call):
    outcome = call_outcome_record(reminder=call, outcome="promise", day=date(2026, 3, 24),
                                  promised_on=date(2026, 4, 10), promised_amount=D("900.00"),
                                  actor=actor, notes="Virement vendredi")  # fmt: skip
    assert outcome.promise == Promise.objects.get()
    call.refresh_from_db()
    assert call.status == "sent"
    # last_warning (J+30, 1 April) waits for the promise; it lapses on 13 April (+3 days).
    assert later_steps(
        organisation, actor, [date(2026, 4, 1), date(2026, 4, 10), date(2026, 4, 14)]
    ) == [(date(2026, 4, 14), "last_warning")]


def test_a_dispute_on_the_phone_pauses_the_invoice(organisation, actor, call):
    call_outcome_record(reminder=call, outcome="dispute", day=date(2026, 3, 24), actor=actor,
                        dispute_reason="Marchandise abîmée")  # fmt: skip
    assert Dispute.objects.get().reason == "Marchandise abîmée"
    assert later_steps(organisation, actor, [date(2026, 4, 1), date(2026, 4, 14)]) == []


def test_call_back_puts_a_new_call_on_the_todo_that_day(organisation, actor, call):
    call_outcome_record(reminder=call, outcome="call_back", day=date(2026, 3, 24), actor=actor,
                        call_back_on=date(2026, 3, 27))  # fmt: skip
    callback = Reminder.objects.get(run_date=date(2026, 3, 27))
    assert (callback.channel, callback.status, callback.step) == ("call", "todo", "call_1")


def test_already_paid_waits_a_week_for_the_payment(organisation, actor, call):
    call_outcome_record(reminder=call, outcome="already_paid", day=date(2026, 3, 24),
                        actor=actor)  # fmt: skip
    assert Promise.objects.get().promised_on == date(2026, 3, 31)
    # The week (and the grace period) ends on 3 April; 6 April is Easter Monday.
    days = [date(2026, 4, 1), date(2026, 4, 6), date(2026, 4, 7)]
    assert later_steps(organisation, actor, days) == [(date(2026, 4, 7), "last_warning")]


def test_outcome_input_is_checked(actor, call):
    with pytest.raises(DunningError, match="date et un montant"):
        call_outcome_record(reminder=call, outcome="promise", day=date(2026, 3, 24), actor=actor)
    with pytest.raises(DunningError, match="inconnu"):
        call_outcome_record(reminder=call, outcome="angry", day=date(2026, 3, 24), actor=actor)
    with pytest.raises(DunningError, match="date à venir"):
        call_outcome_record(reminder=call, outcome="call_back", day=date(2026, 3, 24),
                            actor=actor, call_back_on=date(2026, 3, 20))  # fmt: skip
