"""Every step has its template: the one it names is the one its messages are written with;
a new name is created for the organisation, a template its channel cannot carry is refused,
and a template that went missing sends the reminder to the to-do with the true reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.channels.compose import outbox_fill
from relance.channels.message_templates import message_template_save
from relance.channels.models import MessageTemplate
from relance.channels.outbox import send_due
from relance.channels.step_templates import (
    scenario_step_save,
    scenarios_import_with_templates,
    step_template_warnings,
)
from relance.channels.templating.default_templates import default_source
from relance.core import scenario as core
from relance.core.scenario import ScenarioError
from relance.dunning.models import CustomerDunning, Reminder, ScenarioStep
from relance.dunning.run import run_day
from relance.dunning.scenario_edit import ScenarioEditError, scenario_create
from relance.ledger.models import Customer
from tests.channels.test_compose import ledger, parts

DAY = date(2026, 3, 9)  # the invoices fell due on 2 March


@pytest.fixture(autouse=True)
def french():
    """The messages are read in French, whatever an earlier test left active."""
    with translation.override("fr"):
        yield


def step(key: str, **fields: object) -> core.Step:
    values: dict[str, object] = {"offset_days": 3, "channel": "email", "mode": "auto",
                                 "tone": "neutral", **fields}  # fmt: skip
    return core.Step(key=key, min_amount=Decimal("0.00"), **values)  # type: ignore[arg-type]


@pytest.fixture
def house(organisation, actor):
    """A scenario of the organisation's own, given to the French customer (K-FR)."""
    ledger(organisation, actor)
    scenario = scenario_create(organisation=organisation, key="maison", name="Maison",
                               actor=actor)  # fmt: skip
    CustomerDunning.objects.create(customer=Customer.objects.get(external_ref="K-FR"),
                                   scenario=scenario)  # fmt: skip
    return scenario


def test_a_new_step_naming_a_shipped_template_sends_that_text(house, actor, smtp_server):
    """Before: the step's own key had no template, and its reminder landed on the to-do as
    "Aucune adresse e-mail pour ce client." although the customer has one."""
    scenario_step_save(scenario=house, step=step("arrangement", template="reminder_2"),
                       actor=actor)  # fmt: skip
    assert not MessageTemplate.objects.filter(key="arrangement").exists()  # nothing to create
    run_day(organisation=house.organisation, day=DAY, actor=actor)
    counts = outbox_fill(organisation=house.organisation, day=DAY, actor=actor)
    reminder = Reminder.objects.get(customer__external_ref="K-FR")
    assert (reminder.step, reminder.template, reminder.status) == ("arrangement", "reminder_2",
                                                                   "ready")  # fmt: skip
    assert counts["no_address"] == 1  # K-NOMAIL only: the standard scenario, no address
    assert send_due(worker="w1").sent == 2
    sent = next(m for m in smtp_server.messages if str(m["To"]) == "compta@lefevre.example")
    assert str(sent["Subject"]) == "Deuxième rappel : facture N° F-101 impayée"
    text = parts(sent)["text/plain"]
    assert "Malgré notre précédent rappel" in text and "F-101" in text


def test_a_new_template_name_is_created_from_a_fitting_default(house, actor, smtp_server):
    organisation = house.organisation
    created = scenario_step_save(scenario=house, step=step("doux", tone="courteous"), actor=actor)
    assert created == ["doux"]
    rows = MessageTemplate.objects.filter(organisation=organisation, key="doux")
    assert sorted(rows.values_list("language", "kind")) == [
        ("de", "email"), ("en", "email"), ("fr", "email"), ("nl", "email")]  # fmt: skip
    assert rows.get(language="nl").subject == default_source("reminder_1", "nl", "subject")
    assert AuditEvent.objects.filter(action="message_template_create", entity_id="doux").exists()
    message_template_save(
        organisation=organisation, key="doux", language="fr", actor=actor,
        sources={"subject": "Un petit mot, {{ customer.name }}",
                 "text": "Bonjour,\n\nIl reste {{ total_overdue|money }} à régler.\n",
                 "html": ""},
    )  # fmt: skip
    run_day(organisation=organisation, day=DAY, actor=actor)
    outbox_fill(organisation=organisation, day=DAY, actor=actor)
    send_due(worker="w1")
    sent = next(m for m in smtp_server.messages if str(m["To"]) == "compta@lefevre.example")
    assert str(sent["Subject"]) == "Un petit mot, Boulangerie Lefèvre SARL"
    text = parts(sent)["text/plain"].replace("\r\n", "\n")
    assert text == "Bonjour,\n\nIl reste 1\u202f234,56\xa0€ à régler.\n"


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"template": "call_1"}, "un script d'appel"),
        ({"channel": "sms", "template": "reminder_1"}, "un e-mail"),
        ({"channel": "call", "mode": "manual", "template": "legal"}, "une note de transmission"),
    ],
)
def test_a_template_the_channel_cannot_carry_is_refused(house, actor, fields, kind):
    with pytest.raises(ScenarioEditError) as refused:
        scenario_step_save(scenario=house, step=step("essai", **fields), actor=actor)
    assert refused.value.field == "template"
    assert f"est {kind}" in refused.value.message
    assert not ScenarioStep.objects.filter(scenario=house).exists()


def test_an_sms_or_a_call_step_gets_a_template_of_its_kind(house, actor):
    scenario_step_save(scenario=house, step=step("texto", channel="sms"), actor=actor)
    scenario_step_save(scenario=house, actor=actor,
                       step=step("appel_ferme", offset_days=9, channel="call", mode="manual",
                                 tone="firm"))  # fmt: skip
    texto = MessageTemplate.objects.get(key="texto", language="de")
    assert (texto.kind, texto.text, texto.subject) == ("sms", default_source("sms", "de", "text"),
                                                       "")  # fmt: skip
    call = MessageTemplate.objects.get(key="appel_ferme", language="fr")
    assert (call.kind, call.text) == ("call", default_source("call_2", "fr", "text"))


def test_a_missing_template_goes_to_the_todo_with_the_true_reason(house, actor):
    scenario_step_save(scenario=house, step=step("arrangement"), actor=actor)
    MessageTemplate.objects.filter(key="arrangement", language="fr").delete()
    warnings = step_template_warnings(house.organisation_id, [step("arrangement")])
    assert warnings == [
        "Le modèle « arrangement » n'est pas écrit en fr : les messages de "
        "l'étape « arrangement » à ces clients iront sur la liste des tâches."
    ]
    run_day(organisation=house.organisation, day=DAY, actor=actor)
    counts = outbox_fill(organisation=house.organisation, day=DAY, actor=actor)
    assert counts["no_template"] == 1
    reminder = Reminder.objects.get(customer__external_ref="K-FR")
    assert reminder.status == "todo"
    assert reminder.notes[-1] == "Pas de modèle « arrangement » pour l'étape « arrangement » (fr)."


def test_scenarios_imported_get_their_templates_or_are_refused(organisation, actor):
    text = """
scenarios:
  - key: import
    name: Importé
    steps:
      - {key: courtois, offset: 2, channel: email, mode: auto, tone: courteous}
      - {key: relance_lettre, offset: 12, channel: letter, mode: manual, template: reminder_2}
      - {key: depot, offset: 30, channel: formal_notice, mode: manual, tone: formal}
"""
    scenarios_import_with_templates(organisation=organisation, text=text, actor=actor)
    kinds = dict(MessageTemplate.objects.filter(language="en").values_list("key", "kind"))
    assert kinds == {"courtois": "email", "depot": "letter"}
    wrong = text.replace("template: reminder_2", "template: sms")
    with pytest.raises(
        ScenarioError, match="étape « relance_lettre » : Le modèle « sms » est un SMS"
    ):
        scenarios_import_with_templates(
            organisation=organisation, text=wrong, actor=Actor.system("t")
        )
