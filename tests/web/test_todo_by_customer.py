"""The to-do by customer: one row per customer, a why a person reads, bulk actions on every
kind of task that can be done together, "done, next", and one total per task."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import AuditEvent
from relance.channels.models import OutboundMessage, PostalDispatch
from relance.dunning.debtor_requests import debtor_plan_request
from relance.dunning.models import Reminder
from relance.dunning.services import promise_record, promises_check_broken
from relance.dunning.todo import open_todo
from relance.ledger.models import PortalLink
from relance.ledger.portal_links import portal_link_issue
from tests.dunning.todo_helpers import customer, make_todo
from tests.web.test_todo import page_text, url


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def text_of(response) -> str:
    """The page as read: tags dropped, entities and narrow spaces made plain."""
    plain = re.sub(r"<[^>]+>", " ", page_text(response))
    return " ".join(html.unescape(plain).replace("\u202f", " ").replace("\xa0", " ").split())


def second_task(todo) -> Reminder:
    """A hand-off to the lawyer for the bakery, the same day as its e-mail."""
    legal = Reminder.objects.get(pk=todo.email.pk)
    legal.pk, legal.id, legal.uuid = None, None, uuid.uuid4()  # a copy
    legal.channel, legal.step, legal.penalties = "legal", "legal", "claimed"
    legal.amount_due = Decimal("1334.56")
    legal.save()
    return legal


def test_one_row_per_customer_with_every_task_inside_highest_stake_first(
    collector, organisation, todo
):
    legal = second_task(todo)
    page = page_text(collector.get(url("todo", organisation)))
    rows = re.findall(r"<tr data-row.*?</tr>", page, re.S)
    assert len(rows) == 4  # four customers, five tasks
    bakery = next(row for row in rows if "Boulangerie" in row)
    assert bakery.index(str(legal.uuid)) < bakery.index(str(todo.email.uuid))
    # the customer's name leads to the customer; the row to their to-do
    assert url("customer", organisation, customer=todo.email.customer.uuid) in bakery
    assert url("todo-customer", organisation, customer=todo.email.customer.uuid) in bakery


def test_the_why_says_days_late_step_last_contact_and_a_broken_promise_never_a_key(
    collector, organisation, todo, actor
):
    garage = customer(organisation, "K-B")
    today = local_day(organisation)
    invoice = garage.invoices.get()
    promise_record(customer=garage, invoices=[invoice], day=today - timedelta(days=20),
                   promised_on=today - timedelta(days=10), amount=Decimal("5000.00"),
                   actor=actor)  # fmt: skip
    promises_check_broken(organisation=organisation, day=today, actor=actor)
    # the broken promise put the call back on the to-do (still due)
    Reminder.objects.filter(pk=todo.call.pk).update(status="todo")
    text = text_of(collector.get(url("todo", organisation)))
    late = (today - date(2026, 3, 2)).days  # F-B1, the oldest, fell due on 2 March
    assert f"{late} jours de retard sur la plus ancienne facture" in text
    assert "Étape atteinte : Premier appel" in text and "Étape atteinte : Mise en demeure" in text
    assert "Dernière relance envoyée le 09/03/2026" in text
    promised = (today - timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"Promesse de paiement du {promised} non tenue" in text
    assert "Étape manuelle du scénario." not in text
    for key in ("call_1", "reminder_1", "formal_notice ", "legal "):
        assert key not in text


def test_bulk_postpone_takes_every_kind_of_task_and_refuses_a_bad_date(
    collector, organisation, todo, other_organisation
):
    today = local_day(organisation)
    chosen = [str(todo.call.uuid), str(todo.formal.uuid), str(todo.email.uuid)]
    bulk = url("todo-bulk", organisation)
    for bad in ("", "pas une date", today.isoformat(), (today + timedelta(days=400)).isoformat()):
        response = collector.post(bulk, {"reminders": chosen, "action": "postpone", "until": bad},
                                  follow=True)  # fmt: skip
        assert response.status_code == 200
        assert (
            "Indiquez une date valide" in text_of(response)
            or "à venir" in text_of(response)
            or "un an" in text_of(response)
        )
    assert not Reminder.objects.exclude(postponed_until=None).exists()  # nothing changed

    until = today + timedelta(days=5)
    forged = "00000000-0000-4000-8000-000000000000"
    response = collector.post(bulk, {"reminders": [*chosen, forged, "pas-un-uuid"],
                                     "action": "postpone", "until": until.isoformat()},
                              follow=True)  # fmt: skip
    assert "3 tâches reportées au" in text_of(response)
    assert set(open_todo(organisation, today=today).values_list("pk", flat=True)) == {
        todo.small_email.pk
    }
    events = AuditEvent.objects.filter(action="reminder_postpone")
    assert events.count() == 3 and all(event.after["bulk"] for event in events)
    assert open_todo(organisation, today=until).count() == 4  # back on that day


def test_bulk_send_sends_the_emails_and_says_why_a_call_is_not_sent(
    collector, organisation, todo, smtp_server, django_capture_on_commit_callbacks
):
    chosen = [str(todo.email.uuid), str(todo.small_email.uuid), str(todo.call.uuid)]
    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(url("todo-bulk", organisation),
                                  {"reminders": chosen, "action": "send",
                                   "back": url("todo", organisation) + "//evil.example"},
                                  follow=True)  # fmt: skip
    assert response.redirect_chain[-1][0].startswith(url("todo", organisation))
    text = text_of(response)
    assert "2 relance(s) envoyée(s)." in text
    assert "Garage Martin : non envoyée, ni e-mail ni SMS : à traiter depuis sa page." in text
    assert sorted(mail["To"] for mail in smtp_server.messages) == [
        "compta@lefevre.example",
        "compta@roux.example",
    ]
    todo.refresh()
    assert todo.call.status == "todo" and not OutboundMessage.objects.filter(reminder=todo.call)


def test_bulk_print_prints_the_ticked_letters_as_one_pdf(collector, organisation, todo):
    response = collector.post(url("todo-bulk", organisation), {
        "reminders": [str(todo.formal.uuid), str(todo.call.uuid)], "action": "print"})  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert list(PostalDispatch.objects.values_list("reminder_id", flat=True)) == [todo.formal.pk]
    nothing = collector.post(
        url("todo-bulk", organisation),
        {"reminders": [str(todo.call.uuid)], "action": "print"},
        follow=True,
    )
    assert "Aucune lettre à imprimer dans la sélection." in text_of(nothing)


def test_done_next_leads_to_the_next_customer_and_keeps_the_filters(collector, organisation, todo):
    legal = second_task(todo)
    Reminder.objects.filter(pk=todo.email.pk).update(status="sent")
    query = "?collector=none&kind=legal"
    page = page_text(collector.get(url("todo", organisation) + query))
    assert "Boulangerie" in page and "Garage Martin" not in page
    done = url("todo-done", organisation, legal) + query
    response = collector.post(done, {"note": "Dossier transmis"})
    # nothing else of that kind: back to the list, its filters kept
    assert response.url == url("todo", organisation) + query
    Reminder.objects.filter(pk=todo.small_email.pk).update(status="sent")
    response = collector.post(url("todo-skip", organisation, todo.call), {"reason": "Doublon"})
    assert response.url == url("todo-customer", organisation,
                               customer=todo.formal.customer.uuid)  # fmt: skip


def test_a_legal_task_shows_one_total_the_one_its_note_states(collector, organisation, todo):
    Reminder.objects.filter(pk=todo.call.pk).update(
        channel="legal", step="legal", template="legal", penalties="claimed"
    )
    text = text_of(collector.get(url("todo-detail", organisation, todo.call)))
    note_total = re.search(r"Total réclamé : ([\d  ,]+ €)", text)
    assert note_total, "the hand-off note states its total"
    panel = re.search(r"Montant réclamé ([\d  ,]+ €)", text)
    assert panel and panel.group(1).strip() == note_total.group(1).strip()
    assert "Principal échu (1 échéance) 5 000,00 €" in text
    assert "Intérêts de retard" in text and "Indemnité forfaitaire" in text
    assert "Total restant dû" not in text and "Montant dû" not in text


def test_the_preview_lists_exactly_the_files_that_leave(collector, organisation, todo):
    page = page_text(collector.get(url("todo-detail", organisation, todo.email)))
    assert "jointes d&#x27;office" not in page and "jointes d'office" not in page
    assert re.search(r"Pièces jointes</dt><dd>aucune</dd>", page)


def test_printing_from_the_page_answers_with_the_page_updated(collector, organisation, todo):
    printed = collector.post(url("todo-letter-print", organisation, todo.formal),
                             headers={"HX-Request": "true"})  # fmt: skip
    assert printed.status_code == 200 and printed["Content-Type"].startswith("text/html")
    text = text_of(printed)
    assert "Imprimée le" in text and "Pas encore imprimée" not in text
    assert url("todo-letter-archived", organisation, todo.formal) in page_text(printed)
    # without JavaScript, the PDF itself
    again = collector.post(url("todo-letter-print", organisation, todo.formal))
    assert again["Content-Type"] == "application/pdf"


def test_a_customers_todo_is_this_organisations_only(
    signed_in, organisation, other_organisation, todo, collector
):
    page = url("todo-customer", organisation, customer=todo.call.customer.uuid)
    text = text_of(collector.get(page + "?collector=<script>&kind=nope"))
    assert "Garage Martin" in text and "Client suivant" in text
    stranger = signed_in(other_organisation, "collector", email="x@brasserie.example")
    foreign = url("todo-customer", other_organisation, customer=todo.call.customer.uuid)
    assert stranger.get(foreign).status_code == 404
    assert stranger.get(page).status_code == 404


def test_a_viewer_sees_no_bulk_action_and_cannot_post_one(viewer, organisation, todo):
    page = page_text(viewer.get(url("todo", organisation)))
    assert "Garage Martin" in page and 'id="bulk-form"' not in page
    response = viewer.post(url("todo-bulk", organisation),
                           {"reminders": [str(todo.call.uuid)], "action": "postpone",
                            "until": "2030-01-01"})  # fmt: skip
    assert response.status_code == 403
    assert not Reminder.objects.exclude(postponed_until=None).exists()


def test_the_list_orders_debtors_waiting_first_then_overdue_amount(collector, organisation, todo):
    roux = customer(organisation, "K-C")
    portal_link_issue(customer=roux, actor=Actor.system("test"))
    link = PortalLink.objects.get(customer=roux)
    debtor_plan_request(link=link, invoices=[roux.invoices.get().uuid], count=2,
                        first_on=local_day(organisation) + timedelta(days=10),
                        day=local_day(organisation))  # fmt: skip
    response = collector.get(url("todo", organisation))
    assert page_text(response).count("<tr data-row") == 4  # Roux once, tasks and request
    text = text_of(response)
    order = [
        text.index(name)
        for name in (
            "Menuiserie Roux",
            "Garage Martin",
            "Boulangerie Lefèvre SARL",
            "Pharmacie Petit",
        )
    ]
    assert order == sorted(order)
    assert "Le débiteur attend une réponse (1 demande)." in text


def test_bulk_send_takes_a_text_message_too(collector, organisation, todo):
    Reminder.objects.filter(pk=todo.small_email.pk).update(
        channel="sms", step="sms", template="sms"
    )
    response = collector.post(url("todo-bulk", organisation),
                              {"reminders": [str(todo.small_email.uuid)], "action": "send"},
                              follow=True)  # fmt: skip
    assert "1 relance(s) envoyée(s)." in text_of(response)
    text = OutboundMessage.objects.get(reminder=todo.small_email)
    assert text.channel == "sms" and text.recipients == ["+33612345678"]
    assert "300,00" in text.body_text
    todo.refresh()
    assert todo.small_email.status == "ready"
