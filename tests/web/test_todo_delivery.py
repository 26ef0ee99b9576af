"""What a collector is told after "send", and where failures show: the to-do and the dashboard.

Real commits (the message is handed to the SMTP server as the request commits) and a real
local SMTP server that refuses, or a port where none listens."""

from __future__ import annotations

import html
import socket

import pytest
from django.urls import reverse

from relance.accounts.clock import local_day
from relance.channels.models import OutboundMessage
from relance.dunning.todo import open_todo
from tests.dunning.todo_helpers import customer, make_todo
from tests.web.test_todo import fields, page_text, url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def _send(collector, organisation, reminder) -> str:
    detail = url("todo-detail", organisation, reminder)
    values = fields(page_text(collector.get(detail)))
    response = collector.post(detail, {**values, "action": "send"}, follow=True)
    # "Done, next": on to the customer after this one (Pharmacie Petit, after the bakery),
    # unless the send failed: the task is still there, and so is the collector.
    still_open = open_todo(organisation, today=local_day(organisation)).filter(pk=reminder.pk)
    ref = reminder.customer.external_ref if still_open.exists() else "K-D"
    after = reverse(
        "todo-customer",
        kwargs={"org": organisation.slug, "customer": customer(organisation, ref).uuid},
    )
    assert response.redirect_chain[-1][0] == after
    return html.unescape(page_text(response))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again: nothing listens there


def _dashboard(collector, organisation) -> str:
    page = collector.get(reverse("dashboard", kwargs={"org": organisation.slug}))
    return html.unescape(page_text(page))


def test_sent_is_said_only_when_the_server_took_it(collector, organisation, todo, smtp_server):
    page = _send(collector, organisation, todo.email)
    assert len(smtp_server.messages) == 1
    assert "Relance envoyée à Boulangerie Lefèvre SARL (compta@lefevre.example)." in page
    assert "Aucun envoi en échec." in _dashboard(collector, organisation)


def test_a_refused_recipient_is_a_failure_on_the_page_the_todo_and_the_dashboard(
    collector, organisation, todo, smtp_server
):
    for address in ("compta@lefevre.example", "patron@lefevre.example"):  # to, and copy
        smtp_server.refuse[address] = "550 5.1.1 Mailbox unknown"
    page = _send(collector, organisation, todo.email)
    assert smtp_server.messages == []
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert message.status == "dead" and "550" in message.last_error
    assert f"Échec de l'envoi à Boulangerie Lefèvre SARL : {message.last_error}." in page
    assert "Relance envoyée" not in page and "en file" not in page
    failures = html.unescape(page_text(collector.get(url("todo", organisation) + "?kind=failed")))
    assert "Boulangerie Lefèvre SARL" in failures and "destinataires refusés" in failures
    board = _dashboard(collector, organisation)
    assert "Aucun envoi en échec." not in board
    assert "1 envoi à reprendre" in board and "destinataires refusés" in board


def test_an_unreachable_server_is_a_failure_with_its_retry(collector, organisation, todo, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    page = _send(collector, organisation, todo.email)
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert message.status == "failed" and "injoignable" in message.last_error
    assert f"Échec de l'envoi à Boulangerie Lefèvre SARL : {message.last_error}." in page
    assert "Nouvel essai automatique le" in page
    assert "Relance envoyée" not in page and "en file d'envoi" not in page
    # still retried by the outbox, and listed as a failure, with the reason, meanwhile
    failures = html.unescape(page_text(collector.get(url("todo", organisation) + "?kind=failed")))
    assert "Boulangerie Lefèvre SARL" in failures and "injoignable" in failures
    assert "nouvel essai automatique le" in failures
    board = _dashboard(collector, organisation)
    assert "Aucun envoi en échec." not in board and "injoignable" in board
    detail = html.unescape(page_text(collector.get(url("todo-detail", organisation, todo.email))))
    assert "injoignable" in detail


def test_temporary_refusals_count_as_failures_until_the_retry_succeeds(
    collector, organisation, todo, smtp_server
):
    from relance.channels.outbox import send_messages

    smtp_server.temporary_failures = 1
    page = _send(collector, organisation, todo.email)
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert message.status == "failed" and "451" in message.last_error
    assert "Échec de l'envoi à Boulangerie Lefèvre SARL" in page
    assert "1 envoi à reprendre" in _dashboard(collector, organisation)
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert send_messages([message.pk], worker="test").sent == 1
    assert len(smtp_server.messages) == 1
    assert "Aucun envoi en échec." in _dashboard(collector, organisation)
    listing = page_text(collector.get(url("todo", organisation)))
    assert url("todo-detail", organisation, todo.email) not in listing
