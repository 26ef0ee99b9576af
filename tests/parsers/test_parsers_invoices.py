"""Invoices files: reference format, French exports, every row error, duplicates, instalments,
credit notes, explicit column mapping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.imports.parsers import (
    FileFormatError,
    InstalmentRow,
    InvoiceRow,
    parse_invoices,
)

from .util import FIXTURES, INVOICE_HEADER, SAMPLES, csv_bytes, errors_of, xlsx_bytes


def test_reference_fixture_parses_exactly() -> None:
    result = parse_invoices((FIXTURES / "invoices_reference.csv").read_bytes())
    assert result.errors == []
    assert len(result.rows) == result.data_rows == 20
    assert result.mapping == {
        "number": "number",
        "customer_ref": "customer_id",
        "issue_date": "issue_date",
        "due_date": "due_date",
        "amount_incl_tax": "amount_incl_tax",
        "currency": "currency",
        "paid_date": "paid_date",
        "paid_amount": "paid_amount",
        "payment_terms": "payment_term",
    }
    assert result.rows[0] == InvoiceRow(
        line=2,
        number="INV-2024-000001",
        customer_ref="C000041",
        issue_date=date(2024, 7, 12),
        currency="EUR",
        amount_incl_tax=Decimal("1022.87"),
        instalments=(InstalmentRow(date(2024, 8, 11), Decimal("1022.87")),),
        paid_date=date(2024, 8, 13),
        paid_amount=Decimal("1022.87"),
        payment_terms="NET30",
    )
    unpaid = result.rows[15]
    assert (unpaid.number, unpaid.paid_date, unpaid.paid_amount) == (
        "INV-2025-000042",
        None,
        Decimal("0.00"),
    )
    partial = result.rows[18]
    assert (partial.amount_incl_tax, partial.paid_amount, partial.paid_date) == (
        Decimal("66.53"),
        Decimal("41.25"),
        date(2025, 11, 26),
    )
    assert [r.line for r in result.rows] == list(range(2, 22))


def test_shared_reference_sample() -> None:
    data = (SAMPLES / "invoices.csv").read_bytes()
    result = parse_invoices(data)
    assert result.errors == []
    assert len(result.rows) == 500
    assert sum(r.amount_incl_tax for r in result.rows) == sum(
        Decimal(line.split(",")[4]) for line in data.decode().splitlines()[1:]
    )


FRENCH_EXPORT = [
    "N° facture;Client;Date facture;Échéance;Montant TTC;Date de paiement;Montant réglé",
    "FA-0001;DUPONT;05/01/2026;04/02/2026;1 234,56;;",
    "FA-0002;Crème Brûlée SARL;15/01/2026;31/03/2026;12 000,00 €;20/02/2026;2 000,00",
    "FA-0003;DUPONT;31/01/2026;02/03/2026;99,90;02/03/2026;99,90",
    "FA-0004;DUPONT;31/01/26;28/02/26;1\u00a0500;28/02/2026;",
]


def test_french_export_cp1252() -> None:
    result = parse_invoices(csv_bytes(*FRENCH_EXPORT, encoding="cp1252", newline="\r\n"))
    assert result.errors == []
    assert result.encoding == "cp1252"
    assert result.delimiter == ";"
    assert result.mapping == {
        "number": "N° facture",
        "customer_ref": "Client",
        "issue_date": "Date facture",
        "due_date": "Échéance",
        "amount_incl_tax": "Montant TTC",
        "paid_date": "Date de paiement",
        "paid_amount": "Montant réglé",
    }
    got = [
        (r.line, r.number, r.customer_ref, r.issue_date, r.amount_incl_tax, r.currency)
        for r in result.rows
    ]
    assert got == [
        (2, "FA-0001", "DUPONT", date(2026, 1, 5), Decimal("1234.56"), "EUR"),
        (3, "FA-0002", "Crème Brûlée SARL", date(2026, 1, 15), Decimal("12000.00"), "EUR"),
        (4, "FA-0003", "DUPONT", date(2026, 1, 31), Decimal("99.90"), "EUR"),
        (5, "FA-0004", "DUPONT", date(2026, 1, 31), Decimal("1500.00"), "EUR"),
    ]
    assert [(r.paid_date, r.paid_amount) for r in result.rows] == [
        (None, Decimal("0.00")),
        (date(2026, 2, 20), Decimal("2000.00")),
        (date(2026, 3, 2), Decimal("99.90")),
        (date(2026, 2, 28), Decimal("1500.00")),  # a payment date alone: fully paid
    ]
    assert result.rows[1].instalments == (InstalmentRow(date(2026, 3, 31), Decimal("12000.00")),)


def test_tab_separated_with_bom() -> None:
    lines = [line.replace(";", "\t") for line in FRENCH_EXPORT]
    result = parse_invoices(("\ufeff" + "\n".join(lines)).encode())
    assert result.encoding == "utf-8-sig"
    assert result.delimiter == "\t"
    assert len(result.rows) == 4
    assert result.mapping["number"] == "N° facture"


def test_xlsx_french_export() -> None:
    rows = [line.split(";") for line in FRENCH_EXPORT]
    result = parse_invoices(xlsx_bytes(rows), filename="factures.xlsx")
    assert result.errors == []
    assert [r.amount_incl_tax for r in result.rows] == [
        Decimal("1234.56"),
        Decimal("12000.00"),
        Decimal("99.90"),
        Decimal("1500.00"),
    ]


def test_every_row_error_is_reported_with_line_and_column() -> None:
    data = csv_bytes(
        INVOICE_HEADER,
        "F1,C1,31/02/2026,2026-03-31,100.00,EUR,,0.00",  # bad date
        "F2,C1,2026-01-01,2026-01-31,-12.00,EUR,,0.00",  # negative
        "F3,C1,2026-01-01,2026-01-31,abc,EUR,,0.00",  # not a number
        "F4,C1,2026-01-31,2026-01-01,10.00,EUR,,0.00",  # due before issue
        "F5,C1,2026-01-01,2026-01-31,10.00,EUR,2026-01-15,20.00",  # paid more than due
        "F6,C1,2026-01-01,2026-01-31,10.00,EUR,,5.00",  # paid without date
        "F7,,2026-01-01,,0.00,euros!,hier,x",  # everything wrong at once
        ",C1,2026-01-01,2026-01-31,10.00,EUR,,",  # no number
        "F9,C1,2026-01-01,2026-01-31,10.0012,EUR,,",  # fractions of cents
        "F10,C1,2026-01-01,2026-01-31,10.00,EUR,,0.00",  # fine
    )
    result = parse_invoices(data)
    assert [r.number for r in result.rows] == ["F10"]
    assert errors_of(result.errors) == [
        (2, "issue_date", "date invalide « 31/02/2026 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"),
        (
            3,
            "amount_incl_tax",
            "montant négatif « -12.00 » (pour un avoir, ajoutez une colonne « Type » contenant "
            "« avoir »)",
        ),
        (4, "amount_incl_tax", "montant non numérique « abc »"),
        (5, "due_date", "échéance « 2026-01-01 » antérieure à la date de facture « 2026-01-31 »"),
        (6, "paid_amount", "montant réglé « 20.00 » supérieur au montant de la facture « 10.00 »"),
        (7, "paid_amount", "montant réglé sans date de paiement"),
        (8, "customer_id", "client manquant"),
        (8, "due_date", "date d'échéance manquante"),
        (8, "amount_incl_tax", "montant nul « 0.00 »"),
        (8, "currency", "devise invalide « euros! » (attendu un code à 3 lettres, ex. EUR)"),
        (8, "paid_date", "date invalide « hier » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"),
        (8, "paid_amount", "montant non numérique « x »"),
        (9, "number", "n° de facture manquant"),
        (10, "amount_incl_tax", "montant avec plus de 2 décimales « 10.0012 »"),
    ]
    assert result.data_rows == 10


def test_invalid_value_is_reported_on_every_row() -> None:
    data = csv_bytes(
        "number,customer,date,due,amount,currency",
        "F1,C1,2026-01-01,2026-01-31,10.00,EU",
        "F2,C1,2026-01-01,2026-01-31,10.00,EU",
        "F3,C1,2026-01-01,2026-01-31,10.00,Euros",
    )
    result = parse_invoices(data, mapping={"due_date": "due"})
    assert [(e.line, e.column) for e in result.errors] == [(2, "currency"), (3, "currency")]
    assert result.rows[0].currency == "EUR"


def test_duplicates() -> None:
    data = csv_bytes(
        INVOICE_HEADER,
        "F1,C1,2026-01-01,2026-01-31,10.00,EUR,,0.00",
        "F2,C1,2026-01-01,2026-01-31,10.00,EUR,,0.00",
        "F1,C1,2026-01-01,2026-01-31,10.00,EUR,,0.00",  # same content: kept once, silently
        "F2,C2,2026-01-01,2026-01-31,10.00,EUR,,0.00",  # different content: error
    )
    result = parse_invoices(data)
    assert [(r.line, r.number) for r in result.rows] == [(2, "F1"), (3, "F2")]
    assert errors_of(result.errors) == [
        (5, "number", "facture « F2 » déjà présente ligne 3 avec un contenu différent")
    ]


def test_missing_required_column() -> None:
    data = csv_bytes("number,customer_id,issue_date,amount", "F1,C1,2026-01-01,10.00")
    with pytest.raises(FileFormatError) as exc:
        parse_invoices(data)
    message = str(exc.value)
    assert "échéance (due_date)" in message
    assert "« number », « customer_id », « issue_date », « amount »" in message
    assert "correspondance des colonnes" in message


def test_missing_several_required_columns() -> None:
    with pytest.raises(FileFormatError) as exc:
        parse_invoices(csv_bytes("number,foo", "F1,x"))
    assert "Colonnes obligatoires introuvables" in str(exc.value)
    assert "client (customer_ref) ; date de facture (issue_date)" in str(exc.value)


def test_empty_file() -> None:
    with pytest.raises(FileFormatError, match="vide"):
        parse_invoices(b"")


def test_header_only_file_has_no_rows() -> None:
    result = parse_invoices(csv_bytes(INVOICE_HEADER))
    assert (result.rows, result.errors, result.data_rows) == ([], [], 0)


def test_explicit_mapping_override() -> None:
    data = csv_bytes(
        "Pièce;Tiers;Date;Date limite;Mt;Date;Notes",
        "F1;C1;01/01/2026;31/01/2026;10,00;15/01/2026;x",
    )
    with pytest.raises(FileFormatError, match="échéance"):
        parse_invoices(data)
    result = parse_invoices(data, mapping={"due_date": "Date limite", "amount_incl_tax": "Mt"})
    assert result.errors == []
    assert result.mapping == {
        "number": "Pièce",
        "customer_ref": "Tiers",
        "issue_date": "Date",
        "due_date": "Date limite",
        "amount_incl_tax": "Mt",
    }
    row = result.rows[0]
    assert (row.number, row.customer_ref, row.amount_incl_tax) == ("F1", "C1", Decimal("10.00"))


def test_mapping_takes_a_column_from_another_field_and_can_unmap() -> None:
    data = csv_bytes(
        "number,customer,date,due date,amount,payment_term",
        "F1,C1,2026-01-01,2026-01-31,10.00,NET30",
    )
    result = parse_invoices(data, mapping={"number": "customer", "customer_ref": "payment_term"})
    assert (result.rows[0].number, result.rows[0].customer_ref) == ("C1", "NET30")
    assert result.mapping["number"] == "customer"
    assert "payment_terms" not in result.mapping
    result = parse_invoices(data, mapping={"payment_terms": ""})
    assert result.rows[0].payment_terms == ""


def test_mapping_errors() -> None:
    data = csv_bytes(INVOICE_HEADER, "F1,C1,2026-01-01,2026-01-31,10.00,EUR,,0.00")
    with pytest.raises(FileFormatError, match="champ inconnu « montant »"):
        parse_invoices(data, mapping={"montant": "amount_incl_tax"})
    with pytest.raises(FileFormatError, match="la colonne « Mt » indiquée"):
        parse_invoices(data, mapping={"amount_incl_tax": "Mt"})
    # header written differently (case, accents, spaces) is still found
    result = parse_invoices(data, mapping={"amount_incl_tax": "AMOUNT INCL TAX"})
    assert result.mapping["amount_incl_tax"] == "amount_incl_tax"


def test_most_specific_header_wins() -> None:
    data = csv_bytes(
        "Date;Date facture;Facture;N° facture;Client;Échéance;Montant;Montant TTC",
        "01/02/2026;01/01/2026;x;F1;C1;31/01/2026;1,00;10,00",
    )
    result = parse_invoices(data)
    assert result.mapping == {
        "issue_date": "Date facture",
        "number": "N° facture",
        "customer_ref": "Client",
        "due_date": "Échéance",
        "amount_incl_tax": "Montant TTC",
    }
    row = result.rows[0]
    assert (row.number, row.issue_date, row.amount_incl_tax) == (
        "F1",
        date(2026, 1, 1),
        Decimal("10.00"),
    )


def test_credit_notes() -> None:
    data = csv_bytes(
        "number,customer,issue_date,due_date,amount,type,facture d'origine",
        "A1,C1,2026-01-10,,-50.00,Avoir,F1",
        'A2,C1,2026-01-10,2026-01-20,"50,00",credit note,',
        "F3,C1,2026-01-10,2026-02-10,-50.00,facture,",
        "F4,C1,2026-01-10,,50.00,FA,",
        "F5,C1,2026-01-10,2026-02-10,50.00,proforma,",
    )
    result = parse_invoices(data)
    assert [(r.number, r.is_credit_note, r.amount_incl_tax, r.applies_to) for r in result.rows] == [
        ("A1", True, Decimal("50.00"), "F1"),
        ("A2", True, Decimal("50.00"), ""),
    ]
    assert result.rows[0].instalments == (InstalmentRow(date(2026, 1, 10), Decimal("50.00")),)
    assert errors_of(result.errors) == [
        (
            4,
            "amount",
            "montant négatif « -50.00 » (pour un avoir, indiquez « avoir » dans la colonne du "
            "type de pièce)",
        ),
        (5, "due_date", "date d'échéance manquante"),
        (6, "type", "type de pièce inconnu « proforma » (attendu facture ou avoir)"),
    ]


INSTALMENTS_HEADER = "N° facture;Client;Date facture;Échéance;Montant TTC;Montant échéance"


def test_instalments() -> None:
    data = csv_bytes(
        INSTALMENTS_HEADER,
        "F1;C1;01/01/2026;31/03/2026;300,00;100,00",
        "F2;C1;01/01/2026;31/01/2026;50,00;",
        "F1;C1;01/01/2026;31/01/2026;300,00;100,00",
        "F1;C1;01/01/2026;28/02/2026;300,00;100,00",
    )
    result = parse_invoices(data)
    assert result.errors == []
    assert [(r.line, r.number) for r in result.rows] == [(2, "F1"), (3, "F2")]
    assert result.rows[0].instalments == (
        InstalmentRow(date(2026, 1, 31), Decimal("100.00")),
        InstalmentRow(date(2026, 2, 28), Decimal("100.00")),
        InstalmentRow(date(2026, 3, 31), Decimal("100.00")),
    )
    assert result.rows[1].instalments == (InstalmentRow(date(2026, 1, 31), Decimal("50.00")),)


def test_instalment_errors() -> None:
    data = csv_bytes(
        INSTALMENTS_HEADER,
        "F1;C1;01/01/2026;31/01/2026;300,00;100,00",
        "F1;C2;01/01/2026;28/02/2026;300,00;200,00",  # other customer
        "F2;C1;01/01/2026;31/01/2026;300,00;100,00",
        "F2;C1;01/01/2026;28/02/2026;300,00;100,00",  # total 200 of 300
        "F3;C1;01/01/2026;31/01/2026;300,00;100,00",  # a lone instalment short of the amount
        "F4;C1;01/01/2026;31/01/2026;300,00;",
        "F4;C1;01/01/2026;28/02/2026;300,00;300,00",
    )
    result = parse_invoices(data)
    assert result.rows == []
    assert errors_of(result.errors) == [
        (3, "N° facture", "échéance de la facture « F1 » (ligne 2) avec un autre client"),
        (5, "N° facture", "facture « F2 » : les échéances totalisent 200.00 au lieu de 300.00"),
        (
            6,
            "N° facture",
            "facture « F3 » : l'échéance de 100.00 ne couvre pas le montant de 300.00",
        ),
        (7, "N° facture", "montant de l'échéance manquant"),
    ]


def test_paid_amount_zero_drops_paid_date_and_prepayment_is_accepted() -> None:
    data = csv_bytes(
        INVOICE_HEADER,
        "F1,C1,2026-01-10,2026-02-10,10.00,EUR,2026-01-20,0",
        "F2,C1,2026-01-10,2026-02-10,10.00,EUR,2026-01-05,10.00",
    )
    result = parse_invoices(data)
    assert result.errors == []
    assert (result.rows[0].paid_date, result.rows[0].paid_amount) == (None, Decimal("0.00"))
    assert result.rows[1].paid_date == date(2026, 1, 5)


def test_currency_column() -> None:
    data = csv_bytes(
        "number,customer,date,due_date,amount,devise",
        "F1,C1,2026-01-01,2026-01-31,10.00,",
        "F2,C1,2026-01-01,2026-01-31,10.00,€",
        "F3,C1,2026-01-01,2026-01-31,10.00,chf",
    )
    assert [r.currency for r in parse_invoices(data).rows] == ["EUR", "EUR", "CHF"]
