"""A debtor's reply by e-mail, arriving through the real inbound hook, becomes a task
"Répondre sous 24 h" on the customer's collector's to-do, closed when a person answers (an
e-mail sent from the to-do, a call that reached the debtor) or dismisses it."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from django.test import Client
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.accounts.services import user_create
from relance.channels.manual import todo_send_email
from relance.channels.models import DeliveryEvent, OutboundMessage
from relance.channels.outbox import outbox_enqueue
from relance.dunning.calls import call_outcome_record
from relance.dunning.models import DebtorRequest, Reminder, ReminderStatus
from relance.dunning.todo_board import customer_todos, todo_customers
from relance.ledger.services import customer_collector_set
from tests.dunning.todo_helpers import make_todo

SECRET = "s3cret-inbound-hook"
TODAY = date(2026, 3, 12)


@pytest.fixture
def todo(organisation, settings):
    settings.RELANCE_INBOUND_SECRET = SECRET
    made = make_todo(organisation)
    for reminder in (made.email, made.call):
        customer_collector_set(customer=reminder.customer, collector=made.collector,
                               actor=Actor.system("test"))  # fmt: skip
    return made


def earlier_message(reminder: Reminder) -> OutboundMessage:
    """A reminder e-mail the customer received before (an earlier step, already sent)."""
    earlier = Reminder.objects.create(
        organisation=reminder.organisation, customer=reminder.customer,
        run_date=reminder.run_date - timedelta(days=10), step="reminder_1", channel="email",
        mode="auto", currency="EUR", amount_due=reminder.amount_due, penalties="none",
        status=ReminderStatus.SENT,
    )  # fmt: skip
    return outbox_enqueue(reminder=earlier, sender="Atelier <relances@atelier.example>",
                          recipients=["compta@lefevre.example"], subject="Rappel : F-A1",
                          body_text="Montant dû")  # fmt: skip


def reply_to(message: OutboundMessage, text: str = "Le virement part vendredi.") -> bytes:
    reply = EmailMessage()
    reply["From"] = "Compta Lefèvre <compta@lefevre.example>"
    reply["To"] = "relances@atelier.example"
    reply["Subject"] = "Re: " + message.subject
    reply["In-Reply-To"] = message.message_id
    reply.set_content(text)
    return reply.as_bytes()


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def post(client, body: bytes):
    return client.post(reverse("inbound-mail"), data=body, content_type="message/rfc822",
                       HTTP_AUTHORIZATION=f"Bearer {SECRET}")  # fmt: skip


def test_a_reply_opens_a_task_on_the_collectors_todo_tied_to_its_message(client, todo):
    message = earlier_message(todo.email)
    assert post(client, reply_to(message)).content == b"replied"
    task = DebtorRequest.objects.get(kind="reply")
    assert (task.customer, task.status) == (todo.email.customer, "pending")
    assert task.reply_subject == "Re: Rappel : F-A1" and "vendredi" in task.message
    assert task.reply_from == "Compta Lefèvre <compta@lefevre.example>"
    assert task.answer_by == task.created_at + timedelta(hours=24)
    assert DeliveryEvent.objects.get(kind="replied").request == task
    organisation = todo.email.organisation
    mine = list(todo_customers(organisation, today=TODAY, collector=str(todo.collector.pk)))
    # A debtor waiting for an answer comes first, ahead of larger overdue amounts.
    assert (mine[0]["customer_id"], mine[0]["waiting"]) == (todo.email.customer_id, True)
    (row,) = customer_todos(organisation, [todo.email.customer_id], today=TODAY)
    assert [asked.kind for asked in row.requests] == ["reply"]
    # The same report again opens no second task.
    assert post(client, reply_to(message)).content.startswith(b"duplicate")
    assert DebtorRequest.objects.filter(kind="reply").count() == 1


def test_an_email_sent_from_the_todo_answers_the_reply(client, todo):
    post(client, reply_to(earlier_message(todo.email)))
    actor = Actor(user=todo.collector, label="web")
    todo_send_email(reminder=todo.email, today=TODAY, actor=actor, fingerprint=None)
    task = DebtorRequest.objects.get(kind="reply")
    assert (task.status, task.resolution_note, task.resolved_by) == (
        "done", "Répondu par e-mail", todo.collector,
    )  # fmt: skip


def test_only_a_call_that_reached_the_debtor_answers(client, todo):
    garage = todo.call.customer
    message = earlier_message(todo.call)
    OutboundMessage.objects.filter(pk=message.pk).update(customer=garage)
    post(client, reply_to(message))
    actor = Actor(user=todo.collector, label="web")
    call_outcome_record(reminder=todo.call, outcome="no_answer", day=TODAY, actor=actor)
    assert DebtorRequest.objects.get(kind="reply").status == "pending"
    call_outcome_record(reminder=todo.call, outcome="dispute", day=TODAY, actor=actor,
                        dispute_reason="Livraison incomplète")  # fmt: skip
    task = DebtorRequest.objects.get(kind="reply")
    assert (task.status, task.resolution_note) == ("done", "Répondu par téléphone")


def test_the_collector_reads_it_dismisses_it_and_the_timeline_tells(client, todo, organisation):
    message = earlier_message(todo.email)
    post(client, reply_to(message, "Pouvez-vous m'envoyer le duplicata ?"))
    task = DebtorRequest.objects.get(kind="reply")
    collector = signed_in(todo.collector)
    todo_page = collector.get(reverse("todo", kwargs={"org": organisation.slug})).content.decode()
    assert "Répondre sous 24 h" in todo_page
    address = reverse("todo-request", kwargs={"org": organisation.slug, "request_id": task.uuid})
    page = collector.get(address).content.decode()
    assert "Pouvez-vous m&#x27;envoyer le duplicata ?" in page
    assert "« Rappel : F-A1 »" in page and str(message.uuid) in page
    assert "Classer sans répondre" in page
    answer = reverse("todo-request-answer", kwargs={"org": organisation.slug,
                                                    "request_id": task.uuid})  # fmt: skip
    collector.post(answer, {"outcome": "acknowledge", "note": "Duplicata envoyé par courrier"})
    task.refresh_from_db()
    assert task.status == "done"
    customer_page = reverse("customer", kwargs={"org": organisation.slug,
                                                "customer": todo.email.customer.uuid})  # fmt: skip
    history = collector.get(customer_page, {"tab": "timeline"}).content.decode()
    assert "Réponse du débiteur par e-mail : à traiter sous 24 h" in history
    assert "Réponse du débiteur classée" in history


def test_a_reader_sees_the_reply_but_cannot_dismiss_it(client, todo, organisation):
    post(client, reply_to(earlier_message(todo.email)))
    task = DebtorRequest.objects.get(kind="reply")
    reader = user_create(email="lecteur@atelier.example", organisation=organisation,
                         role="viewer", actor=Actor.system("test"))  # fmt: skip
    answer = reverse("todo-request-answer", kwargs={"org": organisation.slug,
                                                    "request_id": task.uuid})  # fmt: skip
    assert signed_in(reader).post(answer, {"outcome": "acknowledge"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "pending"
