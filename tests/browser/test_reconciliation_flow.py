"""Reconciling in a real browser: a suggested bank movement accepted in one click."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.services import user_create
from relance.imports.bank import bank_statement_import
from relance.imports.models import BankEntry
from relance.ledger.models import Allocation, Payment
from relance.ledger.services import customer_create, invoice_create
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.imports.bank_files import Move, camt053

PASSWORD = "un mot de passe solide"
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_suggestion_accepted_in_one_click_pays_the_invoice_once(page, organisation, actor):
    collector = user_create(email="collector@relance.example", organisation=organisation,
                            role="collector", password=PASSWORD, actor=actor)  # fmt: skip
    martin = customer_create(organisation=organisation, external_ref="MAR", name="Martin SAS",
                             actor=actor)  # fmt: skip
    invoice_create(organisation=organisation, customer=martin, number="F-20",
                   issue_date=date(2026, 2, 1), due_date=date(2026, 3, 3),
                   amount_incl_tax=Decimal("80.00"), actor=actor)  # fmt: skip
    bank_statement_import(organisation=organisation, actor=actor, filename="r.xml",
                          data=camt053([Move("R1", "80.00", name="MARTIN")]))  # fmt: skip
    assert BankEntry.objects.get().status == "suggested"

    sign_in(page, collector.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Rapprochement").click()
    page.wait_for_url(f"**/o/{organisation.slug}/bank/")
    assert page.get_by_role("link", name="F-20").is_visible()
    screenshot(page, "reconciliation")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Accepter la proposition").click()
    page.get_by_role("status").get_by_text("Le paiement est enregistré.").wait_for()
    assert page.get_by_text("Rien à rapprocher.").is_visible()
    payment = Payment.objects.get()
    assert list(Allocation.objects.filter(payment=payment).values_list("amount", flat=True)) == [
        payment.amount
    ]
    assert BankEntry.objects.get().status == "matched"
