"""Removing a file from a to-do e-mail: asked first, done alone (the draft being typed is
neither saved nor sent), the list of files and the preview following."""

from __future__ import annotations

import pytest

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.dunning.models import Reminder, ReminderAttachment, ReminderDraft
from relance.dunning.todo import attachment_add
from tests.dunning.todo_helpers import make_todo
from tests.web.test_todo import PDF, page_text, url


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


@pytest.fixture
def attached(todo) -> ReminderAttachment:
    return attachment_add(reminder=todo.email, name="relevé signé.pdf", data=PDF,
                          actor=Actor.system("test"))  # fmt: skip


def remove_url(organisation, todo, attached) -> str:
    return str(url("todo-attachment-remove", organisation, todo.email, attachment=attached.uuid))


def test_the_remove_button_asks_first_and_does_not_submit_the_editor(
    collector, organisation, todo, attached
):
    page = page_text(collector.get(url("todo-detail", organisation, todo.email)))
    button = page[page.index(remove_url(organisation, todo, attached)) - 200 :]
    button = button[: button.index("</button>")]
    assert 'type="button"' in button  # never a submit button of the draft's form
    assert 'hx-params="none"' in button  # the fields being typed are not sent
    assert 'hx-confirm="Retirer « relevé signé.pdf » du message ?"' in button
    # The editor asks for a new preview once the file is gone.
    assert "attachments-changed from:body" in page


def test_removing_takes_the_file_off_and_leaves_the_draft_alone(
    collector, organisation, todo, attached
):
    response = collector.post(remove_url(organisation, todo, attached), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "attachments-changed"
    fragment = page_text(response)
    assert fragment.lstrip().startswith('<div id="attachments">')
    assert "« relevé signé.pdf » retirée." in fragment and "Aucune." in fragment
    assert not ReminderAttachment.objects.filter(pk=attached.pk).exists()
    assert not ReminderDraft.objects.filter(reminder=todo.email).exists()  # nothing saved
    event = AuditEvent.objects.get(action="reminder_attachment_remove")
    assert event.before == {"name": "relevé signé.pdf", "sha256": attached.sha256}
    # The preview asked for next no longer lists it.
    preview = collector.get(url("todo-detail", organisation, todo.email))
    assert "relevé signé.pdf" not in page_text(preview)


def test_a_task_done_meanwhile_keeps_its_file_and_says_why(collector, organisation, todo, attached):
    Reminder.objects.filter(pk=todo.email.pk).update(status="sent")
    response = collector.post(remove_url(organisation, todo, attached), HTTP_HX_REQUEST="true")
    assert "Cette tâche a déjà été traitée." in page_text(response)
    assert "HX-Trigger" not in response
    assert ReminderAttachment.objects.filter(pk=attached.pk).exists()


def test_only_a_writer_of_this_organisation_removes(
    viewer, signed_in, organisation, other_organisation, todo, attached
):
    assert viewer.post(remove_url(organisation, todo, attached)).status_code == 403
    stranger = signed_in(other_organisation, "collector", email="x@brasserie.example")
    foreign = url("todo-attachment-remove", other_organisation, todo.email,
                  attachment=attached.uuid)  # fmt: skip
    assert stranger.post(foreign).status_code == 404
    assert ReminderAttachment.objects.filter(pk=attached.pk).exists()
