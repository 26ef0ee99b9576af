"""Templates and drafts built to make the server work: each is checked in linear time or
refused with a message saying what to do, in the editor's preview, in the to-do and in the
morning run. Nothing here asserts on time: before the fix these pages took from 8 s to hours
(and the suite hung); what is asserted is what the page and the run do."""

from __future__ import annotations

from datetime import date

import pytest

from relance.accounts.audit import Actor
from relance.channels.compose import outbox_fill
from relance.channels.manual import todo_send_bulk
from relance.channels.message_templates import message_template_save
from relance.channels.models import MessageTemplate, OutboundMessage
from relance.dunning.models import Reminder, ReminderDraft
from relance.dunning.run import run_day
from tests.channels.test_compose import ledger
from tests.web.test_templates_editor import edit_url, sources
from tests.web.test_todo import fields, page_text, srcdoc, todo, url

__all__ = ["todo"]  # the to-do fixture, shared with test_todo

DAY = date(2026, 3, 9)
# Styles copied by the inliner into every tag they select: 25 KB over 20,000 tags would write
# 750 MB (minutes, gigabytes); the rendered HTML itself stays under the 200 KB output cap.
HEAVY_STYLES = (
    "<style>p{" + "".join(f"--v{i}:{i}px;" for i in range(2_500)) + "}</style>"
    "{% for i in range(100) %}{% for j in range(200) %}<p></p>{% endfor %}{% endfor %}"
)


def preview(collector, organisation, **parts):
    response = collector.post(edit_url(organisation, name="template_preview"),
                              sources(**parts), HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200
    return response.context["preview"]


@pytest.mark.parametrize("times", [60_000, 100_000])
def test_a_long_digitless_run_is_previewed_and_checked(collector, organisation, times):
    shown = preview(collector, organisation, text=f"{{{{ 'x' * {times} }}}}", html="")
    assert not shown.errors and shown.text == "x" * times + "\n"
    assert shown.report is not None and shown.report.codes == []
    assert not MessageTemplate.objects.exists()


def test_output_over_the_cap_is_refused_before_it_is_built(collector, organisation):
    shown = preview(collector, organisation, text="{{ 'x' * 10**7 }}")
    [error] = shown.errors
    assert error.part == "text" and "répétition de texte" in error.message
    assert "dépasserait 200 Ko" in error.message
    assert shown.report is None  # nothing left to check


def test_the_installations_caps_apply_to_the_preview(collector, organisation, settings):
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000
    [error] = preview(collector, organisation, text="{{ 'x' * 60000 }}").errors
    assert "dépasserait 50 Ko" in error.message
    settings.RELANCE_TEMPLATE_MAX_BYTES = 1_000
    [error] = preview(collector, organisation, text="x" * 2_000, html="").errors
    assert "modèle trop long (2 Ko, maximum 1 Ko) : raccourcissez-le" in error.message


def test_styles_copied_into_thousands_of_tags_are_refused(collector, organisation):
    shown = preview(collector, organisation, html=HEAVY_STYLES)
    [error] = shown.errors
    assert error.part == "html" and "styles trop lourds" in error.message
    assert "allégez-les" in error.message
    response = collector.post(edit_url(organisation), {**sources(html=HEAVY_STYLES),
                                                       "action": "save"})  # fmt: skip
    assert response.status_code == 400
    assert "styles trop lourds" in " ".join(response.context["form"].errors["html"])
    assert not MessageTemplate.objects.exists()


# --- the to-do's e-mail editor -----------------------------------------------------------------


def test_a_draft_over_the_cap_is_refused_before_any_preview(collector, organisation, todo):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    body = "x" * 30_000
    response = collector.post(url("todo-preview", organisation, todo.email),
                              {**values, "body": body}, HTTP_HX_REQUEST="true")  # fmt: skip
    message = "Le texte compte 30000 caractères, 20000 au plus : raccourcissez-le"
    assert message in page_text(response)
    for action in ("preview", "save", "send"):
        response = collector.post(detail, {**values, "body": body, "action": action})
        assert response.status_code == 200 and message in page_text(response), action
    assert not ReminderDraft.objects.exists() and not OutboundMessage.objects.exists()
    todo.email.refresh_from_db()
    assert todo.email.status == "todo"


def test_a_long_draft_within_the_cap_is_previewed_and_checked(
    collector, organisation, todo, settings
):
    settings.RELANCE_DRAFT_MAX_CHARS = 40_000
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    response = collector.post(detail, {**values, "body": "x" * 30_000, "action": "preview"})
    assert response.status_code == 200
    assert "x" * 30_000 in srcdoc(page_text(response))
    assert response.context["preview"].composed.report.codes == []
    assert not ReminderDraft.objects.exists()


# --- the morning run ---------------------------------------------------------------------------


def own_text(organisation, actor, text: str) -> None:
    parts = sources()
    message_template_save(organisation=organisation, key="reminder_1", language="fr",
                          sources={**parts, "text": parts["text"] + text}, actor=actor)  # fmt: skip


def test_a_long_run_in_a_template_is_sent_by_the_morning_run(organisation):
    actor = Actor.system("test")
    ledger(organisation, actor)
    own_text(organisation, actor, "{{ 'x' * 100000 }}")
    run_day(organisation=organisation, day=DAY, actor=actor)
    counts = outbox_fill(organisation=organisation, day=DAY, actor=actor)
    assert counts["queued"] == 2 and counts["held"] == 0
    french = OutboundMessage.objects.get(reminder__customer__external_ref="K-FR")
    assert "x" * 100_000 in french.body_text


def test_a_template_over_the_installations_cap_goes_to_the_todo(organisation, settings):
    actor = Actor.system("test")
    ledger(organisation, actor)
    own_text(organisation, actor, "{{ 'x' * 100000 }}")
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000  # lowered after the template was saved
    run_day(organisation=organisation, day=DAY, actor=actor)
    counts = outbox_fill(organisation=organisation, day=DAY, actor=actor)
    assert counts["queued"] == 1 and counts["held"] == 1  # the Flemish one uses the default
    french = Reminder.objects.get(customer__external_ref="K-FR")
    assert french.status == "todo" and "Modèle de l'organisation refusé" in french.notes[-1]
    assert "dépasserait 50 Ko" in french.notes[-1]
    assert not OutboundMessage.objects.filter(reminder=french).exists()


def test_a_task_whose_template_is_refused_opens_with_the_default_wording(
    collector, organisation, settings
):
    actor = Actor.system("test")
    ledger(organisation, actor)
    own_text(organisation, actor, "{{ 'x' * 100000 }}")
    settings.RELANCE_MESSAGE_MAX_BYTES = 50_000
    run_day(organisation=organisation, day=DAY, actor=actor)
    outbox_fill(organisation=organisation, day=DAY, actor=actor)
    french = Reminder.objects.get(customer__external_ref="K-FR")
    page = collector.get(url("todo-detail", organisation, french))
    assert page.status_code == 200
    text = page_text(page)
    assert "Le modèle de l&#x27;organisation est refusé pour ce client" in text
    assert "dépasserait 50 Ko" in text
    assert "x" * 1000 not in srcdoc(text) and "F-101" in srcdoc(text)
    # Sent by hand once opened, never in a batch: the batch does not show the reason.
    result = todo_send_bulk(organisation=organisation, uuids=[str(french.uuid)], today=DAY,
                            actor=actor)  # fmt: skip
    assert result.sent == []
    assert result.refused == {str(french.uuid): "modèle de l'organisation refusé : à ouvrir"}
    assert not OutboundMessage.objects.filter(reminder=french).exists()
