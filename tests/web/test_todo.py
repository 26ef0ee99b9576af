"""The collector's to-do pages, end to end: the list, the message editor and preview, sending
to a real SMTP server, calls, letters, and who may do what."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import AuditEvent, User
from relance.channels.models import OutboundMessage, PostalDispatch
from relance.dunning.disputes import disputes_open
from relance.dunning.models import Promise, Reminder, ReminderAttachment, ReminderDraft
from relance.dunning.run import run_day
from relance.dunning.todo import open_todo
from relance.ledger.models import Invoice
from relance.ledger.services import contact_add, customer_create, invoice_create, payment_record
from tests.dunning.todo_helpers import customer, make_todo

PDF = b"%PDF-1.4\n% releve signe\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def url(name, organisation, reminder=None, **kwargs):
    if reminder is not None:
        kwargs["reminder"] = reminder.uuid
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def page_text(response) -> str:
    return str(response.content.decode())


def fields(page: str) -> dict[str, str]:
    """The message form's values as the page shows them."""
    found = {}
    for name in ("subject_base", "body_base", "fingerprint", "subject"):
        match = re.search(rf'name="{name}" value="([^"]*)"', page)
        found[name] = html.unescape(match.group(1)) if match else ""
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S)
    found["body"] = html.unescape(body.group(1)) if body else ""
    for name in ("statement", "penalties"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
        chosen = re.search(r'<option value="([^"]*)" selected', select.group(0)) if select else None
        found[name] = chosen.group(1) if chosen else ""
    found["copy_to"] = ""
    return found


def srcdoc(page: str) -> str:
    match = re.search(r'<iframe class="preview-frame" sandbox srcdoc="([^"]*)"', page)
    assert match, "no sandboxed preview"
    return html.unescape(match.group(1))


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_this_organisations_open_todo_largest_amount_first(
    collector, organisation, other_organisation, todo
):
    actor = Actor.system("test")
    foreign = customer_create(organisation=other_organisation, external_ref="X1",
                              name="Brasserie Étrangère", actor=actor)  # fmt: skip
    invoice_create(organisation=other_organisation, customer=foreign, number="X-1",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                   amount_incl_tax=Decimal("9999.00"), actor=actor)  # fmt: skip
    run_day(organisation=other_organisation, day=date(2026, 3, 9), actor=actor)
    Reminder.objects.filter(organisation=other_organisation).update(status="todo")
    Reminder.objects.filter(pk=todo.small_email.pk).update(status="sent")  # done: not listed
    page = page_text(collector.get(url("todo", organisation)))
    names = ["Garage Martin", "Boulangerie Lefèvre SARL", "Pharmacie Petit"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Menuiserie Roux" not in page and "Brasserie Étrangère" not in page
    assert "5\u202f000,00\u00a0€" in page or "5 000,00" in page or "5\xa0000,00" in page
    # counts per kind at the top, and a link to each task
    assert 'href="?kind=call"' in page
    assert url("todo-detail", organisation, todo.call) in page
    assert "Envoyer les e-mails et SMS cochés" in page


def test_another_organisations_todo_is_not_listed_and_its_tasks_are_404(
    signed_in, organisation, other_organisation, todo, collector
):
    other_collector = signed_in(other_organisation, "collector", email="x@brasserie.example")
    page = page_text(other_collector.get(url("todo", other_organisation)))
    assert "Boulangerie" not in page
    # this organisation's reminder, through the other organisation's pages
    foreign = url("todo-detail", other_organisation, todo.email)
    assert other_collector.get(foreign).status_code == 404
    for name in ("todo-skip", "todo-postpone", "todo-preview", "todo-call-outcome"):
        assert other_collector.post(url(name, other_organisation, todo.email)).status_code == 404
    # and this organisation's pages, where they are not a member
    assert other_collector.get(url("todo-detail", organisation, todo.email)).status_code == 404
    # a collector of this organisation does reach it
    assert collector.get(url("todo-detail", organisation, todo.email)).status_code == 200


def test_filters_by_kind_and_by_collector(collector, organisation, todo):
    calls = page_text(collector.get(url("todo", organisation) + "?kind=call"))
    assert "Garage Martin" in calls and "Boulangerie" not in calls
    notices = page_text(collector.get(url("todo", organisation) + "?kind=formal_notice"))
    assert "Pharmacie Petit" in notices and "Garage" not in notices
    roux = customer(organisation, "K-C")
    roux.collector = todo.collector
    roux.save()
    mine = page_text(collector.get(url("todo", organisation) + f"?collector={todo.collector.pk}"))
    assert "Menuiserie Roux" in mine and "Garage Martin" not in mine
    unassigned = page_text(collector.get(url("todo", organisation) + "?collector=none"))
    assert "Menuiserie Roux" not in unassigned and "Garage Martin" in unassigned


def _more_customers_on_the_todo(organisation, count: int) -> None:
    """``count`` more customers, each with a task on the to-do."""
    actor = Actor.system("test")
    for n in range(count):
        extra = customer_create(organisation=organisation, external_ref=f"K-X{n}",
                                name=f"Client supplémentaire {n}", actor=actor)  # fmt: skip
        contact_add(customer=extra, email=f"compta{n}@extra.example", is_primary=True,
                    actor=actor)  # fmt: skip
        invoice_create(organisation=organisation, customer=extra, number=f"F-X{n}",
                       issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=Decimal("100.00") + n, actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=date(2026, 3, 10), actor=actor)
    Reminder.objects.filter(organisation=organisation, run_date=date(2026, 3, 10)).update(
        status="todo", mode="manual"
    )


def test_the_list_reads_in_a_fixed_number_of_queries(
    collector, organisation, todo, django_assert_max_num_queries
):
    collector.get(url("todo", organisation))  # session, membership... warmed up
    # The page of customers (and its count), their details, balances, tasks, requests and
    # late disputes, the counts by kind, the day's letters, the "still due?" check of every
    # open task (a fixed 7): the same number of reads for 4 customers as for 9, with or
    # without late disputes.
    with django_assert_max_num_queries(25):
        response = collector.get(url("todo", organisation))
    assert response.status_code == 200 and "Garage Martin" in page_text(response)
    _more_customers_on_the_todo(organisation, 5)
    _late_disputes(organisation, ["K-X1", "K-X2", "K-X3"], owner=todo.collector)
    # The check withdraws the disputed customers' tasks: three statements (the tasks read,
    # updated, audited), whatever their number; then the page reads as before.
    with django_assert_max_num_queries(28):
        response = collector.get(url("todo", organisation))
    assert Reminder.objects.filter(status="cancelled").count() == 3
    with django_assert_max_num_queries(25):
        response = collector.get(url("todo", organisation))
    assert "Client supplémentaire 4" in page_text(response)
    assert page_text(response).count("Litige en retard de 2 jours") == 3


def _late_disputes(organisation, refs: list[str], *, owner: User) -> None:
    """A dispute two days past its date on each of these customers' invoices."""
    today = local_day(organisation)
    for ref in refs:
        found = customer(organisation, ref)
        disputes_open(customer=found, invoices=list(found.invoices.all()), category="amount",
                      reason="Remise oubliée", owner=owner, due_on=today - timedelta(days=2),
                      day=today - timedelta(days=9), actor=Actor.system("test"))  # fmt: skip


def test_a_customers_todo_page_reads_in_a_fixed_number_of_queries(
    collector, organisation, todo, django_assert_max_num_queries
):
    page = url("todo-customer", organisation, customer=todo.email.customer.uuid)
    collector.get(page)
    with django_assert_max_num_queries(23):
        response = collector.get(page)
    assert "Boulangerie Lefèvre SARL" in page_text(response)
    _more_customers_on_the_todo(organisation, 5)
    _late_disputes(organisation, ["K-A", "K-X1"], owner=todo.collector)
    # Its disputed task withdrawn on the way: three statements more, this once.
    with django_assert_max_num_queries(26):
        assert "Litige en retard de 2 jours" in page_text(collector.get(page))
    with django_assert_max_num_queries(23):
        assert "Litige en retard de 2 jours" in page_text(collector.get(page))


def test_the_list_is_paginated(collector, organisation, todo, monkeypatch):
    monkeypatch.setattr("relance.web.todo.views.CUSTOMERS_PER_PAGE", 2)  # two customers a page
    first = page_text(collector.get(url("todo", organisation)))
    second = page_text(collector.get(url("todo", organisation) + "?page=2"))
    assert "Garage Martin" in first and "Garage Martin" not in second
    assert "Menuiserie Roux" in second and "Page 2 sur 2" in second


# --- the message editor -----------------------------------------------------------------------


def test_the_preview_shows_the_customers_invoices_in_a_sandboxed_frame(
    collector, organisation, todo
):
    page = page_text(collector.get(url("todo-detail", organisation, todo.email)))
    document = srcdoc(page)
    assert "F-A1" in document and "F-A2" in document  # all open items by default
    assert "1\u202f234,56" in document
    assert "<script" not in document
    assert "compta@lefevre.example" in page and "patron@lefevre.example" in page
    assert "Étape manuelle du scénario VIP." in page  # why it is here
    # Overdue only: the live preview (htmx) renders without saving. It never sends back a
    # field one types in: the text of an untouched field comes as data for the page to apply.
    values = fields(page)
    response = collector.post(
        url("todo-preview", organisation, todo.email),
        {**values, "statement": "overdue", "subject": "Mon objet à moi"},
        HTTP_HX_REQUEST="true",
    )
    fragment = page_text(response)
    assert "F-A1" in srcdoc(fragment) and "F-A2" not in srcdoc(fragment)
    assert 'name="body"' not in fragment and 'name="subject"' not in fragment
    assert re.search(r'<input type="hidden" name="fingerprint"[^>]*hx-swap-oob="true"', fragment)
    follow = json.loads(re.search(r'id="preview-follow"[^>]*>(.*?)</script>', fragment, re.S)[1])
    assert list(follow) == ["body"]  # the subject was typed: it is left alone
    assert "F-A2" not in follow["body"]["text"] and follow["body"]["base"] != values["body_base"]
    assert not ReminderDraft.objects.exists()


def test_the_preview_works_without_javascript(collector, organisation, todo):
    values = fields(page_text(collector.get(url("todo-detail", organisation, todo.email))))
    response = collector.post(
        url("todo-detail", organisation, todo.email),
        {**values, "subject": "Votre compte chez nous", "action": "preview"},
    )
    assert response.status_code == 200
    assert "Votre compte chez nous" in page_text(response)
    assert not ReminderDraft.objects.exists()


def test_edit_and_send_delivers_exactly_the_preview_with_copy_and_attachment(
    collector, organisation, todo, smtp_server, django_capture_on_commit_callbacks
):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    edited = {
        **values,
        "subject": "Boulangerie Lefèvre : votre facture F-A1",
        "body": "Bonjour,\r\n\r\nSauf erreur, la facture F-A1 reste due.\r\n\r\nCamille",
        "copy_to": "direction@lefevre.example",
    }
    upload = SimpleUploadedFile("relevé signé.pdf", PDF, "application/pdf")
    attach = {**edited, "action": "attach", "attachment": upload}
    assert collector.post(detail, attach).status_code == 302
    page = page_text(collector.get(detail))
    assert "relevé signé.pdf" in page
    assert "Sauf erreur, la facture F-A1 reste due." in srcdoc(page)
    values = fields(page)
    assert values["subject"] == edited["subject"]
    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(
            detail, {**values, "copy_to": "direction@lefevre.example", "action": "send"}
        )
    # "Done, next": the bakery has nothing left today; on to the next customer
    after = url("todo-customer", organisation, customer=customer(organisation, "K-D").uuid)
    assert response.status_code == 302 and response.url == after
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert str(mail["Subject"]) == "Boulangerie Lefèvre : votre facture F-A1"
    assert mail["To"] == "compta@lefevre.example"
    assert set(str(mail["Cc"]).split(", ")) == {
        "direction@lefevre.example",
        "patron@lefevre.example",
    }
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Sauf erreur, la facture F-A1 reste due." in text
    attached = list(mail.iter_attachments())
    assert [(a.get_filename(), a.get_content()) for a in attached] == [("relevé signé.pdf", PDF)]
    todo.email.refresh_from_db()
    assert todo.email.status == "sent"
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert message.status == "sent" and message.subject == edited["subject"]
    event = AuditEvent.objects.get(action="reminder_send", entity_id=str(todo.email.uuid))
    assert event.actor.email == f"collector@{organisation.slug}.example"
    assert event.after["edited"] is True
    assert AuditEvent.objects.filter(action="reminder_draft").exists()
    assert AuditEvent.objects.filter(action="reminder_attachment_add").exists()
    assert detail not in page_text(collector.get(url("todo", organisation)))


def test_what_was_typed_after_the_last_preview_is_sent_as_typed(
    collector, organisation, todo, smtp_server, django_capture_on_commit_callbacks
):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    typed = {
        "subject": "Un objet tapé juste avant « Envoyer »",
        "body": "Bonjour,\r\n\r\nTapé à l'instant, jamais prévisualisé.\r\n\r\nCamille",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(detail, {**values, **typed, "action": "send"})
    assert response.status_code == 302
    [mail] = smtp_server.messages
    assert str(mail["Subject"]) == typed["subject"]
    assert mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n") == (
        "Bonjour,\n\nTapé à l'instant, jamais prévisualisé.\n\nCamille\n"
    )


def test_a_send_whose_recipients_changed_since_the_preview_is_refused(
    collector, organisation, todo, smtp_server, django_capture_on_commit_callbacks
):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    contact_add(customer=todo.email.customer, email="nouveau@lefevre.example", in_copy=True,
                actor=Actor.system("test"))  # fmt: skip
    typed = {"subject": "Objet saisi", "action": "send"}
    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(detail, {**values, **typed})
    assert response.status_code == 409
    assert "a changé depuis votre aperçu" in page_text(response)
    assert "nouveau@lefevre.example" in page_text(response)
    assert smtp_server.messages == [] and not OutboundMessage.objects.exists()
    # what was typed is kept; the page now shows the new preview: sending that one works
    values = fields(page_text(response))
    assert values["subject"] == "Objet saisi"
    with django_capture_on_commit_callbacks(execute=True):
        collector.post(detail, {**values, "action": "send"})
    assert str(smtp_server.messages[0]["Subject"]) == "Objet saisi"
    assert "nouveau@lefevre.example" in str(smtp_server.messages[0]["Cc"])


@pytest.mark.django_db(transaction=True)
def test_a_payment_recorded_after_planning_cancels_the_send(
    collector, organisation, todo, smtp_server
):
    """Paid between opening the task and clicking send: the task is withdrawn, nothing
    leaves, and the page says why."""
    detail = url("todo-detail", organisation, todo.small_email)
    values = fields(page_text(collector.get(detail)))
    invoice = Invoice.objects.get(number="F-C1")
    payment_record(organisation=organisation, customer=invoice.customer, reference="VIR-1",
                   date=local_day(organisation), amount=Decimal("300.00"), invoice=invoice,
                   actor=Actor.system("test"))  # fmt: skip
    response = collector.post(detail, {**values, "action": "send"}, follow=True)
    assert smtp_server.messages == []
    assert not OutboundMessage.objects.filter(reminder=todo.small_email).exists()
    todo.small_email.refresh_from_db()
    assert todo.small_email.status == "cancelled"
    assert "paiement" in todo.small_email.notes[-1]
    assert "retirée" in page_text(response)


def test_copy_addresses_are_checked(collector, organisation, todo):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    response = collector.post(detail, {**values, "copy_to": "ok@example.org, pas-une-adresse",
                                       "action": "save"})  # fmt: skip
    assert response.status_code == 200
    assert "pas-une-adresse" in page_text(response) and "invalide" in page_text(response)
    assert not ReminderDraft.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("vide.pdf", b"", "vide"),
        ("script.exe", b"MZ\x90\x00", "Type de fichier"),
        ("faux.pdf", b"pas un pdf", "vrai fichier"),
    ],
)
def test_attachments_are_checked(collector, organisation, todo, name, data, error):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    response = collector.post(detail, {**values, "action": "attach", "attachment": upload})
    assert error in page_text(response)
    assert not ReminderAttachment.objects.exists()


def test_an_attachment_over_the_size_limit_is_refused(collector, organisation, todo):
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = collector.post(detail, {**values, "action": "attach", "attachment": big})
    assert "trop volumineux" in page_text(response)
    assert not ReminderAttachment.objects.exists()


# --- skip, postpone, bulk ---------------------------------------------------------------------


def test_skip_requires_a_reason(collector, organisation, todo):
    skip = url("todo-skip", organisation, todo.email)
    response = collector.post(skip, {"reason": "  "}, follow=True)
    assert "Indiquez pourquoi" in page_text(response)
    todo.email.refresh_from_db()
    assert todo.email.status == "todo"
    collector.post(skip, {"reason": "Le client a appelé, il paie demain"})
    todo.email.refresh_from_db()
    assert todo.email.status == "skipped"
    assert todo.email.notes[-1] == "Écartée : Le client a appelé, il paie demain"
    event = AuditEvent.objects.get(action="reminder_skip")
    assert event.after["reason"] == "Le client a appelé, il paie demain"


def test_postpone_hides_the_task_until_its_date(collector, organisation, todo):
    today = local_day(organisation)
    postpone = url("todo-postpone", organisation, todo.call)
    response = collector.post(postpone, {"until": today.isoformat()}, follow=True)
    assert "date à venir" in page_text(response)
    collector.post(postpone, {"until": (today + timedelta(days=3)).isoformat(), "reason": "congés"})
    detail = url("todo-detail", organisation, todo.call)
    assert detail not in page_text(collector.get(url("todo", organisation)))
    assert not open_todo(organisation, today=today + timedelta(days=2)).filter(pk=todo.call.pk)
    assert open_todo(organisation, today=today + timedelta(days=3)).filter(pk=todo.call.pk)
    assert AuditEvent.objects.filter(action="reminder_postpone").count() == 1


def test_bulk_send_of_routine_emails(
    collector, organisation, todo, smtp_server, django_capture_on_commit_callbacks
):
    picked = [todo.email.uuid, todo.small_email.uuid, todo.call.uuid]
    with django_capture_on_commit_callbacks(execute=True):
        response = collector.post(url("todo-bulk", organisation),
                                  {"reminders": [str(u) for u in picked]}, follow=True)  # fmt: skip
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [
        "compta@lefevre.example",
        "compta@roux.example",
    ]
    todo.refresh()
    assert (todo.email.status, todo.small_email.status, todo.call.status) == (
        "sent",
        "sent",
        "todo",
    )
    events = AuditEvent.objects.filter(action="reminder_send")
    assert sorted(e.entity_id for e in events) == sorted([str(todo.email.uuid),
                                                          str(todo.small_email.uuid)])  # fmt: skip
    page = page_text(response)
    assert "2 relance(s) envoyée(s)" in page and "Garage Martin : non envoyée" in page


def test_a_failed_delivery_is_on_the_todo_and_is_sent_again_by_hand(
    collector, organisation, todo, smtp_server, django_capture_on_commit_callbacks
):
    from relance.channels.outbox import outbox_enqueue

    old = outbox_enqueue(
        reminder=todo.email,
        sender="a@atelier.example",
        recipients=["ancienne@lefevre.example"],
        subject="x",
        body_text="x",
    )
    OutboundMessage.objects.filter(pk=old.pk).update(status="dead", last_error="550 inconnu")
    Reminder.objects.filter(pk=todo.email.pk).update(status="failed")
    page = page_text(collector.get(url("todo", organisation) + "?kind=failed"))
    assert "Boulangerie" in page and "550 inconnu" in page
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    with django_capture_on_commit_callbacks(execute=True):
        collector.post(detail, {**values, "action": "send"})
    assert [str(m["To"]) for m in smtp_server.messages] == ["compta@lefevre.example"]
    old.refresh_from_db()
    assert old.reminder_id is None and old.status == "dead"  # kept, replaced
    assert OutboundMessage.objects.get(reminder=todo.email).status == "sent"


# --- calls ------------------------------------------------------------------------------------


def test_call_page_and_a_promise_removes_the_task(collector, organisation, todo):
    detail = url("todo-detail", organisation, todo.call)
    page = page_text(collector.get(detail))
    assert 'href="tel:+33612345678"' in page
    assert "F-B1" in page and "Script d'appel" in page and "Garage Martin" in page
    today = local_day(organisation)
    outcome = url("todo-call-outcome", organisation, todo.call)
    missing = collector.post(outcome, {"outcome": "promise"})
    assert missing.status_code == 400 and "une date et un montant" in page_text(missing)
    response = collector.post(outcome, {
        "outcome": "promise", "promised_on": (today + timedelta(days=10)).isoformat(),
        "promised_amount": "5000.00", "notes": "Virement vendredi",
    })  # fmt: skip
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.amount == Decimal("5000.00") and promise.customer.name == "Garage Martin"
    todo.call.refresh_from_db()
    assert todo.call.status == "sent"
    assert detail not in page_text(collector.get(url("todo", organisation)))
    assert AuditEvent.objects.filter(action="call_outcome").exists()


def test_a_promise_is_typed_the_french_way_and_never_above_what_is_owed(
    collector, organisation, todo
):
    detail = url("todo-detail", organisation, todo.call)
    page = page_text(collector.get(detail))
    # pre-filled with what is overdue, two decimals, as a French page writes it
    assert re.search(r'name="promised_amount" value="5\xa0000,00"', page), page
    outcome = url("todo-call-outcome", organisation, todo.call)
    promised_on = (local_day(organisation) + timedelta(days=10)).isoformat()
    for typed, error in (
        ("5000,01", "dépasse ce qui reste dû sur cette facture (5 000,00 €)"),
        ("1.234", "Montant ambigu « 1.234 »"),
        ("30 88,65", "Montant illisible « 30 88,65 »"),
        ("3088,655", "deux décimales au plus"),
        ("-5", "doit être positif"),
    ):
        response = collector.post(outcome, {"outcome": "promise", "promised_on": promised_on,
                                            "promised_amount": typed})  # fmt: skip
        assert response.status_code == 400, typed
        assert error in html.unescape(page_text(response)), typed
        assert f'value="{typed}"' in page_text(response)  # what was typed stays in the box
    assert not Promise.objects.exists()
    response = collector.post(outcome, {"outcome": "promise", "promised_on": promised_on,
                                        "promised_amount": "3\u202f088,65"})  # fmt: skip
    assert response.status_code == 302
    assert Promise.objects.get().amount == Decimal("3088.65")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_amount_reads_the_same_whatever_the_interface_language(
    collector, organisation, todo, language
):
    User.objects.filter(email=f"collector@{organisation.slug}.example").update(language=language)
    outcome = url("todo-call-outcome", organisation, todo.call)
    promised_on = (local_day(organisation) + timedelta(days=10)).isoformat()
    collector.post(outcome, {"outcome": "promise", "promised_on": promised_on,
                             "promised_amount": "3088,65"})  # fmt: skip
    assert Promise.objects.get().amount == Decimal("3088.65")


# --- letters ----------------------------------------------------------------------------------


def test_formal_notice_pdf_print_and_mark_posted(collector, organisation, todo):
    pdf = collector.get(url("todo-letter-pdf", organisation, todo.formal))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Pharmacie Petit" in text and "RECOMMANDÉE" in text
    posted = url("todo-letter-posted", organisation, todo.formal)
    early = collector.post(posted, {"posted_on": local_day(organisation).isoformat(),
                                    "registered_number": "1A12345678901"})  # fmt: skip
    assert early.status_code == 400 and "Imprimez" in page_text(early)
    printed = collector.post(url("todo-print", organisation))
    assert printed["Content-Type"] == "application/pdf" and printed.content.startswith(b"%PDF")
    assert PostalDispatch.objects.filter(reminder=todo.formal).exists()
    no_number = collector.post(posted, {"posted_on": local_day(organisation).isoformat()})
    assert no_number.status_code == 400 and "obligatoire" in page_text(no_number).lower()
    response = collector.post(posted, {"posted_on": local_day(organisation).isoformat(),
                                       "registered_number": "1A 123 456 7890 1"})  # fmt: skip
    assert response.status_code == 302
    todo.formal.refresh_from_db()
    assert todo.formal.status == "sent"
    assert todo.formal.dispatch.registered_number == "1A 123 456 7890 1"
    assert AuditEvent.objects.filter(action="letter_posted").exists()


# --- roles ------------------------------------------------------------------------------------


def test_a_viewer_reads_everything_and_writes_nothing(viewer, organisation, todo):
    page = page_text(viewer.get(url("todo", organisation)))
    assert "Garage Martin" in page and "Envoyer la sélection" not in page
    detail = page_text(viewer.get(url("todo-detail", organisation, todo.email)))
    assert "F-A1" in srcdoc(detail) and 'name="action"' not in detail
    assert viewer.get(url("todo-letter-pdf", organisation, todo.formal)).status_code == 200
    posts = [
        url("todo-bulk", organisation),
        url("todo-print", organisation),
        url("todo-detail", organisation, todo.email),
        url("todo-preview", organisation, todo.email),
        url("todo-skip", organisation, todo.email),
        url("todo-postpone", organisation, todo.email),
        url("todo-call-outcome", organisation, todo.call),
        url("todo-letter-print", organisation, todo.formal),
        url("todo-letter-posted", organisation, todo.formal),
        url("todo-done", organisation, todo.call),
    ]
    for target in posts:
        assert viewer.post(target, {"reason": "x", "action": "send"}).status_code == 403, target
    todo.refresh()
    assert {todo.email.status, todo.call.status, todo.formal.status} == {"todo"}


def test_posts_need_a_csrf_token(organisation, todo, actor):
    from django.test import Client

    from relance.accounts.services import user_create

    user = user_create(email="strict@atelier.example", organisation=organisation,
                       role="collector", actor=actor)  # fmt: skip
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(url("todo-skip", organisation, todo.email), {"reason": "sans jeton"})
    assert response.status_code == 403
    todo.email.refresh_from_db()
    assert todo.email.status == "todo"
