"""The to-do's services: what is open, skip, postpone, drafts and attachments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from relance.accounts.models import AuditEvent
from relance.dunning.models import Reminder, ReminderAttachment
from relance.dunning.services import DunningError
from relance.dunning.todo import (
    attachment_add,
    attachment_remove,
    open_todo,
    parse_addresses,
    reminder_done,
    reminder_draft_save,
    reminder_postpone,
    reminder_skip,
    todo_counts,
)
from tests.dunning.todo_helpers import RUN_DAY, make_todo

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def test_open_todo_keeps_what_a_person_must_do_from_its_day_on(organisation, todo):
    assert not open_todo(organisation, today=RUN_DAY - timedelta(days=1)).exists()
    later = RUN_DAY + timedelta(days=30)  # nothing is lost because days passed
    counts = todo_counts(open_todo(organisation, today=later))
    assert (counts["email"], counts["call"], counts["formal_notice"], counts["failed"]) == (
        2,
        1,
        1,
        0,
    )
    Reminder.objects.filter(pk=todo.email.pk).update(status="failed")
    assert todo_counts(open_todo(organisation, today=later))["failed"] == 1
    Reminder.objects.filter(pk=todo.small_email.pk).update(status="ready")
    assert todo_counts(open_todo(organisation, today=later))["email"] == 0


def test_postponed_comes_back_on_its_date_and_not_before(organisation, todo, actor):
    today = date(2026, 3, 10)
    with pytest.raises(DunningError, match="à venir"):
        reminder_postpone(reminder=todo.call, until=today, today=today, actor=actor)
    with pytest.raises(DunningError, match="un an"):
        reminder_postpone(reminder=todo.call, until=today + timedelta(days=400), today=today,
                          actor=actor)  # fmt: skip
    reminder_postpone(reminder=todo.call, until=date(2026, 3, 20), today=today, actor=actor)
    assert not open_todo(organisation, today=date(2026, 3, 19)).filter(pk=todo.call.pk).exists()
    assert open_todo(organisation, today=date(2026, 3, 20)).filter(pk=todo.call.pk).exists()
    event = AuditEvent.objects.get(action="reminder_postpone")
    assert event.after["postponed_until"] == "2026-03-20"


def test_skip_needs_a_reason_and_a_task_is_handled_once(todo, actor):
    with pytest.raises(DunningError, match="pourquoi"):
        reminder_skip(reminder=todo.email, reason=" ", today=date(2026, 3, 16), actor=actor)
    reminder_skip(reminder=todo.email, reason="Doublon", today=date(2026, 3, 16), actor=actor)
    with pytest.raises(DunningError, match="déjà été traitée"):
        reminder_skip(reminder=todo.email, reason="Encore", today=date(2026, 3, 16), actor=actor)
    with pytest.raises(DunningError, match="déjà été traitée"):
        reminder_done(reminder=todo.email, today=date(2026, 3, 16), actor=actor)


def test_draft_is_checked_kept_and_audited(todo, actor):
    with pytest.raises(DunningError, match="invalide"):
        reminder_draft_save(reminder=todo.email, actor=actor, copy_to=["nope"])
    with pytest.raises(DunningError, match="Pénalités"):
        reminder_draft_save(reminder=todo.email, actor=actor, penalties="double")
    draft = reminder_draft_save(reminder=todo.email, actor=actor, subject="  Votre   compte ",
                                body="Bonjour,\r\n\r\nMerci.  \r\n", statement="overdue",
                                penalties="mentioned",
                                copy_to=["A@Example.org", "a@example.org"])  # fmt: skip
    assert (draft.subject, draft.body, draft.copy_to) == ("Votre compte", "Bonjour,\n\nMerci.",
                                                          ["a@example.org"])  # fmt: skip
    todo.email.refresh_from_db()
    assert todo.email.penalties == "mentioned"
    event = AuditEvent.objects.get(action="reminder_draft")
    assert event.before["penalties"] == "none" and event.after["statement"] == "overdue"
    # saving the same again records nothing
    reminder_draft_save(reminder=todo.email, actor=actor, subject="Votre compte",
                        body="Bonjour,\n\nMerci.", statement="overdue", penalties="mentioned",
                        copy_to=["a@example.org"])  # fmt: skip
    assert AuditEvent.objects.filter(action="reminder_draft").count() == 1


def test_parse_addresses_accepts_usual_separators():
    assert parse_addresses("a@x.fr; b@y.be,\nc@z.com  ") == ["a@x.fr", "b@y.be", "c@z.com"]
    with pytest.raises(DunningError, match="10"):
        parse_addresses(",".join(f"p{n}@x.fr" for n in range(11)))


def test_attachments_are_hashed_checked_and_removed(todo, actor):
    stored = attachment_add(reminder=todo.email, name="../../etc/relevé.PDF", data=PDF,
                            actor=actor)  # fmt: skip
    assert stored.name == "relevé.pdf" and stored.size == len(PDF)
    assert stored.content_type == "application/pdf" and len(stored.sha256) == 64
    assert ".." not in stored.file.name and stored.file.read() == PDF
    with pytest.raises(DunningError, match="déjà joint"):
        attachment_add(reminder=todo.email, name="copie.pdf", data=PDF, actor=actor)
    with pytest.raises(DunningError, match="vide"):
        attachment_add(reminder=todo.email, name="vide.pdf", data=b"", actor=actor)
    with pytest.raises(DunningError, match="Seul un e-mail"):
        attachment_add(reminder=todo.call, name="a.pdf", data=PDF, actor=actor)
    attachment_remove(attachment=stored, actor=actor)
    assert not ReminderAttachment.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="reminder_attachment").count() == 2
