"""Sending by hand from the to-do: the preview is what leaves."""

from __future__ import annotations

from datetime import date

import pytest

from relance.channels.manual import (
    ContentChanged,
    Draft,
    SendRefused,
    preview_email,
    preview_sms,
    text_to_html,
    todo_send_bulk,
    todo_send_email,
    todo_send_sms,
)
from relance.channels.models import OutboundMessage
from relance.dunning.todo import attachment_add, reminder_draft_save
from relance.ledger.models import Contact, PortalLink
from relance.ledger.portal_links import portal_address, portal_example
from tests.dunning.todo_helpers import make_todo

TODAY = date(2026, 3, 12)


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def test_text_to_html_escapes_and_keeps_paragraphs_and_lists():
    html = text_to_html("Bonjour <b>,\n\n- F-1\n- F-2\n\nMerci\nCamille", "fr")
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "<ul" in html and "<li>F-1</li>" in html and "Merci<br>\nCamille" in html
    assert '<html lang="fr">' in html


def test_preview_follows_the_draft_and_changes_nothing(todo):
    plain = preview_email(todo.email, Draft(), today=TODAY)
    assert plain.problem == "" and "F-A2" in plain.composed.text
    overdue = preview_email(todo.email, Draft(statement="overdue"), today=TODAY)
    assert "F-A2" not in overdue.composed.text and overdue.fingerprint != plain.fingerprint
    mine = preview_email(todo.email, Draft(subject="Objet à moi", body="Texte <à moi>",
                                           copy_to=("x@example.org",)), today=TODAY)  # fmt: skip
    assert mine.composed.subject == "Objet à moi"
    assert mine.composed.text == "Texte <à moi>\n" and "Texte &lt;à moi&gt;" in mine.composed.html
    assert "x@example.org" in mine.composed.copy_to
    assert mine.default_subject == plain.composed.subject  # the template's, for the form
    assert not OutboundMessage.objects.exists()
    again = preview_email(todo.email, Draft(statement="overdue"), today=TODAY)
    assert again.fingerprint == overdue.fingerprint


def test_a_customer_without_address_can_be_written_to_a_person_in_copy(todo, actor):
    Contact.objects.filter(customer=todo.email.customer).update(email="")
    preview = preview_email(todo.email, Draft(), today=TODAY)
    assert "Aucune adresse" in preview.problem and preview.composed.recipients == []
    with pytest.raises(SendRefused, match="Aucune adresse"):
        todo_send_email(reminder=todo.email, today=TODAY, actor=actor, fingerprint=None)
    reminder_draft_save(reminder=todo.email, actor=actor, copy_to=["dirigeant@lefevre.example"])
    preview = preview_email(todo.email, Draft.of(todo.email), today=TODAY)
    assert preview.problem == "" and preview.composed.recipients == ["dirigeant@lefevre.example"]


def test_send_stores_exactly_the_preview_in_the_outbox(todo, actor):
    reminder_draft_save(reminder=todo.email, actor=actor, subject="Objet revu")
    attachment_add(reminder=todo.email, name="releve.pdf", data=b"%PDF-1.4\n", actor=actor)
    preview = preview_email(todo.email, Draft.of(todo.email), today=TODAY)
    with pytest.raises(ContentChanged):
        todo_send_email(reminder=todo.email, today=TODAY, actor=actor, fingerprint="0" * 64)
    composed = preview.composed
    example = portal_example()  # the customer had no link: the preview made none
    assert example.url in composed.text and not PortalLink.objects.exists()
    message = todo_send_email(reminder=todo.email, today=TODAY, actor=actor,
                              fingerprint=preview.fingerprint)  # fmt: skip
    link = PortalLink.objects.get()  # the send issued it, and it takes the example's place
    issued = portal_address(link.uuid)
    assert (message.subject, message.body_text, message.body_html) == tuple(
        part.replace(example.url, issued.url)
        for part in (composed.subject, composed.text, composed.html)
    )  # fmt: skip
    assert message.copy_to == composed.copy_to and message.recipients == composed.recipients
    assert [a["name"] for a in message.attachments] == ["releve.pdf"]
    assert message.attachments[0]["content_type"] == "application/pdf"
    todo.email.refresh_from_db()
    assert todo.email.status == "ready"  # in the outbox: off the to-do
    with pytest.raises(SendRefused, match="déjà été traitée"):
        todo_send_email(reminder=todo.email, today=TODAY, actor=actor, fingerprint=None)


def test_bulk_takes_only_routine_emails_still_on_the_todo(organisation, todo, actor):
    result = todo_send_bulk(organisation=organisation, today=TODAY, actor=actor,
                            uuids=[str(todo.email.uuid), str(todo.call.uuid),
                                   str(todo.formal.uuid), "not-a-uuid"])  # fmt: skip
    assert result.sent == [str(todo.email.uuid)]
    assert set(result.refused) == {str(todo.call.uuid), str(todo.formal.uuid), "not-a-uuid"}
    assert OutboundMessage.objects.get().reminder_id == todo.email.pk


def test_an_sms_on_the_todo_is_previewed_and_queued(todo, actor):
    from relance.dunning.models import Reminder

    Reminder.objects.filter(pk=todo.small_email.pk).update(channel="sms", template="sms")
    todo.small_email.refresh_from_db()
    preview = preview_sms(todo.small_email, Draft(), today=TODAY)
    assert preview.phone == "+33612345678" and preview.problem == ""
    assert "300" in preview.text and preview.length.segments >= 1
    assert portal_example().short_url in preview.text and not PortalLink.objects.exists()
    message = todo_send_sms(reminder=todo.small_email, today=TODAY, actor=actor,
                            fingerprint=preview.fingerprint)  # fmt: skip
    issued = portal_address(PortalLink.objects.get().uuid)  # in the example's place
    assert message.channel == "sms"
    assert message.body_text == preview.text.replace(portal_example().short_url, issued.short_url)
    assert message.recipients == ["+33612345678"]


def test_in_distributed_mode_the_celery_task_takes_the_message(
    todo, actor, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    settings.RELANCE_EXECUTION = "celery"
    queued: list[str] = []
    monkeypatch.setattr("relance.channels.tasks.send_outbox",
                        SimpleNamespace(delay=lambda: queued.append("send_outbox")))  # fmt: skip
    preview = preview_email(todo.email, Draft(), today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        message = todo_send_email(reminder=todo.email, today=TODAY, actor=actor,
                                  fingerprint=preview.fingerprint)  # fmt: skip
    assert queued == ["send_outbox"]
    message.refresh_from_db()
    assert message.status == "queued"  # the worker sends it, not the web request
