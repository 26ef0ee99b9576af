"""A day's e-mails written in bulk are the rows ``outbox_enqueue`` writes one by one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from relance.accounts.audit import Actor
from relance.channels.email.tracking import open_pixel_token
from relance.channels.enqueue import Draft, outbox_enqueue_many
from relance.channels.models import OutboundMessage
from relance.channels.outbox import outbox_enqueue
from relance.dunning.models import DunningSettings, Reminder
from relance.dunning.run import run_day
from relance.ledger.services import customer_create, invoice_create

SENDER = "Atelier Dupont <relances@atelier.example>"
# Unique to each message, or the time it was written.
OWN = ("id", "uuid", "message_id", "created_at", "next_attempt_at")


class Undo(Exception):
    pass


def reminders(organisation, day: date, count: int = 2) -> list[Reminder]:
    actor = Actor.system("test")
    for n in range(count):
        customer = customer_create(organisation=organisation, external_ref=f"K{n}",
                                   name=f"Client {n}", actor=actor)  # fmt: skip
        invoice_create(organisation=organisation, customer=customer, number=f"F-{n}",
                       issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=Decimal("100.00") + n, actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=day, actor=actor)
    return list(Reminder.objects.select_related("customer").order_by("id"))


def draft(reminder: Reminder, subject: str = "Rappel") -> Draft:
    return Draft(reminder=reminder, sender=SENDER,
                 recipients=[f"compta@{reminder.customer.external_ref.lower()}.example"],
                 subject=subject, body_text=f"Montant dû : {reminder.amount_due} EUR",
                 body_html="<html><body><p>Montant dû</p></body></html>",
                 reply_to="camille@atelier.example", copy_to=["dg@client.example"])  # fmt: skip


def row(message: OutboundMessage) -> dict[str, object]:
    values = model_to_dict(OutboundMessage.objects.get(pk=message.pk))
    return {name: value for name, value in values.items() if name not in OWN}


def one_by_one(one: Draft) -> dict[str, object]:
    """The row ``outbox_enqueue`` writes for this draft, then undone."""
    try:
        with transaction.atomic():
            found = row(outbox_enqueue(
                reminder=one.reminder, sender=one.sender, recipients=one.recipients,
                subject=one.subject, body_text=one.body_text, body_html=one.body_html,
                reply_to=one.reply_to, copy_to=one.copy_to, items=one.items,
            ))  # fmt: skip
            raise Undo
    except Undo:
        return found


@pytest.mark.django_db
def test_the_rows_are_those_written_one_by_one(organisation):
    drafts = [draft(reminder) for reminder in reminders(organisation, date(2026, 3, 9))]
    expected = [one_by_one(one) for one in drafts]
    written = outbox_enqueue_many(drafts)
    assert [row(message) for message in written] == expected
    assert all(message["items"] for message in expected)  # read from the reminder's items


@pytest.mark.django_db
def test_messages_thread_with_earlier_ones_and_with_each_other(organisation):
    actor = Actor.system("test")
    customer = customer_create(organisation=organisation, external_ref="K0", name="Client",
                               actor=actor)  # fmt: skip
    for currency in ("EUR", "USD", "GBP"):  # a reminder per currency, on the same day
        invoice_create(organisation=organisation, customer=customer, number=f"F-{currency}",
                       issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=Decimal("100.00"), currency=currency,
                       actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=date(2026, 3, 9), actor=actor)
    by_currency = {r.currency: r for r in Reminder.objects.select_related("customer")}
    [first] = outbox_enqueue_many([draft(by_currency["EUR"])])
    second, third = outbox_enqueue_many([draft(by_currency["USD"]), draft(by_currency["GBP"])])
    assert second.references == first.message_id
    assert third.references == f"{first.message_id} {second.message_id}"


@pytest.mark.django_db
def test_the_open_pixel_is_the_message_own(organisation):
    DunningSettings.objects.update_or_create(organisation=organisation,
                                             defaults={"track_opens": True})  # fmt: skip
    [message, _] = outbox_enqueue_many([draft(r) for r in reminders(organisation,
                                                                    date(2026, 3, 9))])  # fmt: skip
    stored = OutboundMessage.objects.get(pk=message.pk)
    # The token is signed with the time: its first part, the message's UUID, is the same.
    assert open_pixel_token(stored).split(":")[0] in stored.body_html
    assert stored.body_html.index("<img") < stored.body_html.index("</body>")
