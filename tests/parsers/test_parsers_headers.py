"""Header recognition."""

from __future__ import annotations

import pytest

from relance.imports.parsers import CUSTOMER_SPEC, INVOICE_SPEC, PAYMENT_SPEC
from relance.imports.parsers.headers import FileSpec, find_columns, header_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("N° facture", "nofacture"),
        ("n°facture", "nofacture"),
        ("Nº Facture", "nofacture"),
        ("No. facture", "nofacture"),
        ("Date d'échéance", "datedecheance"),
        ("Montant TTC (€)", "montantttc"),
        ("  E-MAIL  ", "email"),
        ("customer_id", "customerid"),
    ],
)
def test_header_key(text: str, key: str) -> None:
    assert header_key(text) == key


@pytest.mark.parametrize("spec", [CUSTOMER_SPEC, INVOICE_SPEC, PAYMENT_SPEC])
def test_each_header_key_belongs_to_one_field(spec: FileSpec) -> None:
    spec.keys()  # raises on a key claimed by two fields


@pytest.mark.parametrize(
    ("spec", "header", "field"),
    [
        (CUSTOMER_SPEC, "id", "external_ref"),
        (CUSTOMER_SPEC, "Code client", "external_ref"),
        (CUSTOMER_SPEC, "Référence client", "external_ref"),
        (CUSTOMER_SPEC, "Compte", "external_ref"),
        (CUSTOMER_SPEC, "Klantnummer", "external_ref"),
        (CUSTOMER_SPEC, "Client", "name"),
        (CUSTOMER_SPEC, "Naam", "name"),
        (CUSTOMER_SPEC, "Type", "kind"),
        (CUSTOMER_SPEC, "Courriel", "emails"),
        (CUSTOMER_SPEC, "Tél.", "phone"),
        (CUSTOMER_SPEC, "TVA intracommunautaire", "vat_number"),
        (CUSTOMER_SPEC, "BTW", "vat_number"),
        (CUSTOMER_SPEC, "BCE", "enterprise_number"),
        (CUSTOMER_SPEC, "KBO", "enterprise_number"),
        (CUSTOMER_SPEC, "Délai de paiement", "payment_terms"),
        (CUSTOMER_SPEC, "Date de création", "customer_since"),
        (CUSTOMER_SPEC, "Scénario", "scenario"),
        (INVOICE_SPEC, "Client", "customer_ref"),
        (INVOICE_SPEC, "Customer", "customer_ref"),
        (INVOICE_SPEC, "Pièce", "number"),
        (INVOICE_SPEC, "N° pièce", "number"),
        (INVOICE_SPEC, "Factuurnummer", "number"),
        (INVOICE_SPEC, "Date", "issue_date"),
        (INVOICE_SPEC, "Date d'émission", "issue_date"),
        (INVOICE_SPEC, "Vervaldatum", "due_date"),
        (INVOICE_SPEC, "TTC", "amount_incl_tax"),
        (INVOICE_SPEC, "Réglé", "paid_amount"),
        (INVOICE_SPEC, "Date règlement", "paid_date"),
        (INVOICE_SPEC, "Type de pièce", "kind"),
        (INVOICE_SPEC, "Facture d'origine", "applies_to"),
        (INVOICE_SPEC, "Installment amount", "instalment_amount"),
        (PAYMENT_SPEC, "Date valeur", "date"),
        (PAYMENT_SPEC, "Crédit", "amount"),
        (PAYMENT_SPEC, "Facture", "invoice_number"),
        (PAYMENT_SPEC, "Moyen de paiement", "method"),
        (PAYMENT_SPEC, "N° règlement", "reference"),
    ],
)
def test_synonyms(spec: FileSpec, header: str, field: str) -> None:
    assert spec.keys()[header_key(header)][0] == field


def test_unknown_headers_are_ignored() -> None:
    columns = find_columns(["id", "nom", "Chiffre d'affaires", ""], CUSTOMER_SPEC)
    assert columns.mapping == {"external_ref": "id", "name": "nom"}
    assert columns.index == {"external_ref": 0, "name": 1}
