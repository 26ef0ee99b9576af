"""The postal address: when it is complete enough for the post, and how it is changed."""

from __future__ import annotations

import pytest

from relance.accounts.models import AuditEvent
from relance.ledger.postal import (
    postal_address_complete,
    postal_address_lines,
    postal_address_missing,
    postal_address_problem,
)
from relance.ledger.services import LedgerError, customer_address_update, customer_create


@pytest.fixture
def bakery(organisation, actor):
    return customer_create(organisation=organisation, external_ref="K1", actor=actor,
                           name="Boulangerie Lefèvre SARL")  # fmt: skip


def test_an_address_needs_a_street_a_postal_code_a_town_and_a_country(bakery, actor):
    assert postal_address_missing(bakery) == [
        "la rue (adresse ou complément d'adresse)", "le code postal", "la ville",
    ]  # fmt: skip
    assert "il manque la rue" in postal_address_problem(bakery)
    customer_address_update(customer=bakery, actor=actor, address_line1="", city="Strasbourg",
                            address_line2="Lieu-dit Les Prés", postal_code="67000",
                            country="fr")  # fmt: skip
    assert postal_address_complete(bakery) and postal_address_problem(bakery) == ""
    bakery.country = ""
    assert postal_address_missing(bakery) == ["le pays"]


def test_the_window_shows_the_country_only_for_a_letter_abroad(bakery, actor):
    customer_address_update(customer=bakery, actor=actor, address_line1="Kerkstraat  5",
                            address_line2="", postal_code="1000", city="Brussel",
                            country="BE")  # fmt: skip
    assert postal_address_lines(bakery, sender_country="FR") == [
        "Kerkstraat 5", "1000 Brussel", "BELGIQUE",
    ]  # fmt: skip
    assert postal_address_lines(bakery, sender_country="BE") == ["Kerkstraat 5", "1000 Brussel"]


def test_changing_the_address_is_audited_and_checked(bakery, actor, organisation):
    customer_address_update(customer=bakery, actor=actor, address_line1="3 place du Marché",
                            address_line2="", postal_code="67000", city="Strasbourg",
                            country="FR")  # fmt: skip
    event = AuditEvent.objects.get(action="customer_address", entity_id=str(bakery.uuid))
    assert event.before == {"address_line1": "", "postal_code": "", "city": ""}
    assert event.after == {"address_line1": "3 place du Marché", "postal_code": "67000",
                           "city": "Strasbourg"}  # fmt: skip
    customer_address_update(customer=bakery, actor=actor, address_line1="3 place du Marché",
                            address_line2="", postal_code="67000", city="Strasbourg",
                            country="FR")  # fmt: skip
    assert AuditEvent.objects.filter(action="customer_address").count() == 1  # nothing changed
    with pytest.raises(LedgerError, match="Pays"):
        customer_address_update(customer=bakery, actor=actor, address_line1="x", address_line2="",
                                postal_code="1", city="y", country="France")  # fmt: skip
    with pytest.raises(LedgerError, match="200 caractères"):
        customer_address_update(customer=bakery, actor=actor, address_line1="x" * 201,
                                address_line2="", postal_code="1", city="y",
                                country="FR")  # fmt: skip
    bakery.refresh_from_db()
    assert bakery.address_line1 == "3 place du Marché"
