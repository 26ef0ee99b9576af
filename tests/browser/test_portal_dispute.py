"""A debtor disputes an invoice with a supporting file in a real browser; the collector sees
it on the to-do."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from relance.accounts.services import user_create
from relance.dunning.models import DebtorRequest, Dispute
from relance.ledger.portal_links import portal_link_issue
from tests.browser.conftest import axe_violations, sign_in
from tests.dunning.test_debtor_requests import garage_invoice

PASSWORD = "un mot de passe solide"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_debtor_disputes_with_a_file_and_the_collector_sees_it(
    page, organisation, actor, tmp_path
):
    invoice = garage_invoice(organisation, actor)
    collector = user_create(email="camille@atelier.example", organisation=organisation,
                            role="collector", password=PASSWORD, actor=actor)  # fmt: skip
    path = urlparse(portal_link_issue(customer=invoice.customer, actor=actor).url).path
    page.goto(path)
    page.get_by_role("link", name="Contester").click()
    page.get_by_role("heading", name="Contester la facture F-1").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Motif").select_option("not_received")
    page.get_by_label("Votre message (facultatif)").fill("Rien reçu à ce jour.")
    proof = tmp_path / "bon-de-livraison.pdf"
    proof.write_bytes(PDF)
    page.get_by_label("Justificatif (facultatif)").set_input_files(str(proof))
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("Votre contestation de la facture F-1 est enregistrée").wait_for()
    assert Dispute.objects.get(invoice=invoice).closed_on is None
    assert DebtorRequest.objects.get().attachment.read() == PDF

    sign_in(page, collector.email, PASSWORD)
    page.goto(f"/o/{organisation.slug}/todo/")
    page.get_by_text("Le débiteur attend une réponse (1 demande).").wait_for()
    page.get_by_role("link", name="Ouvrir la demande de Garage").click()
    page.get_by_text("Rien reçu à ce jour.").wait_for()
    assert page.get_by_text("Marchandise ou service non reçu").first.is_visible()
    assert page.get_by_role("link", name="Télécharger le justificatif").is_visible()
    assert axe_violations(page) == []
