"""The postal address on a customer's page: shown, checked for the post, edited."""

from __future__ import annotations

from django.urls import reverse

from relance.accounts.models import AuditEvent
from relance.ledger.services import customer_create

ADDRESS = {"address_line1": "3 place du Marché", "address_line2": "", "postal_code": "67000",
           "city": "Strasbourg", "country": "FR"}  # fmt: skip


def test_a_collector_completes_the_address_from_the_customer_page(
    collector, viewer, organisation, actor
):
    bakery = customer_create(organisation=organisation, external_ref="K1", actor=actor,
                             name="Boulangerie Lefèvre SARL")  # fmt: skip
    page_url = reverse("customer", kwargs={"org": organisation.slug, "customer": bakery.uuid})
    post_url = reverse("customer_address",
                       kwargs={"org": organisation.slug, "customer": bakery.uuid})  # fmt: skip
    assert "Adresse postale incomplète" in collector.get(page_url).content.decode()  # the head
    page = collector.get(page_url, {"tab": "contacts"}).content.decode()
    assert "Adresse incomplète pour un courrier" in page and "le code postal" in page
    assert viewer.post(post_url, ADDRESS).status_code == 403
    refused = collector.post(post_url, {**ADDRESS, "country": "F1"})
    assert "Un code pays ISO à deux lettres" in refused.content.decode()
    response = collector.post(post_url, ADDRESS)
    assert response.status_code == 302
    page = collector.get(page_url, {"tab": "contacts"}).content.decode()
    assert "67000 Strasbourg" in page and "Adresse incomplète" not in page
    page = collector.get(page_url, {"tab": "timeline"}).content.decode()
    assert "Adresse postale modifiée" in page  # on the history
    assert AuditEvent.objects.filter(action="customer_address").exists()


def test_another_organisations_customer_address_is_out_of_reach(
    signed_in, organisation, other_organisation, actor
):
    foreign = customer_create(organisation=other_organisation, external_ref="X1", actor=actor,
                              name="Brasserie Étrangère")  # fmt: skip
    client = signed_in(organisation, "collector")
    post_url = reverse("customer_address",
                       kwargs={"org": organisation.slug, "customer": foreign.uuid})  # fmt: skip
    assert client.post(post_url, ADDRESS).status_code == 404
    foreign.refresh_from_db()
    assert foreign.city == ""
