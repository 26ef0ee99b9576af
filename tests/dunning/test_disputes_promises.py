from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.models import AuditEvent
from relance.core.penalties.text import money_text
from relance.dunning.models import InstalmentDunning, Promise, Reminder
from relance.dunning.run import run_day
from relance.dunning.services import (
    DunningError,
    dispute_close,
    dispute_open,
    promise_record,
    promises_check_broken,
)
from relance.ledger.services import customer_create, invoice_create
from tests.days import run_and_send

D = Decimal


@pytest.fixture
def invoice(organisation, actor):
    customer = customer_create(
        organisation=organisation, external_ref="K1", name="Garage", actor=actor
    )
    return invoice_create(
        organisation=organisation,
        customer=customer,
        number="F-1",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 2),
        amount_incl_tax=D("900.00"),
        actor=actor,
    )


def steps():
    return list(Reminder.objects.order_by("run_date").values_list("run_date", "step"))


def test_a_dispute_pauses_then_resumes_with_the_next_step(organisation, invoice, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1
    dispute = dispute_open(
        invoice=invoice, reason="Livraison incomplète", day=date(2026, 3, 10), actor=actor
    )
    with pytest.raises(DunningError, match="déjà en litige"):
        dispute_open(invoice=invoice, reason="Autre", day=date(2026, 3, 11), actor=actor)
    for day in (date(2026, 3, 17), date(2026, 3, 23), date(2026, 4, 1)):
        plan = run_and_send(organisation, day, actor).plan
        assert plan.messages == [] and plan.skipped[0].reason == "dispute"
    dispute_close(
        dispute=dispute, day=date(2026, 4, 20), actor=actor, outcome="rejected", note="avoir refusé"
    )
    assert InstalmentDunning.objects.get().resumed_on == date(2026, 4, 20)
    run_and_send(organisation, date(2026, 4, 20), actor)
    assert steps() == [(date(2026, 3, 9), "reminder_1"), (date(2026, 4, 20), "reminder_2")]
    actions = list(AuditEvent.objects.filter(entity_id=str(invoice.uuid))
                   .values_list("action", flat=True))  # fmt: skip
    assert actions[-2:] == ["dispute_open", "dispute_close"]


def test_a_broken_promise_is_marked_and_reminders_resume(organisation, invoice, actor):
    run_and_send(organisation, date(2026, 3, 9), actor)
    promise = promise_record(
        customer=invoice.customer,
        invoices=[invoice],
        promised_on=date(2026, 3, 31),
        amount=D("900.00"),
        day=date(2026, 3, 10),
        actor=actor,
    )
    assert run_day(organisation=organisation, day=date(2026, 3, 17), actor=actor
                   ).plan.skipped[0].reason == "promise"  # fmt: skip
    assert promises_check_broken(organisation=organisation, day=date(2026, 4, 2),
                                 actor=actor) == 0  # still in the grace period  # fmt: skip
    # 6 April 2026 is Easter Monday, a public holiday: nobody is written to; the next day is.
    assert run_and_send(organisation, date(2026, 4, 6), actor).plan.messages == []
    promise.refresh_from_db()
    assert promise.broken_on == date(2026, 4, 6)
    run_and_send(organisation, date(2026, 4, 7), actor)
    assert steps() == [(date(2026, 3, 9), "reminder_1"), (date(2026, 4, 7), "reminder_2")]
    assert AuditEvent.objects.filter(action="promise_broken").count() == 1


def test_promise_input_is_checked(organisation, invoice, actor, other_organisation):
    with pytest.raises(DunningError, match="déjà passée"):
        promise_record(
            customer=invoice.customer,
            invoices=[invoice],
            promised_on=date(2026, 3, 1),
            amount=D("1.00"),
            day=date(2026, 3, 10),
            actor=actor,
        )
    other = customer_create(organisation=organisation, external_ref="K2", name="Autre", actor=actor)
    with pytest.raises(DunningError, match="pas toutes à ce client"):
        promise_record(
            customer=other,
            invoices=[invoice],
            promised_on=date(2026, 4, 1),
            amount=D("1.00"),
            day=date(2026, 3, 10),
            actor=actor,
        )
    assert not Promise.objects.exists()


def test_a_promise_above_what_is_owed_is_refused(organisation, invoice, actor):
    owed = invoice.amount_incl_tax
    with pytest.raises(DunningError) as refused:
        promise_record(customer=invoice.customer, invoices=[invoice], promised_on=date(2026, 4, 1),
                       amount=owed + D("0.01"), day=date(2026, 3, 10), actor=actor)  # fmt: skip
    assert str(refused.value) == (
        f"Le montant promis ({money_text(owed + D('0.01'))}) dépasse ce qui reste dû sur cette "
        f"facture ({money_text(owed)})."
    )
    assert not Promise.objects.exists()
    promise = promise_record(customer=invoice.customer, invoices=[invoice], actor=actor,
                             promised_on=date(2026, 4, 1), amount=owed,
                             day=date(2026, 3, 10))  # fmt: skip
    assert promise.amount == owed


def test_a_payment_plan_pauses_reminders_until_an_instalment_is_missed(
    organisation, invoice, actor
):
    from relance.dunning.models import PaymentPlan
    from relance.dunning.services import payment_plan_create
    from relance.ledger.services import payment_record

    run_and_send(organisation, date(2026, 3, 9), actor)  # reminder_1
    with pytest.raises(DunningError, match="restant dû"):
        payment_plan_create(customer=invoice.customer, invoices=[invoice],
                            schedule=[(date(2026, 3, 31), D("100.00"))], day=date(2026, 3, 10),
                            actor=actor)  # fmt: skip
    plan = payment_plan_create(
        customer=invoice.customer, invoices=[invoice], day=date(2026, 3, 10), actor=actor,
        schedule=[(date(2026, 3, 31), D("300.00")), (date(2026, 4, 30), D("300.00")),
                  (date(2026, 5, 29), D("300.00"))],
    )  # fmt: skip
    # First instalment paid on time: nothing is sent, the plan goes on.
    payment_record(organisation=organisation, customer=invoice.customer, reference="P1",
                   date=date(2026, 3, 30), amount=D("300.00"), actor=actor)  # fmt: skip
    for day in (date(2026, 3, 17), date(2026, 4, 1), date(2026, 4, 20)):
        plan_of_day = run_and_send(organisation, day, actor).plan
        assert plan_of_day.messages == []
        assert plan_of_day.skipped[0].reason == "payment_plan"
    # The second one is missed: after the grace period the plan ends and reminders resume
    # with the next step of the scenario.
    run_and_send(organisation, date(2026, 5, 5), actor)
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == ("defaulted", date(2026, 5, 5))
    assert steps() == [(date(2026, 3, 9), "reminder_1"), (date(2026, 5, 5), "reminder_2")]
    assert PaymentPlan.objects.get().status == "defaulted"


def test_a_plan_paid_off_is_completed(organisation, invoice, actor):
    from relance.dunning.services import payment_plan_create, payment_plans_check
    from relance.ledger.services import payment_record

    plan = payment_plan_create(customer=invoice.customer, invoices=[invoice],
                               schedule=[(date(2026, 3, 31), D("900.00"))],
                               day=date(2026, 3, 10), actor=actor)  # fmt: skip
    payment_record(organisation=organisation, customer=invoice.customer, reference="P1",
                   date=date(2026, 3, 25), amount=D("900.00"), actor=actor)  # fmt: skip
    assert payment_plans_check(organisation=organisation, day=date(2026, 3, 26), actor=actor) == 0
    plan.refresh_from_db()
    assert plan.status == "completed"
