"""Payments files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.imports.parsers import FileFormatError, PaymentRow, parse_payments
from relance.imports.parsers.payments import auto_reference

from .util import csv_bytes, errors_of


def test_payments_with_reference() -> None:
    data = csv_bytes(
        "Référence;Date de règlement;Montant réglé;Devise;Code client;N° facture;Mode de règlement",
        "R1;05/02/2026;1 234,56;;C1;F1;virement",
        "R2;2026-02-06;10;EUR;;F2;chèque",
        "R3;06/02/2026;25,00 €;EUR;C2;;",
        "R1;05/02/2026;1 234,56;;C1;F1;virement",  # same content: kept once
    )
    result = parse_payments(data)
    assert result.errors == []
    assert result.rows == [
        PaymentRow(2, "R1", date(2026, 2, 5), Decimal("1234.56"), "EUR", "C1", "F1", "virement"),
        PaymentRow(3, "R2", date(2026, 2, 6), Decimal("10.00"), "EUR", "", "F2", "chèque"),
        PaymentRow(4, "R3", date(2026, 2, 6), Decimal("25.00"), "EUR", "C2", "", ""),
    ]
    assert result.mapping == {
        "reference": "Référence",
        "date": "Date de règlement",
        "amount": "Montant réglé",
        "currency": "Devise",
        "customer_ref": "Code client",
        "invoice_number": "N° facture",
        "method": "Mode de règlement",
    }


def test_payment_errors() -> None:
    data = csv_bytes(
        "reference,date,amount,customer,invoice",
        "R1,31/13/2026,10.00,C1,",
        "R2,2026-02-01,-10.00,C1,",
        "R3,2026-02-01,0,C1,",
        "R4,2026-02-01,dix,C1,",
        "R5,2026-02-01,10.00,,",
        ",2026-02-01,10.00,C1,",
        "R1,2026-02-01,10.00,C1,",  # R1 of line 2 was refused: this one is the first
        "R1,2026-02-01,10.00,C1,",  # identical: kept once
        "R6,,,C1,",
        "R1,2026-02-01,11.00,C1,",  # different content
    )
    result = parse_payments(data)
    assert [r.line for r in result.rows] == [8]
    assert errors_of(result.errors) == [
        (2, "date", "date invalide « 31/13/2026 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"),
        (3, "amount", "montant négatif « -10.00 »"),
        (4, "amount", "montant nul « 0 »"),
        (5, "amount", "montant non numérique « dix »"),
        (6, "customer", "ni client ni n° de facture : le règlement ne peut être rattaché"),
        (7, "reference", "référence du règlement manquante"),
        (10, "date", "date du règlement manquante"),
        (10, "amount", "montant manquant"),
        (11, "reference", "règlement « R1 » déjà présent ligne 8 avec un contenu différent"),
    ]


def test_automatic_reference_is_deterministic() -> None:
    data = csv_bytes(
        "Date valeur;Crédit;Client",
        "05/02/2026;100,00;C1",
        "05/02/2026;100,00;C1",
        "06/02/2026;100,00;C1",
    )
    first = parse_payments(data)
    again = parse_payments(data)
    assert first.errors == []
    refs = [r.reference for r in first.rows]
    assert refs == [r.reference for r in again.rows]
    assert len(set(refs)) == 3  # two identical payments stay two payments
    assert refs[0] == auto_reference("2026-02-05", Decimal("100.00"), "EUR", "C1", "", 0)
    assert refs[1] == auto_reference("2026-02-05", Decimal("100.00"), "EUR", "C1", "", 1)
    assert refs[0].startswith("auto:") and len(refs[0]) == 25
    # the same payment written another way (French amount, ISO date) gets the same reference
    other = parse_payments(csv_bytes("date,amount,customer", "2026-02-05,100,C1"))
    assert other.rows[0].reference == refs[0]


def test_payments_required_columns() -> None:
    with pytest.raises(FileFormatError) as exc:
        parse_payments(csv_bytes("date,amount,method", "2026-02-01,10,virement"))
    assert "client (customer_ref) ou n° de facture (invoice_number)" in str(exc.value)
    result = parse_payments(csv_bytes("date,amount,facture", "2026-02-01,10,F1"))
    assert result.rows[0].invoice_number == "F1"
