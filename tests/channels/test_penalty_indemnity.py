"""The fixed indemnity is owed once per invoice, however many instalments are late."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.channels.compose import debtor_penalties
from relance.core.penalties import invoice_indemnity
from relance.ledger.models import Instalment
from relance.ledger.services import customer_create, invoice_create

D = Decimal


def test_indemnity_rule_per_regime():
    assert invoice_indemnity("FR-B2B", [D("40.00"), D("40.00")]) == D("40.00")
    assert invoice_indemnity("BE-B2B", [D("40.00"), D("40.00"), D("40.00")]) == D("40.00")
    assert invoice_indemnity("DE-B2B", [D("40.00"), D("40.00")]) == D("80.00")
    assert invoice_indemnity("FR-B2B", []) == D("0.00")


def test_a_late_invoice_in_two_instalments_claims_40_eur_once(organisation, actor):
    customer = customer_create(
        organisation=organisation, external_ref="K1", name="Garage Martin SARL", actor=actor
    )
    invoice = invoice_create(
        organisation=organisation, customer=customer, number="F-2025-9",
        issue_date=date(2025, 1, 2), amount_incl_tax=D("2000.00"), actor=actor,
        instalments=[(date(2025, 2, 1), D("1000.00")), (date(2025, 3, 1), D("1000.00"))],
    )  # fmt: skip
    other = invoice_create(
        organisation=organisation, customer=customer, number="F-2025-10",
        issue_date=date(2025, 1, 2), amount_incl_tax=D("500.00"), due_date=date(2025, 2, 1),
        actor=actor,
    )  # fmt: skip
    rows = [
        (item.pk, item.invoice.number, None, item.due_date, item.amount, None)
        for item in Instalment.objects.filter(invoice__in=[invoice, other]).select_related(
            "invoice"
        )
    ]
    penalties = debtor_penalties(customer, rows, date(2025, 6, 30), "EUR")
    assert penalties is not None
    assert penalties.indemnity == D("80.00")  # two invoices, not three instalments
    indemnity_lines = [line for line in penalties.lines if "Indemnité forfaitaire" in line]
    assert indemnity_lines == [
        "Facture F-2025-9 — Indemnité forfaitaire pour frais de recouvrement : 40,00\xa0€",
        "Facture F-2025-10 — Indemnité forfaitaire pour frais de recouvrement : 40,00\xa0€",
    ]
    assert any(line.startswith("Facture F-2025-9, échéance 2 — ") for line in penalties.lines)
    assert penalties.interest > 0 and penalties.total == penalties.interest + D("80.00")
