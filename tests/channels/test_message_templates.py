"""An organisation's own templates in the composition path: used when present, read once."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.accounts.models import AuditEvent
from relance.channels.compose import compose_sms_text, outbox_fill
from relance.channels.message_templates import (
    message_template_save,
    render_message,
    sample_context,
)
from relance.channels.models import MessageTemplate, OutboundMessage
from relance.channels.templating.context import StepInfo
from relance.channels.templating.default_templates import default_source, render_default
from relance.dunning.models import Reminder
from relance.dunning.run import run_day
from relance.ledger.models import Customer
from tests.channels.test_compose import ledger

STEP = StepInfo(key="reminder_1", tone="courteous", penalties="none")


def parts(key="reminder_1", language="fr", **change):
    found = {p: default_source(key, language, p) for p in ("subject", "text", "html")}
    return {**found, **change}


def test_without_a_template_of_its_own_the_default_is_rendered(organisation):
    context = sample_context("de", step=STEP)
    assert render_message(context, organisation_id=organisation.pk) == render_default(context)


def test_a_template_is_used_for_its_organisation_and_language_only(
    organisation, other_organisation, actor
):
    message_template_save(organisation=organisation, key="reminder_1", language="fr",
                          sources=parts(subject="Chez nous"), actor=actor)  # fmt: skip
    french, dutch = sample_context("fr", step=STEP), sample_context("nl", step=STEP)
    assert render_message(french, organisation_id=organisation.pk).subject == "Chez nous"
    assert render_message(dutch, organisation_id=organisation.pk) == render_default(dutch)
    theirs = render_message(french, organisation_id=other_organisation.pk)
    assert theirs == render_default(french)


def test_saving_the_same_template_twice_records_one_change(organisation, actor):
    for _ in range(2):
        message_template_save(organisation=organisation, key="sms", language="fr",
                              sources={"text": "Bonjour {{ customer.name }}"},
                              actor=actor)  # fmt: skip
    assert MessageTemplate.objects.count() == 1
    assert AuditEvent.objects.filter(action="message_template_save").count() == 1


def test_the_days_batch_reads_the_templates_once(organisation, actor, smtp_server):
    ledger(organisation, actor)
    for language in ("fr", "nl"):
        message_template_save(organisation=organisation, key="reminder_1", language=language,
                              sources=parts(language=language, subject="Rappel {{ today|date }}"),
                              actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    with CaptureQueriesContext(connection) as queries:
        counts = outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    assert counts["queued"] == 2
    reads = [q for q in queries.captured_queries if "channels_messagetemplate" in q["sql"]]
    assert len(reads) == 1
    assert sorted(OutboundMessage.objects.values_list("subject", flat=True)) == [
        "Rappel 09-03-2026", "Rappel 09/03/2026",
    ]  # fmt: skip


def test_the_sms_text_follows_the_organisations_template(organisation, actor):
    ledger(organisation, actor)
    text = "{{ customer.name }} : {{ total_overdue|money }} dus."
    message_template_save(organisation=organisation, key="sms", language="fr",
                          sources={"text": text}, actor=actor)  # fmt: skip
    customer = Customer.objects.get(organisation=organisation, external_ref="K-FR")
    draft = Reminder(organisation=organisation, customer=customer, step="reminder_1",
                     channel="sms", mode="auto", currency="EUR", penalties="none")  # fmt: skip
    assert compose_sms_text(draft, today=date(2026, 3, 9)) == (
        "Boulangerie Lefèvre SARL : 1 234,56 € dus."  # plain spaces: GSM-7, 160 a SMS
    )
