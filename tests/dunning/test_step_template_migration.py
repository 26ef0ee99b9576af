"""The data migrations that gave steps their template and templates their kind: what left
before leaves the same afterwards."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from relance.accounts.audit import Actor
from relance.channels.message_templates import message_template_save
from relance.channels.models import MessageTemplate
from relance.channels.templating.default_templates import default_source
from relance.dunning.models import Scenario, ScenarioStep

STEPS = [  # key, channel, template as stored before, template expected after
    ("reminder_1", "email", "reminder_2", "reminder_1"),  # it was written with its key's
    ("texto", "sms", "texto", "sms"),
    ("appel", "call", "appel", "call_1"),
    ("call_2", "call", "", "call_2"),
    ("juridique", "legal", "", "legal"),
    ("arrangement", "email", "reminder_2", "reminder_2"),  # wrote nothing: keeps its wish
    ("lettre", "letter", "", ""),  # same: flagged on the scenario page
]


def test_steps_keep_the_template_they_were_written_with(organisation):
    scenario = Scenario.objects.create(organisation=organisation, key="ancien", name="Ancien")
    ScenarioStep.objects.bulk_create(
        ScenarioStep(scenario=scenario, position=n, key=key, offset_days=n * 5, channel=channel,
                     mode="manual", template=template)
        for n, (key, channel, template, _after) in enumerate(STEPS)
    )  # fmt: skip
    migration = import_module("relance.dunning.migrations.0009_reminder_template")
    migration.name_the_templates_used(apps, None)
    found = dict(ScenarioStep.objects.filter(scenario=scenario).values_list("key", "template"))
    assert found == {key: after for key, _channel, _before, after in STEPS}


def test_stored_templates_get_their_kind(organisation):
    for key in ("sms", "call_2", "formal_notice", "reminder_1"):
        message_template_save(
            organisation=organisation, key=key, language="fr", actor=Actor.system("test"),
            sources={part: default_source(key, "fr", part) for part in ("subject", "text", "html")
                     if part in {"sms": ("text",), "call_2": ("text",)}.get(key, (part,))},
        )  # fmt: skip
    MessageTemplate.objects.update(kind="email")  # as the column's default left them
    import_module("relance.channels.migrations.0008_messagetemplate_kind").set_kinds(apps, None)
    kinds = dict(MessageTemplate.objects.values_list("key", "kind"))
    assert kinds == {"sms": "sms", "call_2": "call", "formal_notice": "letter",
                     "reminder_1": "email"}  # fmt: skip
