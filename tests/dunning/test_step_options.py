"""Step options through the database: the YAML, the editor, the run, and the channels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from relance.accounts.services import user_create
from relance.channels.compose import message_context, outbox_fill
from relance.channels.models import OutboundMessage
from relance.channels.outbox import send_due
from relance.core import scenario as core
from relance.dunning.completion import reminders_complete
from relance.dunning.models import CustomerDunning, InstalmentDunning, Reminder, Scenario
from relance.dunning.run import run_day
from relance.dunning.scenario_edit import ScenarioEditError, scenario_step_add
from relance.dunning.scenarios import scenarios_export, scenarios_import, scenarios_of
from relance.ledger.models import Customer
from relance.ledger.services import contact_add, customer_create, invoice_create

OPTIONS_YAML = """
scenarios:
  - key: options
    name: Options
    steps:
      - {key: reminder_1, offset: 5, channel: email, mode: auto, repeat_every: 7,
         repeat_times: 3, pay_within: 10, copy_collector: bcc, attach_invoices: false,
         fallback: true}
      - {key: sms, offset: 20, channel: sms, mode: auto, repeat_every: 10, fallback: true}
      - {key: last_warning, offset: 40, channel: email, mode: manual, suspension: true,
         copy_collector: cc}
"""


def test_yaml_round_trip_of_the_step_options(organisation, actor):
    scenarios_import(organisation=organisation, text=OPTIONS_YAML, actor=actor)
    stored = {s.key: s for s in scenarios_of(organisation).values()}["options"]
    first, sms, last = stored.steps
    assert (first.repeat_every, first.repeat_times, first.pay_within) == (7, 3, 10)
    assert (first.copy_collector, first.attach_invoices, first.fallback) == ("bcc", False, True)
    assert (sms.repeat_every, sms.repeat_times) == (10, 0)  # until paid
    assert last.suspension and last.copy_collector == "cc"
    exported = yaml.safe_load(scenarios_export(organisation))
    again = next(s for s in exported["scenarios"] if s["key"] == "options")
    assert again["steps"][1] == {
        "key": "sms", "offset": 20, "channel": "sms", "mode": "auto", "template": "sms",
        "tone": "neutral", "penalties": "none", "min_amount": "0.00", "repeat_every": 10,
        "fallback": True,
    }  # fmt: skip  # only the options that are set
    assert core.scenario_from_data(again) == stored
    keys = [s["key"] for s in exported["scenarios"]]
    assert {"six_stages", "three_emails_call"} <= set(keys)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"repeat_times": 3}, "repeat_every"),  # three repeats every 0 days
        ({"repeat_every": -7}, "repeat_every"),
        ({"repeat_every": 7, "repeat_times": 99}, "repeat_times"),
        ({"pay_within": 400}, "pay_within"),
        ({"copy_collector": "to"}, "copy_collector"),
        ({"fallback": True, "mode": "manual"}, "fallback"),
        ({"suspension": True}, "suspension"),  # automatic: a person decides a suspension
        ({"channel": "formal_notice", "mode": "manual", "repeat_every": 7}, "repeat_every"),
        ({"channel": "call", "mode": "manual", "copy_collector": "cc"}, "copy_collector"),
    ],
)
def test_the_editor_refuses_impossible_options(organisation, actor, options, field):
    run_day(organisation=organisation, day=date(2026, 3, 2), actor=actor)  # the presets
    standard = Scenario.objects.get(organisation=organisation, key="standard")
    fields = {"key": "reminder_3", "offset_days": 25, "channel": "email", "mode": "auto",
              **options}  # fmt: skip
    with pytest.raises(ScenarioEditError) as refused:
        scenario_step_add(scenario=standard, step=core.Step(**fields), actor=actor)
    assert refused.value.field == field
    assert not standard.steps.filter(key="reminder_3").exists()


def ledger(organisation, actor, *, email: str = "", phone: str = "") -> Customer:
    organisation.iban, organisation.sender_email = "FR7630006000011234567890189", "r@a.example"
    organisation.save()
    collector = user_create(email="camille@atelier.example", organisation=organisation,
                            role="collector", actor=actor)  # fmt: skip
    customer = customer_create(organisation=organisation, external_ref="K-1", actor=actor,
                               name="Boulangerie Lefèvre SARL")  # fmt: skip
    customer.collector = collector
    customer.address_line1, customer.postal_code, customer.city = (
        "8 place du Marché",
        "69002",
        "Lyon",
    )
    customer.save()
    if email or phone:
        contact_add(customer=customer, email=email, phone=phone, is_primary=True, actor=actor)
    invoice_create(organisation=organisation, customer=customer, number="F-101",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                   amount_incl_tax=Decimal("1234.56"), actor=actor)  # fmt: skip
    scenarios_import(organisation=organisation, text=OPTIONS_YAML, actor=actor)
    CustomerDunning.objects.create(customer=customer, scenario=Scenario.objects.get(key="options"))
    return customer


def test_a_blind_copy_reaches_the_collector_without_a_header(organisation, actor, smtp_server):
    ledger(organisation, actor, email="compta@lefevre.example")
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    assert send_due(worker="w1").sent == 1
    message = smtp_server.messages[0]
    assert smtp_server.envelopes[0] == ["compta@lefevre.example", "camille@atelier.example"]
    assert message["Cc"] is None and message["Bcc"] is None
    assert str(message["To"]) == "compta@lefevre.example"
    stored = OutboundMessage.objects.get()
    assert stored.blind_copy == ["camille@atelier.example"] and stored.attachments == []
    # pay_within 10: 9 March + 10 = Thursday 19 March, the date a template prints as deadline
    reminder = Reminder.objects.select_related("customer", "organisation").get()
    assert message_context(reminder, today=date(2026, 3, 9)).deadline == date(2026, 3, 19)


def test_no_address_falls_back_to_a_letter_on_the_todo_saying_why(organisation, actor):
    ledger(organisation, actor)
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    counts = outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    assert counts["fallback"] == 1 and counts["no_address"] == 0 and counts["queued"] == 0
    reminder = Reminder.objects.get()
    assert (reminder.channel, reminder.status) == ("letter", "todo")
    assert "relance faite par courrier" in reminder.notes[-1]


def test_no_phone_falls_back_to_an_email(organisation, actor):
    customer = ledger(organisation, actor, email="compta@lefevre.example")
    # reminder_1 done on 9 March (and repeated to its limit); the SMS step is due at J+20
    InstalmentDunning.objects.create(
        instalment=customer.instalments.get(), last_step="reminder_1",
        last_step_on=date(2026, 3, 16), repeats=3,
    )  # fmt: skip
    run_day(organisation=organisation, day=date(2026, 3, 23), actor=actor)
    counts = outbox_fill(organisation=organisation, day=date(2026, 3, 23), actor=actor)
    assert counts["fallback"] == 1 and counts["queued"] == 1 and counts["sms"] == 0
    reminder = Reminder.objects.get()
    assert reminder.channel == "email" and "relance faite par e-mail" in reminder.notes[-1]
    # Written with an e-mail template of the step's tone, not the SMS text.
    assert reminder.template == "reminder_2"
    message = OutboundMessage.objects.get()
    assert message.recipients == ["compta@lefevre.example"]
    assert message.subject.startswith("Deuxième rappel") and message.body_html


def test_a_repeat_is_recorded_and_counted_once_done(organisation, actor):
    customer = ledger(organisation, actor, email="compta@lefevre.example")
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    first = Reminder.objects.get()
    reminders_complete(reminder_ids=[first.pk], on=date(2026, 3, 9))
    run_day(organisation=organisation, day=date(2026, 3, 13), actor=actor)  # too soon
    run_day(organisation=organisation, day=date(2026, 3, 16), actor=actor)
    repeat = Reminder.objects.exclude(pk=first.pk).get()
    assert (repeat.step, repeat.options["repeat"]) == ("reminder_1", 1)
    assert repeat.items.get().repeat == 1
    reminders_complete(reminder_ids=[repeat.pk], on=date(2026, 3, 16))
    state = InstalmentDunning.objects.get(instalment__customer=customer)
    assert (state.last_step, state.last_step_on, state.repeats) == (
        "reminder_1", date(2026, 3, 16), 1,
    )  # fmt: skip
