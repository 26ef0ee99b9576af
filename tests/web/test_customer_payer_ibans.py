"""The accounts that pay for a customer, on its page: the customer file's IBAN and those the
bank matching learned; a wrong learned one is forgotten, with its trace in the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.imports.bank import payer_ibans_learn
from relance.imports.models import PayerIban
from relance.imports.selectors import known_payer_ibans
from relance.ledger.services import customer_create

LEARNED = "FR7630004000031234567890143"
DECLARED = "BE68539007547034"


@pytest.fixture
def garage(organisation):
    customer = customer_create(organisation=organisation, external_ref="K1", name="Garage",
                               actor=Actor.system("test"))  # fmt: skip
    customer.iban = DECLARED
    customer.save()
    payer_ibans_learn(organisation=organisation, pairs=[(LEARNED, customer.pk)], known={})
    return customer


def page(client, organisation, customer) -> str:
    address = reverse("customer", kwargs={"org": organisation.slug, "customer": customer.uuid})
    return str(client.get(address + "?tab=contacts").content.decode())


def forget(client, organisation, customer, iban: str):
    address = reverse("customer_payer_iban_forget",
                      kwargs={"org": organisation.slug, "customer": customer.uuid})  # fmt: skip
    return client.post(address, {"iban": iban}, follow=True)


def test_the_page_lists_both_and_a_learned_one_is_forgotten_after_a_question(
    collector, organisation, garage
):
    shown = page(collector, organisation, garage)
    assert DECLARED in shown and LEARNED in shown and "fiche client" in shown
    assert f"Oublier l&#x27;IBAN {LEARNED} ?" in shown or f"Oublier l'IBAN {LEARNED} ?" in shown
    response = forget(collector, organisation, garage, LEARNED)
    assert f"IBAN {LEARNED} oublié pour ce client." in response.content.decode()
    assert not PayerIban.objects.exists()
    assert known_payer_ibans(organisation) == {garage.pk: {DECLARED}}
    event = AuditEvent.objects.get(action="payer_iban_forget")
    assert (event.entity_id, event.before["iban"]) == (str(garage.uuid), LEARNED)
    # The customer file's IBAN is not a learned one: it changes with the customer imports.
    again = forget(collector, organisation, garage, DECLARED).content.decode()
    assert "Cet IBAN n&#x27;est pas, ou plus, connu pour ce client." in again


def test_only_a_writer_of_this_organisation_forgets_one(
    viewer, signed_in, organisation, other_organisation, garage
):
    assert "Oublier" not in page(viewer, organisation, garage)
    assert forget(viewer, organisation, garage, LEARNED).status_code == 403
    stranger = signed_in(other_organisation, "admin", email="x@brasserie.example")
    assert forget(stranger, organisation, garage, LEARNED).status_code == 404
    address = reverse("customer_payer_iban_forget",
                      kwargs={"org": other_organisation.slug, "customer": garage.uuid})  # fmt: skip
    assert stranger.post(address, {"iban": LEARNED}).status_code == 404
    assert PayerIban.objects.count() == 1
