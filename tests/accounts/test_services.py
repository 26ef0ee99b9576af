from __future__ import annotations

import pytest

from relance.accounts.access import (
    AccessDenied,
    OrganisationNotFound,
    membership_for,
    organisation_by_slug,
    require_write,
)
from relance.accounts.models import AuditEvent, Membership, Organisation
from relance.accounts.services import AccountError, organisation_create, user_create


def test_french_organisation_identifiers_are_validated_and_compacted(db, actor):
    organisation = organisation_create(
        slug="dupont",
        legal_name="Dupont SA",
        country="FR",
        siret="732 829 320 00074",
        vat_number="FR 44 732829320",
        iban="FR76 3000 6000 0112 3456 7890 189",
        actor=actor,
    )
    assert organisation.siren == "732829320"
    assert organisation.siret == "73282932000074"
    assert organisation.vat_number == "FR44732829320"
    assert organisation.iban == "FR7630006000011234567890189"


def test_belgian_enterprise_number(db, actor):
    organisation = organisation_create(
        slug="peeters",
        legal_name="Peeters BV",
        country="BE",
        enterprise_number="0403.170.701",
        timezone="Europe/Brussels",
        actor=actor,
    )
    assert organisation.enterprise_number == "0403170701"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"siren": "732829321"}, "SIREN invalide"),
        ({"iban": "FR7630006000011234567890188"}, "IBAN invalide"),
        ({"vat_number": "FR00732829320"}, "TVA invalide"),
        ({"enterprise_number": "0403170701"}, "organisations belges"),
        ({"timezone": "Mars/Olympus"}, "Fuseau horaire"),
        ({"sender_email": "not-an-email"}, "expédition invalide"),
    ],
)
def test_invalid_organisation_is_refused_and_nothing_written(db, actor, fields, message):
    with pytest.raises(AccountError, match=message):
        organisation_create(slug="x", legal_name="X", country="FR", actor=actor, **fields)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_slug_must_be_unique_and_well_formed(organisation, actor):
    with pytest.raises(AccountError, match="existe déjà"):
        organisation_create(slug="atelier", legal_name="Autre", country="FR", actor=actor)
    with pytest.raises(AccountError, match="invalide"):
        organisation_create(slug="Bad Slug", legal_name="Autre", country="FR", actor=actor)


def test_user_roles_and_audit(organisation, actor):
    user = user_create(
        email="Anne@Example.FR",
        organisation=organisation,
        role="collector",
        password="correct horse battery",
        actor=actor,
    )
    assert user.email == "anne@example.fr"
    assert user.check_password("correct horse battery")
    user_create(email="anne@example.fr", organisation=organisation, role="viewer", actor=actor)
    assert Membership.objects.get(user=user).role == "viewer"
    events = AuditEvent.objects.filter(entity_type="user", entity_id=str(user.uuid)).order_by("id")
    assert [(e.before, e.after["role"]) for e in events] == [
        (None, "collector"),
        ({"role": "collector"}, "viewer"),
    ]
    assert all(e.actor_label == "test" for e in events)
    with pytest.raises(AccountError, match="Rôle"):
        user_create(email="b@example.fr", organisation=organisation, role="boss", actor=actor)


def test_access_is_scoped_to_memberships(organisation, other_organisation, actor):
    user = user_create(email="v@example.fr", organisation=organisation, role="viewer", actor=actor)
    membership = membership_for(user, str(organisation.uuid))
    with pytest.raises(AccessDenied):
        require_write(membership)
    with pytest.raises(AccessDenied):
        membership_for(user, str(other_organisation.uuid))


def test_organisation_by_slug_needs_a_choice_when_several(organisation, other_organisation):
    assert organisation_by_slug("brasserie") == other_organisation
    with pytest.raises(OrganisationNotFound, match="précisez --org"):
        organisation_by_slug(None)
    with pytest.raises(OrganisationNotFound, match="atelier, brasserie"):
        organisation_by_slug("nope")


def test_single_organisation_is_the_default(organisation):
    assert organisation_by_slug(None) == organisation
