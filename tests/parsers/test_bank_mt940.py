"""SWIFT MT940 statements, written here in the layouts Dutch and German banks use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.core.payment_reference import creditor_reference
from relance.imports.parsers.bank import Balance, StatementError, read_statements

RF = creditor_reference("F2026-0042")

DUTCH = f"""{{1:F01INGBNL2AXXXX0000000000}}{{2:I940INGBNL2AXXXN}}{{4:
:20:P240115000000001
:25:NL69INGB0123456789EUR
:28C:00015
:60F:C240112EUR1234,56
:61:2401150115C1500,00NTRFNONREF//24011512345678
/TRCD/00100/
:86:/EREF/E2E-4711//CNTP/FR7630006000011234567890189/AGRIFRPP/ACME SARL///REMI/USTD//
Facture F-2026-0042 {RF}/
:61:2401150115D250,25NDDTMANDATE-77//24011512345679
:86:/EREF/SEPA-DD-99//MARF/MANDATE-77//CNTP/NL91ABNA0417164300/ABNANL2A/ENERGIE BV///REMI/
USTD//Janvier/
:61:2401160116RD120,00NTRFNONREF//24011612345680
:86:/RTRN/MD06//EREF/E2E-3000//CNTP/BE71096123456769/GKCCBEBB/DUPONT SA///REMI/USTD//
Retour/
:62F:C240116EUR2604,31
-}}"""

GERMAN = """:20:STARTUMS
:25:70050000/0123456789
:28C:0
:60F:C240229EUR100,00
:61:2402290229CR42,50N051NONREF
:86:166?00SEPA-GUTSCHRIFT?109310?20EREF+R-2024-17?21SVWZ+Rechnung R-2024-17 v
?22om 01.02.2024?30COBADEFFXXX?31DE89370400440532013000?32Muster GmbH
:61:2402290301DR12,00N010NONREF
:86:177?00SEPA-LASTSCHRIFT?20Gebuehren Februar?32Bank
:62F:C240301EUR130,50
"""


def test_dutch_statement_with_slashed_details():
    (statement,) = read_statements(DUTCH.encode()).statements
    assert statement.account == "NL69INGB0123456789EUR"
    assert statement.sequence == "00015"
    assert statement.opening == Balance(Decimal("1234.56"), date(2024, 1, 12))
    assert statement.closing == Balance(Decimal("2604.31"), date(2024, 1, 16))
    assert statement.warnings == ()
    paid, debit, reversal = statement.entries
    assert paid.amount == Decimal("1500.00")
    assert paid.id == "NL69INGB0123456789EUR/24011512345678"
    assert paid.counterparty_name == "ACME SARL"
    assert paid.counterparty_iban == "FR7630006000011234567890189"
    assert paid.counterparty_bic == "AGRIFRPP"
    assert paid.end_to_end_id == "E2E-4711"
    assert paid.structured_reference == RF
    assert "Facture F-2026-0042" in paid.text
    assert debit.amount == Decimal("-250.25")
    assert reversal.amount == Decimal("120.00")  # RD: the reversal of a debit is money in
    assert reversal.reversal
    assert reversal.return_reason == "MD06"


def test_german_statement_with_question_mark_subfields_across_the_year():
    (statement,) = read_statements(GERMAN.encode("latin-1")).statements
    credit, fee = statement.entries
    assert credit.amount == Decimal("42.50")
    assert credit.counterparty_name == "Muster GmbH"
    assert credit.counterparty_iban == "DE89370400440532013000"
    assert "SVWZ+Rechnung R-2024-17 vom 01.02.2024" in credit.text  # ?21 and ?22 rejoined
    assert fee.booking_date == date(2024, 3, 1)
    assert fee.value_date == date(2024, 2, 29)
    assert statement.warnings == ()
    assert credit.id != fee.id


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (GERMAN.replace(":62F:C240301EUR130,50\n", ""), "solde initial .* ou final"),
        (GERMAN.replace("2402290229CR42,50", "2402300229CR42,50"), "date impossible « 240230 »"),
        (GERMAN.replace("2402290229CR42,50", "2402290229CRquatre"), ":61: illisible"),
        (GERMAN.replace(":60F:C240229EUR100,00", ":60F:X240229EUR100"), "solde :60F: illisible"),
    ],
)
def test_broken_statements_are_refused_with_their_line(broken, expected):
    with pytest.raises(StatementError, match=expected) as caught:
        read_statements(broken.encode())
    assert caught.value.line is not None
