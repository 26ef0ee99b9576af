"""The editor of a step's template for people who write text: a template of the organisation's
own, the HTML made from the text, the insertions, and a test sent to oneself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.channels.message_templates import sample_context
from relance.channels.models import MessageTemplate, OutboundMessage
from relance.channels.step_templates import scenario_step_save
from relance.channels.templating import LANGUAGES, StepInfo, render
from relance.channels.templating.text_to_html import html_from_text
from relance.core import scenario as core
from relance.dunning.models import Reminder
from relance.dunning.scenario_edit import scenario_create
from relance.ledger.services import contact_add, customer_create, invoice_create
from relance.web.templates_editor.variables import insertions
from tests.channels.test_compose import parts

TEXT = "Goedendag {{ customer.name }},\n\nU bent ons {{ total_overdue|money }} verschuldigd.\n"


@pytest.fixture
def own_template(organisation):
    """A step of the organisation's own scenario, with its template created for it."""
    scenario = scenario_create(organisation=organisation, key="maison", name="Maison",
                               actor=Actor.system("test"))  # fmt: skip
    step = core.Step(key="arrangement", offset_days=8, channel="email", mode="auto")
    scenario_step_save(scenario=scenario, step=step, actor=Actor.system("test"))
    return "arrangement"


@pytest.fixture
def customer(organisation):
    actor = Actor.system("test")
    found = customer_create(organisation=organisation, external_ref="K-NL", name="Bakkerij Peeters",
                            country="BE", language="nl", actor=actor)  # fmt: skip
    contact_add(customer=found, email="boekhouding@peeters.example", is_primary=True, actor=actor)
    invoice_create(organisation=organisation, customer=found, number="F-7", actor=actor,
                   issue_date=date(2026, 1, 5), due_date=date(2026, 2, 4),
                   amount_incl_tax=Decimal("1500.00"))  # fmt: skip
    return found


def edit_url(organisation, key: str, language: str, name: str = "template_edit") -> str:
    return reverse(name, kwargs={"org": organisation.slug, "key": key, "language": language})


def test_the_list_shows_the_organisations_own_template_and_its_step(
    collector, organisation, own_template
):
    page = collector.get(reverse("templates", kwargs={"org": organisation.slug}))
    row = next(row for row in page.context["rows"] if row["key"] == own_template)
    assert row["kind"] == "email" and not row["shipped"]
    assert [(use.scenario, use.step) for use in row["used"]] == [("Maison", "arrangement")]
    edit = collector.get(edit_url(organisation, own_template, "nl"))
    assert edit.status_code == 200
    assert "Revenir au modèle par défaut" not in edit.content.decode()  # no default to go back to
    assert collector.get(edit_url(organisation, "nulle_part", "nl")).status_code == 404


def test_the_html_is_made_from_the_text_unless_asked_to_edit_it(
    collector, organisation, own_template
):
    data = {"subject": "Herinnering", "text": TEXT, "html": "<p>ignored</p>", "tone": "neutral",
            "penalties": "none", "customer": "", "action": "save"}  # fmt: skip
    assert collector.post(edit_url(organisation, own_template, "nl"), data).status_code == 302
    saved = MessageTemplate.objects.get(key=own_template, language="nl")
    assert saved.html == html_from_text(TEXT, "nl") and "ignored" not in saved.html
    assert "<p>U bent ons {{ total_overdue|money }} verschuldigd.</p>" in saved.html
    page = collector.get(edit_url(organisation, own_template, "nl"))
    assert page.context["form"].initial["edit_html"] is False  # generated: keeps following
    hand_made = {**data, "html": "<p>Eigen HTML</p>", "edit_html": "on"}
    collector.post(edit_url(organisation, own_template, "nl"), hand_made)
    assert MessageTemplate.objects.get(key=own_template, language="nl").html == "<p>Eigen HTML</p>"
    assert (
        collector.get(edit_url(organisation, own_template, "nl"))
        .context["form"]
        .initial["edit_html"]
    )


def test_the_preview_of_the_text_shows_the_statement_table(collector, organisation, customer):
    statement = next(i.code for i in insertions("nl") if "statement" in i.code)
    data = {"subject": "Herinnering", "text": f"Goedendag,\n\n{statement}\nTot ziens\n",
            "tone": "neutral", "penalties": "none", "customer": str(customer.uuid)}  # fmt: skip
    response = collector.post(edit_url(organisation, "reminder_2", "nl", "template_preview"), data)
    preview = response.context["preview"]
    assert not preview.errors
    assert "<table" in preview.html and "F-7" in preview.html and "Tot ziens" in preview.html
    assert preview.report is not None and "F-7" in preview.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_insertion_renders_in_the_sandbox(language):
    """Each plain-word insertion prints for a debtor with and without penalties and deadline,
    in the text and in the HTML made from it."""
    for full in (True, False):
        context = sample_context(language, step=StepInfo(key="x"), full=full)
        for insertion in insertions(language):
            printed = render(insertion.code, context, html=False)
            assert "{" not in printed, insertion.label
            render(html_from_text(insertion.code, language), context, html=True)


def test_a_test_goes_to_the_user_only_marked_test(collector, organisation, customer, smtp_server):
    data = {"subject": "Herinnering {{ customer.name }}", "text": TEXT, "tone": "neutral",
            "penalties": "none", "customer": str(customer.uuid)}  # fmt: skip
    response = collector.post(edit_url(organisation, "reminder_1", "nl", "template_test"), data)
    assert response.status_code == 200 and "Test envoyé à collector@atelier.example" in (
        response.content.decode()
    )
    [sent] = smtp_server.messages
    assert str(sent["To"]) == "collector@atelier.example"
    assert str(sent["Subject"]) == "[TEST] Herinnering Bakkerij Peeters"
    text = parts(sent)["text/plain"].replace("\r\n", "\n")
    assert text == "Goedendag Bakkerij Peeters,\n\nU bent ons €\xa01.500,00 verschuldigd.\n"
    assert "<p>Goedendag Bakkerij Peeters,</p>" in parts(sent)["text/html"]
    assert not OutboundMessage.objects.exists() and not Reminder.objects.exists()
    assert not MessageTemplate.objects.exists()  # a test saves nothing either


def test_a_test_needs_a_real_customer_and_a_template_that_renders(
    collector, organisation, customer, smtp_server
):
    data = {"subject": "Herinnering", "text": TEXT, "tone": "neutral", "penalties": "none"}
    target = edit_url(organisation, "reminder_1", "nl", "template_test")
    no_customer = collector.post(target, {**data, "customer": ""})
    assert no_customer.status_code == 400 and "Choisissez un client" in no_customer.content.decode()
    broken = collector.post(
        target, {**data, "text": "{{ montant }}", "customer": str(customer.uuid)}
    )
    assert broken.status_code == 400 and "Corrigez le modèle" in broken.content.decode()
    assert smtp_server.messages == []


def test_a_viewer_cannot_send_a_test(viewer, organisation, customer, smtp_server):
    data = {"subject": "x", "text": TEXT, "tone": "neutral", "penalties": "none",
            "customer": str(customer.uuid)}  # fmt: skip
    response = viewer.post(edit_url(organisation, "reminder_1", "nl", "template_test"), data)
    assert response.status_code == 403 and smtp_server.messages == []
