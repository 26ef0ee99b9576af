"""Contacts changed, notes written and collectors assigned through the ledger services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.models import AuditEvent
from relance.accounts.services import user_create
from relance.ledger.models import Contact, Note
from relance.ledger.services import (
    LedgerError,
    contact_add,
    contact_update,
    customer_collector_set,
    customer_create,
    invoice_create,
    note_add,
)


@pytest.fixture
def garage(organisation, actor):
    return customer_create(organisation=organisation, external_ref="K1", name="Garage",
                           actor=actor)  # fmt: skip


def test_contact_update_checks_and_hands_over_the_primary_role(garage, actor):
    first = contact_add(customer=garage, email="a@garage.example", is_primary=True, actor=actor)
    second = contact_add(customer=garage, phone="+33612345678", actor=actor)
    with pytest.raises(LedgerError, match="format international"):
        contact_update(contact=second, name="", email="", phone="0612", role="billing",
                       is_primary=False, in_copy=False, actor=actor)  # fmt: skip
    with pytest.raises(LedgerError, match="au moins"):
        contact_update(contact=second, name="", email="", phone="", role="billing",
                       is_primary=False, in_copy=False, actor=actor)  # fmt: skip
    contact_update(contact=second, name=" Paul ", email="paul@garage.example", phone="",
                   role="accounting", is_primary=True, in_copy=False, actor=actor)  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.name, second.is_primary, first.is_primary) == ("Paul", True, False)
    event = AuditEvent.objects.get(action="contact_update")
    assert event.before["primary"] is False and event.after["email"] == "paul@garage.example"
    # Saving the same values again records nothing.
    contact_update(contact=second, name="Paul", email="paul@garage.example", phone="",
                   role="accounting", is_primary=True, in_copy=False, actor=actor)  # fmt: skip
    assert AuditEvent.objects.filter(action="contact_update").count() == 1
    assert Contact.objects.filter(customer=garage, is_primary=True).count() == 1


def test_a_note_is_on_the_customer_or_one_of_its_invoices(organisation, garage, actor):
    other = customer_create(organisation=organisation, external_ref="K2", name="Autre",
                            actor=actor)  # fmt: skip
    theirs = invoice_create(organisation=organisation, customer=other, number="F-9",
                            issue_date=date(2026, 1, 1), due_date=date(2026, 2, 1),
                            amount_incl_tax=Decimal("10.00"), actor=actor)  # fmt: skip
    with pytest.raises(LedgerError, match="vide"):
        note_add(customer=garage, text="   ", actor=actor)
    with pytest.raises(LedgerError, match="pas à ce client"):
        note_add(customer=garage, text="x", invoice=theirs, actor=actor)
    with pytest.raises(LedgerError, match="5000 caractères"):
        note_add(customer=garage, text="x" * 5001, actor=actor)
    note = note_add(customer=garage, text="  A rappeler lundi ", actor=actor)
    assert (note.text, note.author, note.invoice, note.organisation) == (
        "A rappeler lundi", None, None, organisation
    )  # fmt: skip
    event = AuditEvent.objects.get(action="note_add")
    assert event.entity_id == str(garage.uuid) and event.after["text"] == "A rappeler lundi"
    assert Note.objects.count() == 1


def test_a_customer_goes_to_a_collector_of_its_organisation_only(
    organisation, other_organisation, garage, actor
):
    camille = user_create(email="camille@atelier.example", organisation=organisation,
                          role="collector", actor=actor)  # fmt: skip
    reader = user_create(email="lea@atelier.example", organisation=organisation, role="viewer",
                         actor=actor)  # fmt: skip
    stranger = user_create(email="jan@brasserie.example", organisation=other_organisation,
                           role="collector", actor=actor)  # fmt: skip
    for wrong in (reader, stranger):
        with pytest.raises(LedgerError, match="pas membre"):
            customer_collector_set(customer=garage, collector=wrong, actor=actor)
    customer_collector_set(customer=garage, collector=camille, actor=actor)
    customer_collector_set(customer=garage, collector=camille, actor=actor)  # unchanged
    customer_collector_set(customer=garage, collector=None, actor=actor)
    garage.refresh_from_db()
    assert garage.collector is None
    changes = list(AuditEvent.objects.filter(action="customer_collector")
                   .values_list("before__collector", "after__collector"))  # fmt: skip
    assert changes == [(None, "camille@atelier.example"), ("camille@atelier.example", None)]
