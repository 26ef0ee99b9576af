"""A bounced e-mail: the contact is flagged, the reason is told in plain words, and the
collector corrects the address (or picks another contact) and sends again in one step."""

from __future__ import annotations

import pytest

from relance.accounts.audit import Actor
from relance.channels.email.bounce_reasons import bounce_reason
from relance.channels.email.tracking import inbound_message, open_pixel_token, record_open
from relance.channels.manual import SendRefused, bounce_fix_send, todo_send_email
from relance.channels.models import OutboundMessage
from relance.dunning.models import Reminder
from relance.ledger.models import Contact
from relance.ledger.services import contact_add, contact_update
from tests.channels.test_tracking import dsn_for
from tests.dunning.todo_helpers import RUN_DAY, make_todo


@pytest.mark.parametrize(
    ("status", "diagnostic", "words", "permanent"),
    [
        ("5.1.1", "", "n'existe pas", True),
        ("5.2.2", "", "pleine", True),
        ("5.7.1", "", "anti-spam", True),
        ("5.7.26", "", "SPF, DKIM, DMARC", True),
        ("5.7.99", "", "anti-spam", True),  # unknown detail: its subject speaks
        ("4.2.2", "", "temporaire", False),
        ("", "smtp; 550 5.1.1 <x@y.example>: Recipient address rejected", "n'existe pas", True),
        ("garbage", "", "a refusé le message", True),
    ],
)
def test_a_bounce_status_is_told_in_plain_words(status, diagnostic, words, permanent):
    reason = bounce_reason(status, diagnostic)
    assert words in reason.text and reason.permanent is permanent


@pytest.fixture
def bounced(organisation, smtp_server, django_capture_on_commit_callbacks):
    """Boulangerie Lefèvre's e-mail sent to compta@lefevre.example, then bounced (5.1.1)."""
    todo = make_todo(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        todo_send_email(reminder=todo.email, today=RUN_DAY, actor=_actor(todo),
                        fingerprint=None)  # fmt: skip
    message = OutboundMessage.objects.get(reminder=todo.email)
    assert message.status == "sent"
    assert inbound_message(dsn_for(message)).kind == "bounced"
    todo.email.refresh_from_db()
    assert todo.email.status == "failed"
    return todo


def _actor(todo):
    return Actor(user=todo.collector)


def _primary(customer):
    return Contact.objects.get(customer=customer, is_primary=True)


def test_a_hard_bounce_flags_the_contact_until_its_address_changes(bounced):
    contact = _primary(bounced.email.customer)
    assert contact.bounced_at is not None and contact.bounce_status == "5.1.1"
    # The contact in copy did not bounce.
    other = Contact.objects.get(customer=bounced.email.customer, is_primary=False)
    assert other.bounced_at is None
    contact_update(contact=contact, actor=_actor(bounced), name=contact.name,
                   email=contact.email.upper(), phone=contact.phone, role=contact.role,
                   is_primary=True, in_copy=False)  # fmt: skip
    assert _primary(bounced.email.customer).bounced_at is not None  # same address
    contact_update(contact=contact, actor=_actor(bounced), name=contact.name,
                   email="comptabilite@lefevre.example", phone=contact.phone, role=contact.role,
                   is_primary=True, in_copy=False)  # fmt: skip
    assert _primary(bounced.email.customer).bounced_at is None


@pytest.fixture
def resend(bounced, django_capture_on_commit_callbacks):
    """The one step, its message handed to the SMTP server once committed (the send loop)."""

    def step(contact, email=""):
        with django_capture_on_commit_callbacks(execute=True):
            return bounce_fix_send(reminder=bounced.email, contact=contact, email=email,
                                   today=RUN_DAY, actor=_actor(bounced))  # fmt: skip

    return step


def test_an_opening_of_a_later_message_lifts_the_flag(bounced, resend, smtp_server):
    reminder = bounced.email
    contact = _primary(reminder.customer)
    message = resend(contact)
    message.refresh_from_db()
    assert message.status == "sent"
    assert _primary(reminder.customer).bounced_at is not None  # sent is not delivered
    assert record_open(open_pixel_token(message))
    assert _primary(reminder.customer).bounced_at is None


def test_correct_the_address_and_send_again_reaches_the_server(bounced, resend, smtp_server):
    reminder = bounced.email
    contact = _primary(reminder.customer)
    before = len(smtp_server.messages)
    message = resend(contact, "comptabilite@lefevre.example")
    message.refresh_from_db()
    assert message.status == "sent" and message.recipients == ["comptabilite@lefevre.example"]
    assert len(smtp_server.messages) == before + 1
    assert smtp_server.messages[-1]["To"] == "comptabilite@lefevre.example"
    contact.refresh_from_db()
    assert contact.email == "comptabilite@lefevre.example" and contact.bounced_at is None
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    # The bounced message is kept, no longer the reminder's.
    assert OutboundMessage.objects.filter(reminder=None, customer=reminder.customer).count() == 1


def test_pick_another_contact_and_send_again(bounced, resend, smtp_server):
    reminder = bounced.email
    other = contact_add(customer=reminder.customer, email="direction@lefevre.example",
                        actor=_actor(bounced))  # fmt: skip
    resend(other)
    assert smtp_server.messages[-1]["To"] == "direction@lefevre.example"
    assert _primary(reminder.customer) == other
    # The contact that bounced stays flagged.
    assert Contact.objects.get(email="compta@lefevre.example").bounced_at is not None


def test_bad_input_changes_nothing(bounced, organisation, smtp_server):
    reminder = bounced.email
    contact = _primary(reminder.customer)
    stranger = Contact.objects.get(email="compta@roux.example")
    count = len(smtp_server.messages)
    with pytest.raises(SendRefused, match="ce client"):
        bounce_fix_send(reminder=reminder, contact=stranger, email="", today=RUN_DAY,
                        actor=_actor(bounced))  # fmt: skip
    with pytest.raises(SendRefused):
        bounce_fix_send(reminder=reminder, contact=contact, email="pas une adresse",
                        today=RUN_DAY, actor=_actor(bounced))  # fmt: skip
    contact.refresh_from_db()
    assert contact.email == "compta@lefevre.example"
    assert Reminder.objects.get(pk=reminder.pk).status == "failed"
    assert len(smtp_server.messages) == count
