"""The task of a bounced e-mail: the reason in plain words, then the address corrected and the
message sent again in one step, to a real local SMTP server (real commits)."""

from __future__ import annotations

import html

import pytest

from relance.channels.email.tracking import inbound_message
from relance.channels.models import OutboundMessage
from relance.dunning.models import Reminder
from relance.ledger.models import Contact
from tests.channels.test_tracking import dsn_for
from tests.dunning.todo_helpers import make_todo
from tests.web.test_todo import fields, page_text, url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bounced(organisation, collector, smtp_server):
    todo = make_todo(organisation)
    detail = url("todo-detail", organisation, todo.email)
    values = fields(page_text(collector.get(detail)))
    collector.post(detail, {**values, "action": "send"})
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert message.status == "sent"
    inbound_message(dsn_for(message, status="5.1.1"))
    return todo


def test_the_bounce_is_told_in_plain_words_without_the_sent_contradiction(
    collector, organisation, bounced
):
    page = html.unescape(page_text(collector.get(url("todo-detail", organisation, bounced.email))))
    assert "Message non distribué" in page
    assert "L'adresse n'existe pas chez le destinataire (boîte inconnue)." in page
    assert "compta@lefevre.example" in page
    assert "Envoi précédent" not in page and "Rejeté : 5.1.1" not in page
    contacts = page_text(collector.get(url("customer", organisation, customer=bounced.email
                                           .customer.uuid), {"tab": "contacts"}))  # fmt: skip
    assert "rejeté le" in contacts


def test_correct_and_send_again_in_one_step(collector, viewer, organisation, bounced, smtp_server):
    fix = url("todo-bounce-fix", organisation, bounced.email)
    contact = Contact.objects.get(email="compta@lefevre.example")
    before = len(smtp_server.messages)
    assert viewer.post(fix, {"contact": str(contact.uuid)}).status_code == 403
    for bad in ({"contact": str(contact.uuid), "email": "pas une adresse"},
                {"contact": "00000000-0000-0000-0000-000000000000"}, {}):  # fmt: skip
        refused = collector.post(fix, bad)
        assert refused.status_code == 400
    assert len(smtp_server.messages) == before
    assert Contact.objects.get(pk=contact.pk).email == "compta@lefevre.example"

    corrected = {"contact": str(contact.uuid), "email": "comptabilite@lefevre.example"}
    response = collector.post(fix, corrected, follow=True)
    assert response.redirect_chain[-1][0] == url("todo", organisation)
    assert "Relance envoyée à Boulangerie Lefèvre SARL (comptabilite@lefevre.example)" in (
        html.unescape(page_text(response))
    )
    assert smtp_server.messages[-1]["To"] == "comptabilite@lefevre.example"
    assert Reminder.objects.get(pk=bounced.email.pk).status == "sent"
    again = collector.post(fix, {"contact": str(contact.uuid)}, follow=True)
    assert "déjà été traitée" in html.unescape(page_text(again))
    assert len(smtp_server.messages) == before + 1
