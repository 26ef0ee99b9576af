"""Debtors' requests on the collector's to-do and in the customer's history."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from relance.accounts.models import AuditEvent
from relance.dunning.debtor_requests import Upload, debtor_dispute, debtor_plan_request
from relance.dunning.models import DebtorRequest, DebtorRequestStatus
from relance.ledger.models import PortalLink
from tests.dunning.test_debtor_requests import garage_invoice, portal_link_of


@pytest.fixture
def invoice(organisation, actor):
    return garage_invoice(organisation, actor)


@pytest.fixture
def link(invoice, actor) -> PortalLink:
    return portal_link_of(invoice, actor)


@pytest.fixture
def staff(signed_in, organisation):
    return signed_in(organisation, "collector")


def test_the_collector_sees_the_dispute_on_the_to_do_and_closes_it(
    organisation,
    invoice,
    link,
    staff,
):
    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40
    asked = debtor_dispute(link=link, invoice=invoice.uuid, category="quality",
                           message="Pièces rayées", upload=Upload("photo.png", png),
                           day=date(2026, 3, 10))  # fmt: skip
    todo = staff.get(reverse("todo", kwargs={"org": organisation.slug})).content.decode()
    # folded into the customer's row, which says someone is waiting
    assert "Le débiteur attend une réponse" in todo and "Garage" in todo
    page_url = reverse("todo-request", kwargs={"org": organisation.slug, "request_id": asked.uuid})
    assert page_url in todo
    page = staff.get(page_url).content.decode()
    assert "Pièces rayées" in page and "Problème de qualité" in page
    assert link.uuid.hex[:8] in page
    file = staff.get(reverse("todo-request-file", kwargs={"org": organisation.slug,
                                                          "request_id": asked.uuid}))  # fmt: skip
    assert file.content == png and file["Content-Type"] == "image/png"
    assert "attachment" in file["Content-Disposition"]
    answer = reverse("todo-request-answer", kwargs={"org": organisation.slug,
                                                     "request_id": asked.uuid})  # fmt: skip
    assert staff.post(answer, {"outcome": "accept"}).status_code == 302  # not for a dispute
    asked.refresh_from_db()
    assert asked.status == DebtorRequestStatus.PENDING
    assert staff.post(answer, {"outcome": "close", "note": "Avoir émis"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == DebtorRequestStatus.DONE and asked.dispute.closed_on is not None
    todo = staff.get(reverse("todo", kwargs={"org": organisation.slug})).content.decode()
    assert "Le débiteur attend une réponse" not in todo and page_url not in todo
    # The customer's history tells who did what, through which link.
    customer_url = reverse("customer", kwargs={"org": organisation.slug,
                                               "customer": invoice.customer.uuid})  # fmt: skip
    history = staff.get(customer_url, {"tab": "timeline"})
    text = history.content.decode()
    assert "Contestation de F-1 depuis le portail" in text
    assert f"Débiteur, lien du portail {link.uuid.hex[:8]}" in text
    assert "Demande du débiteur : Traitée" in text
    assert AuditEvent.objects.filter(action="debtor_request_resolved").count() == 1


def test_another_organisations_request_is_not_found(
    organisation,
    other_organisation,
    invoice,
    link,
    signed_in,
):
    asked = debtor_plan_request(link=link, invoices=[invoice.uuid], count=2,
                                first_on=date(2026, 3, 20), day=date(2026, 3, 10))  # fmt: skip
    stranger = signed_in(other_organisation, "admin")
    url = reverse("todo-request", kwargs={"org": other_organisation.slug,
                                          "request_id": asked.uuid})  # fmt: skip
    assert stranger.get(url).status_code == 404
    assert DebtorRequest.objects.get().status == DebtorRequestStatus.PENDING
