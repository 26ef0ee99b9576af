"""Settings, SMS STOP: the numbers that receive no more SMS, found, added and removed by an
administrator; a contact whose number is on the list is marked on the customer's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.channels.models import SmsOptOut
from relance.channels.sms.service import sms_opt_out_record
from relance.ledger.services import contact_add
from tests.web.ledger_data import customer


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def stored(organisation):
    return sorted(SmsOptOut.objects.filter(organisation=organisation)
                  .values_list("phone", "source"))  # fmt: skip


@pytest.fixture
def stops(organisation, other_organisation):
    for phone in ("+33612345678", "+32470123456"):
        sms_opt_out_record(organisation=organisation, phone=phone, source="sms",
                           actor=Actor.system("SMS entrant"))  # fmt: skip
    sms_opt_out_record(organisation=other_organisation, phone="+33699999999", source="sms",
                       actor=Actor.system("SMS entrant"))  # fmt: skip


def test_the_list_shows_this_organisations_numbers_and_finds_one(admin_client_org, organisation,
                                                                  stops):  # fmt: skip
    page = admin_client_org.get(url("settings_sms", organisation)).content.decode()
    assert "+33612345678" in page and "+32470123456" in page and "+33699999999" not in page
    assert "Réponse STOP" in page
    # The whole number as people write it in France, or a part of its digits.
    for search in ("06 12 34 56 78", "+33 6 12 34 56 78", "45 67"):
        found = admin_client_org.get(url("settings_sms", organisation), {"q": search})
        assert "+33612345678" in found.content.decode(), search
        assert "+32470123456" not in found.content.decode(), search
    nothing = admin_client_org.get(url("settings_sms", organisation), {"q": "0699999999"})
    assert "Aucun numéro ne correspond." in nothing.content.decode()


def test_a_number_added_by_hand_is_stored_in_the_international_form_and_audited(
    admin_client_org, organisation
):
    response = admin_client_org.post(url("settings_sms", organisation),
                                     {"phone": "06 11 22 33 44"}, follow=True)  # fmt: skip
    assert "Ce numéro ne recevra plus de SMS." in response.content.decode()
    assert stored(organisation) == [("+33611223344", "manual")]
    event = AuditEvent.objects.get(action="sms_opt_out")
    assert (event.entity_id, event.actor.email) == ("+33611223344", "admin@atelier.example")
    again = admin_client_org.post(url("settings_sms", organisation),
                                  {"phone": "+33 6 11 22 33 44"}, follow=True)  # fmt: skip
    assert "Ce numéro était déjà sur la liste." in again.content.decode()
    assert AuditEvent.objects.filter(action="sms_opt_out").count() == 1


@pytest.mark.parametrize("phone", ["12ab", "06 12", "", "+0033612345678"])
def test_a_malformed_number_is_refused_and_nothing_is_stored(admin_client_org, organisation,
                                                              phone):  # fmt: skip
    response = admin_client_org.post(url("settings_sms", organisation), {"phone": phone})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Numéro de téléphone invalide" in page or "Ce champ est obligatoire." in page
    assert stored(organisation) == []
    assert not AuditEvent.objects.filter(action="sms_opt_out").exists()


def test_removing_a_number_asks_for_a_confirmation_first(admin_client_org, organisation, stops):
    target = url("settings_sms_remove", organisation)
    asked = admin_client_org.post(target, {"phone": "+33612345678"})
    assert asked.status_code == 200
    assert "Retirer +33612345678 de la liste ?" in asked.content.decode()
    assert ("+33612345678", "sms") in stored(organisation)
    done = admin_client_org.post(target, {"phone": "+33612345678", "confirmed": "on"},
                                 follow=True)  # fmt: skip
    assert "+33612345678 peut de nouveau recevoir des SMS." in done.content.decode()
    assert stored(organisation) == [("+32470123456", "sms")]
    event = AuditEvent.objects.get(action="sms_opt_out_remove")
    assert (event.entity_id, event.before) == ("+33612345678", {"source": "sms"})


def test_another_organisations_number_cannot_be_removed_from_here(
    admin_client_org, organisation, other_organisation, stops
):
    response = admin_client_org.post(url("settings_sms_remove", organisation),
                                     {"phone": "+33699999999", "confirmed": "on"},
                                     follow=True)  # fmt: skip
    assert "n&#x27;était pas sur la liste" in response.content.decode()
    assert stored(other_organisation) == [("+33699999999", "sms")]


def test_collectors_and_viewers_neither_read_nor_change_the_list(collector, viewer, organisation,
                                                                  stops):  # fmt: skip
    for client in (collector, viewer):
        assert client.get(url("settings_sms", organisation)).status_code == 403
        assert client.post(url("settings_sms", organisation),
                           {"phone": "0611223344"}).status_code == 403  # fmt: skip
        remove = {"phone": "+33612345678", "confirmed": "on"}
        assert client.post(url("settings_sms_remove", organisation), remove).status_code == 403
    assert stored(organisation) == [("+32470123456", "sms"), ("+33612345678", "sms")]


def test_a_contact_whose_number_said_stop_is_marked_on_the_customer_page(
    collector, organisation, actor, stops
):
    garage = customer(organisation, actor, "K1", "Garage Martin")
    contact_add(customer=garage, name="Mme Martin", phone="+33612345678", actor=actor)
    contact_add(customer=garage, name="M. Martin", phone="+33611111111", actor=actor)
    page = collector.get(url("customer", organisation, customer=garage.uuid) + "?tab=contacts")
    rows = page.content.decode().split("<tr>")
    stopped = next(row for row in rows if "Mme Martin" in row)
    other = next(row for row in rows if "M. Martin" in row)
    assert "STOP SMS" in stopped and "STOP SMS" not in other
