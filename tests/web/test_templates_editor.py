"""Templates editor: an organisation's own wording, checked in the sandbox, used when sending."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.channels.compose import outbox_fill
from relance.channels.letter.compose import compose_letter
from relance.channels.letter.pdf import letters_pdf
from relance.channels.message_templates import message_template_save
from relance.channels.models import MessageTemplate, OutboundMessage
from relance.channels.templating.default_templates import default_source
from relance.dunning.models import Reminder
from relance.dunning.run import run_day
from relance.ledger.models import Customer
from relance.ledger.services import customer_create
from tests.channels.test_compose import ledger


def url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def edit_url(organisation, key="reminder_1", language="fr", name="template_edit") -> str:
    return url(name, organisation, key=key, language=language)


def sources(key="reminder_1", language="fr", **change) -> dict[str, str]:
    parts = {part: default_source(key, language, part) for part in ("subject", "text", "html")}
    return {**parts, "tone": "courteous", "penalties": "none", "customer": "", "edit_html": "on",
            **change}  # fmt: skip


SUBJECT = "Facture {{ items[0].number }} : un petit rappel de {{ organisation.name }}"


def test_list_shows_every_step_and_language(collector, organisation):
    page = collector.get(url("templates", organisation)).content.decode()
    for text in ("reminder_1", "formal_notice", "call_1", "sms", "Nederlands", "Deutsch",
                 "par défaut", edit_url(organisation, "legal", "de")):  # fmt: skip
        assert text in page, text


def test_editor_starts_from_the_default_with_its_preview_and_score(collector, organisation):
    page = collector.get(edit_url(organisation))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["subject"] == default_source("reminder_1", "fr", "subject")
    preview = page.context["preview"]
    assert not preview.errors and preview.report.score == 0
    body = page.content.decode()
    assert '<iframe class="preview-frame" sandbox' in body and "srcdoc=" in body
    assert "Score :" in body and "bon" in body
    nl = collector.get(edit_url(organisation, language="nl"))
    assert nl.context["form"].initial["text"] == default_source("reminder_1", "nl", "text")


def test_saved_subject_is_used_by_the_real_compose_path(collector, organisation, smtp_server):
    actor = Actor.system("test")
    ledger(organisation, actor)
    response = collector.post(edit_url(organisation), {**sources(subject=SUBJECT),
                                                       "action": "save"})  # fmt: skip
    assert response.status_code == 302
    stored = MessageTemplate.objects.get(organisation=organisation, key="reminder_1",
                                         language="fr")  # fmt: skip
    assert stored.subject == SUBJECT and stored.updated_by.email.startswith("collector")
    event = AuditEvent.objects.get(action="message_template_save")
    assert event.entity_id == "reminder_1/fr" and event.after["subject"] == SUBJECT
    assert event.before is None
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    french = OutboundMessage.objects.get(customer__external_ref="K-FR")
    assert french.subject == "Facture F-101 : un petit rappel de Atelier Dupont SAS"
    flemish = OutboundMessage.objects.get(customer__external_ref="K-BE")
    assert "F-102" in flemish.subject and "petit rappel" not in flemish.subject  # nl: default
    page = collector.get(url("templates", organisation)).content.decode()
    assert "personnalisé" in page


def test_reset_goes_back_to_the_default(collector, organisation):
    collector.post(edit_url(organisation), {**sources(subject=SUBJECT), "action": "save"})
    response = collector.post(edit_url(organisation, name="template_reset"), follow=True)
    assert "Modèle par défaut rétabli" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    assert response.context["form"].initial["subject"] == default_source("reminder_1", "fr",
                                                                         "subject")  # fmt: skip
    assert AuditEvent.objects.get(action="message_template_reset").before["subject"] == SUBJECT


@pytest.mark.parametrize(
    ("part", "source", "expected"),
    [
        ("subject", "{{ customer.__class__.__mro__ }}", "ligne 1 : opération interdite"),
        (
            "text",
            "Bonjour\n{% for item in items %}\n{{ item.number }}",
            "ligne 3 : erreur de syntaxe",
        ),
        ("html", "<p>{% include 'secret.html' %}</p>", "{% include %} n'est pas autorisée"),
        ("text", "{{ montant }}", "variable inconnue « montant »"),
        ("text", "{{ penalties.total }}", "ligne 1"),  # fails for a debtor without penalties
        ("subject", "", "obligatoire"),
    ],
)
def test_a_template_the_sandbox_refuses_is_not_saved(collector, organisation, part, source,
                                                     expected):  # fmt: skip
    response = collector.post(edit_url(organisation), {**sources(**{part: source}),
                                                       "action": "save"})  # fmt: skip
    assert response.status_code == 400
    assert expected in " ".join(response.context["form"].errors[part])
    assert expected.replace("'", "&#x27;") in response.content.decode()
    assert not MessageTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action="message_template_save").exists()


def test_live_preview_shows_errors_with_their_line_never_a_500(collector, organisation):
    hostile = "Bonjour,\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    response = collector.post(edit_url(organisation, name="template_preview"),
                              sources(text=hostile), HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="preview"') and "<html" not in body
    error = response.context["preview"].errors[0]
    assert (error.part, error.line) == ("text", 2) and "interdit" in error.message
    assert "__subclasses__" in error.excerpt
    assert not MessageTemplate.objects.exists()


def test_content_score_and_reasons_are_shown(collector, organisation):
    text = "URGENT !!! Cliquez ici pour payer {{ total_overdue|money }}."
    response = collector.post(edit_url(organisation), {**sources(text=text, html=""),
                                                       "action": "preview"})  # fmt: skip
    assert response.status_code == 200
    report = response.context["preview"].report
    assert report.score >= 5 and report.hold
    body = response.content.decode()
    assert "retenu" in body
    for reason in report.reasons:
        assert reason.message_fr.replace("'", "&#x27;") in body
    assert not MessageTemplate.objects.exists()


def test_preview_on_a_chosen_customer_found_by_the_picker(collector, organisation,
                                                         other_organisation, actor):  # fmt: skip
    ledger(organisation, actor)
    customer_create(organisation=other_organisation, external_ref="X", actor=actor,
                    name="Boulangerie Étrangère")  # fmt: skip
    options = collector.get(url("template_customers", organisation), {"q": "boulang"})
    assert "Lefèvre" in options.content.decode() and "Étrangère" not in options.content.decode()
    mine = Customer.objects.get(organisation=organisation, external_ref="K-FR")
    response = collector.post(edit_url(organisation, name="template_preview"),
                              sources(customer=str(mine.uuid)), HTTP_HX_REQUEST="true")  # fmt: skip
    assert "Pour Boulangerie Lefèvre SARL" in response.content.decode()
    assert "F-101" in response.context["preview"].text
    page = collector.get(edit_url(organisation), {"customer": str(mine.uuid), "q": "zzz"})
    assert page.status_code == 200 and page.context["preview"].customer == mine


def test_another_organisations_customer_is_not_found(collector, organisation, other_organisation,
                                                     actor):  # fmt: skip
    theirs = customer_create(organisation=other_organisation, external_ref="X", name="Autre",
                             actor=actor)  # fmt: skip
    assert collector.get(edit_url(organisation), {"customer": str(theirs.uuid)}).status_code == 404
    for name in ("template_preview", "template_edit"):
        data = {**sources(customer=str(theirs.uuid)), "action": "preview"}
        response = collector.post(edit_url(organisation, name=name), data)
        assert response.status_code == 404, name
    assert collector.get(edit_url(organisation), {"customer": "pas-un-uuid"}).status_code == 404


def test_unknown_templates_are_not_found(collector, organisation):
    assert collector.get(edit_url(organisation, key="reminder_9")).status_code == 404
    assert collector.get(edit_url(organisation, language="es")).status_code == 404


def test_viewer_reads_but_cannot_save_preview_or_reset(viewer, organisation):
    page = viewer.get(edit_url(organisation))
    assert page.status_code == 200 and page.context["preview"].report is not None
    assert 'value="save"' not in page.content.decode()
    for name in ("template_edit", "template_preview", "template_reset"):
        response = viewer.post(edit_url(organisation, name=name), {**sources(), "action": "save"})
        assert response.status_code == 403, name
    assert not MessageTemplate.objects.exists()


def test_a_template_failing_for_one_debtor_sends_that_reminder_to_the_todo(organisation, actor):
    ledger(organisation, actor)
    trap = '{% if customer.name == "Boulangerie Lefèvre SARL" %}{{ 1 // 0 }}{% endif %}'
    parts = sources()
    message_template_save(organisation=organisation, key="reminder_1", language="fr",
                          sources={**parts, "text": parts["text"] + trap}, actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    counts = outbox_fill(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    assert counts["queued"] == 1 and counts["held"] == 1  # the Flemish one uses the default
    french = Reminder.objects.get(customer__external_ref="K-FR")
    assert french.status == "todo" and "Modèle de l'organisation refusé" in french.notes[-1]


def test_a_letter_template_cannot_read_server_files(organisation, actor):
    ledger(organisation, actor)
    html = default_source("formal_notice", "fr", "html").replace(
        "<!-- letter-body -->",
        '<!-- letter-body --><a rel="attachment" href="file:///etc/passwd">annexe</a>'
        '<img src="file:///etc/hostname">',
    )
    parts = {**sources("formal_notice"), "html": html}
    message_template_save(organisation=organisation, key="formal_notice", language="fr",
                          sources=parts, actor=actor)  # fmt: skip
    customer = Customer.objects.get(organisation=organisation, external_ref="K-FR")
    customer.address_line1, customer.postal_code, customer.city = "1 rue Haute", "69001", "Lyon"
    draft = Reminder(organisation=organisation, customer=customer, step="formal_notice",
                     channel="formal_notice", mode="manual", currency="EUR",
                     penalties="claimed", tone="formal")  # fmt: skip
    letter = compose_letter(draft, today=date(2026, 4, 20))
    assert "file:///etc/passwd" in letter.body_html  # the organisation's HTML is used...
    pdf = letters_pdf([letter])
    assert b"EmbeddedFile" not in pdf and b"root:" not in pdf  # ...but fetches nothing
