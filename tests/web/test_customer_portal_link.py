"""From the customer page: show the portal link to copy, then revoke it."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.urls import reverse

from relance.ledger.services import customer_create


def test_a_collector_copies_then_revokes_the_link(collector, organisation, actor, client):
    customer = customer_create(organisation=organisation, external_ref="K9", name="Garage",
                               actor=actor)  # fmt: skip
    kwargs = {"org": organisation.slug, "customer": customer.uuid}
    page = collector.get(reverse("customer", kwargs=kwargs), {"tab": "contacts"}).content.decode()
    assert reverse("customer_portal_revoke", kwargs=kwargs) in page
    shown = collector.post(reverse("customer_portal", kwargs=kwargs), follow=True)
    link = re.search(r"http://[^\s<]+/p/[A-Za-z0-9_-]+/", shown.content.decode())
    assert link is not None
    path = urlparse(link.group(0)).path
    assert client.get(path).status_code == 200
    # The short form too, to read out on the phone: the same statement.
    typed = re.search(r"à dicter : [^\s<]+(/p/[0-9A-Z]{4}(-[0-9A-Z]{4}){3})",
                      shown.content.decode())  # fmt: skip
    assert typed is not None
    short = typed.group(1) + "/"
    assert client.get(short).status_code == 200
    collector.post(reverse("customer_portal_revoke", kwargs=kwargs))
    assert client.get(path).status_code == 410
    assert client.get(short).status_code == 410  # revoking ends the short form as well
    # The customer's history says what happened, the debtor's visit included.
    history = collector.get(reverse("customer", kwargs=kwargs), {"tab": "timeline"})
    history = history.content.decode()
    for event in (
        "Lien du portail client créé",
        "Portail client consulté",
        "relevé de compte",
        "Liens du portail client révoqués",
    ):
        assert event in history, event
