"""The daily run on a real database: recorded once, idempotent, resumable, per organisation."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from relance.accounts.audit import Actor
from relance.dunning.completion import reminders_complete
from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    InstalmentDunning,
    Promise,
    Reminder,
    ReminderItem,
)
from relance.dunning.run import day_plan, run_day
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create, invoice_create, payment_record
from tests.days import run_and_send

D = Decimal
DUE = date(2026, 3, 2)  # a Monday


@pytest.fixture
def ledger(organisation, actor):
    k1 = customer_create(
        organisation=organisation, external_ref="K1", name="Garage Martin", actor=actor
    )
    k2 = customer_create(
        organisation=organisation, external_ref="K2", name="Hôtel du Parc", actor=actor
    )
    for number, customer, due, amount in (
        ("F-1", k1, DUE, "1000.00"),
        ("F-2", k1, DUE, "250.00"),
        ("F-3", k2, DUE, "80.00"),
    ):
        invoice_create(
            organisation=organisation,
            customer=customer,
            number=number,
            issue_date=date(2026, 2, 1),
            due_date=due,
            amount_incl_tax=D(amount),
            actor=actor,
        )
    return k1, k2


def run(organisation, day, **options):
    return run_day(organisation=organisation, day=day, actor=Actor.system("test"), **options)


def test_run_records_one_message_per_customer_and_is_idempotent(organisation, ledger):
    first = run(organisation, date(2026, 3, 9))
    assert first.ready == 2 and first.todo == 0
    reminders = Reminder.objects.order_by("customer__external_ref")
    assert [(r.customer.external_ref, r.step, r.status, r.amount_due) for r in reminders] == [
        ("K1", "reminder_1", "ready", D("1250.00")),
        ("K2", "reminder_1", "ready", D("80.00")),
    ]
    assert ReminderItem.objects.count() == 3
    # Planned is not done: no item has reached its step, nobody was contacted yet.
    assert not InstalmentDunning.objects.exists()
    assert not CustomerDunning.objects.exclude(last_contact_on=None).exists()
    again = run(organisation, date(2026, 3, 9))
    assert again.plan.messages == [] and Reminder.objects.count() == 2
    assert {skip.reason for skip in again.plan.skipped} == {"in_progress"}
    # Sent the next day: the steps count from then.
    reminders_complete(reminder_ids=[r.pk for r in reminders], on=date(2026, 3, 10))
    assert set(InstalmentDunning.objects.values_list("last_step", "last_step_on")) == {
        ("reminder_1", date(2026, 3, 10))
    }
    assert CustomerDunning.objects.filter(last_contact_on=date(2026, 3, 10)).count() == 2
    assert run(organisation, date(2026, 3, 9)).plan.messages == []


def test_dry_run_and_plan_record_nothing(organisation, ledger):
    summary = run(organisation, date(2026, 3, 9), dry_run=True)
    assert len(summary.plan.messages) == 2
    assert not Reminder.objects.exists() and not InstalmentDunning.objects.exists()
    assert len(day_plan(organisation, day=date(2026, 3, 9)).messages) == 2


def test_catch_up_after_missed_days_and_manual_steps_go_to_the_todo(organisation, ledger):
    run_and_send(organisation, date(2026, 3, 9), Actor.system("test"))
    summary = run(organisation, date(2026, 3, 25))  # missed 17 (reminder_2) and 23 (call_1)
    steps = sorted(Reminder.objects.filter(run_date=date(2026, 3, 25)).values_list(
        "step", "status"))  # fmt: skip
    assert steps == [("call_1", "todo"), ("call_1", "todo")]
    assert summary.todo == 2


def test_paid_disputed_and_promised_items_are_not_reminded(organisation, ledger, actor):
    k1, k2 = ledger
    payment_record(
        organisation=organisation,
        customer=k1,
        reference="VIR-1",
        date=date(2026, 3, 5),
        amount=D("250.00"),
        invoice=Invoice.objects.get(number="F-2"),
        actor=actor,
    )
    Dispute.objects.create(
        organisation=organisation,
        invoice=Invoice.objects.get(number="F-1"),
        reason="Livraison incomplète",
        opened_on=date(2026, 3, 4),
    )
    promise = Promise.objects.create(
        organisation=organisation,
        customer=k2,
        promised_on=date(2026, 3, 20),
        amount=D("80.00"),
        recorded_on=date(2026, 3, 4),
    )
    promise.invoices.add(Invoice.objects.get(number="F-3"))
    plan = run(organisation, date(2026, 3, 9)).plan
    assert plan.messages == []
    assert sorted((s.customer_ref, s.reason) for s in plan.skipped) == [
        ("K1", "dispute"),
        ("K2", "promise"),
    ]


def test_command_line_json_matches_plan_and_second_run_prints_no_message(
    organisation, ledger, capsys
):
    call_command("plan", "--date", "2026-03-09", "--json")
    planned = json.loads(capsys.readouterr().out)
    call_command("run_day", "--date", "2026-03-09", "--json")
    done = json.loads(capsys.readouterr().out)
    assert planned == done
    assert [m["customer"] for m in done["messages"]] == ["K1", "K2"]
    assert done["messages"][0]["items"] == ["F-1", "F-2"]
    call_command("run_day", "--date", "2026-03-09", "--json")
    assert json.loads(capsys.readouterr().out)["messages"] == []
    # The day's reminders are done (these customers have no e-mail address: by hand).
    reminders_complete(reminder_ids=list(Reminder.objects.values_list("id", flat=True)),
                       on=date(2026, 3, 9))  # fmt: skip
    call_command("run_day", "--date", "2026-03-25")
    text = capsys.readouterr().out
    # The command runs the whole cycle: segments first (a year late makes a bad payer, whose
    # scenario has its last warning at J+20), then the day.
    assert "last_warning" in text and "À faire (manuel) : 2" in text


def test_runs_are_per_organisation(organisation, other_organisation, ledger, actor):
    other = customer_create(
        organisation=other_organisation, external_ref="K1", name="Autre", actor=actor, country="BE"
    )
    invoice_create(
        organisation=other_organisation,
        customer=other,
        number="F-1",
        issue_date=date(2026, 2, 1),
        due_date=DUE,
        amount_incl_tax=D("10.00"),
        actor=actor,
    )
    run(organisation, date(2026, 3, 9))
    assert not Reminder.objects.filter(organisation=other_organisation).exists()
    assert Reminder.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_record_each_message_once(organisation, ledger):
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            run(organisation, date(2026, 3, 9))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reminder.objects.count() == 2 and ReminderItem.objects.count() == 3


def test_steps_move_off_the_customers_own_public_holidays(organisation, actor):
    # reminder_1 (J+5) of an invoice due on Sunday 29 March 2026 falls on Good Friday, 3 April:
    # a working day in Paris, a public holiday in Strasbourg (then the weekend, then Easter
    # Monday), so Strasbourg is written to on Tuesday 7 April.
    for ref, postal_code in (("PARIS", "75011"), ("STRAS", "67000")):
        customer = customer_create(
            organisation=organisation, external_ref=ref, name=ref, actor=actor
        )
        customer.postal_code = postal_code
        customer.save(update_fields=["postal_code"])
        invoice_create(
            organisation=organisation,
            customer=customer,
            number=f"F-{ref}",
            issue_date=date(2026, 3, 1),
            due_date=date(2026, 3, 29),
            amount_incl_tax=D("500.00"),
            actor=actor,
        )
    sent = {}
    for day in range(3, 8):
        for message in run(organisation, date(2026, 4, day)).plan.messages:
            sent[message.customer_ref] = date(2026, 4, day)
    assert sent == {"PARIS": date(2026, 4, 3), "STRAS": date(2026, 4, 7)}


def test_a_segment_can_be_chased_with_another_scenario(organisation, ledger):
    from relance.dunning.models import Scenario, Segment
    from relance.dunning.scenarios import scenarios_ensure_presets
    from relance.dunning.segments import segments_ensure_defaults

    k1, _ = ledger
    scenarios_ensure_presets(organisation)
    segments_ensure_defaults(organisation)
    CustomerDunning.objects.create(customer=k1, segment="vip", segment_is_manual=True)
    # vip's first step is at J+10: nothing for K1 on 5 March...
    assert [m.customer_ref for m in day_plan(organisation, day=date(2026, 3, 5)).messages] == []
    # ...until the vip segment is chased with the bad payer scenario (J+3).
    Segment.objects.filter(organisation=organisation, key="vip").update(
        scenario=Scenario.objects.get(organisation=organisation, key="bad_payer")
    )
    messages = day_plan(organisation, day=date(2026, 3, 5)).messages
    assert [(m.customer_ref, m.step.key) for m in messages] == [("K1", "reminder_1")]


def test_the_belgian_consumer_wait_comes_from_the_regime_parameters_file():
    from relance.core.planner import Rules
    from relance.dunning.run import belgian_consumer_wait

    assert belgian_consumer_wait() == (14, 3, 1)
    assert Rules().be_consumer_wait == belgian_consumer_wait()  # the pure default agrees
