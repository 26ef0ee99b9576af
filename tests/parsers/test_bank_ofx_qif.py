"""OFX 1.x / 2.x and QIF bank files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.imports.parsers.bank import Balance, StatementError, read_statements

from .bank_util import BANK, read


def test_french_bank_sgml_cp1252_two_accounts():
    checking, savings = read("ofx/BPACA_OP_20220717-2.ofx").statements
    assert checking.account == "10907 00001 99999999999"
    assert checking.currency == "EUR"
    assert len(checking.entries) == 13
    assert checking.closing == Balance(Decimal("139.44"), date(2022, 7, 17))
    first = checking.entries[0]
    assert first.id == "10907 00001 99999999999/202200700005BD27"
    assert first.amount == Decimal("-75.00")
    assert first.booking_date == date(2022, 7, 15)
    salary = next(entry for entry in checking.entries if entry.amount > 1000)
    assert salary.amount == Decimal("1339.85")  # written "+1339.85"
    assert salary.text == "VIR SAS PAULISSOFT salaire juin 2022"
    cheque = next(entry for entry in checking.entries if entry.amount == Decimal("46.03"))
    assert cheque.text == "REM CHQ  DE    2 CHEQUE("  # the NAME cut after "(" upstream
    assert [entry.amount for entry in savings.entries] == [Decimal("200.00")]


def test_empty_french_statement_and_empty_tags():
    (empty,) = read("ofx/46297554894_02092025_04102025.ofx").statements
    assert empty.entries == ()
    assert empty.closing is None
    (australian,) = read("ofx/ofx-v102-empty-tags.ofx").statements
    (entry,) = australian.entries
    assert entry.amount == Decimal("12.34")
    assert entry.currency == "AUD"
    assert entry.id.startswith("NPBS 12345678/h:")  # empty FITID: a content id


def test_ofx_2_xml_and_intuit_sgml():
    accounts = read("ofx/multiple_accounts2.ofx").statements
    assert [(s.account, s.closing.amount) for s in accounts] == [
        ("123 00 9100", Decimal("111.00")),
        ("123 00 9200", Decimal("222.00")),
    ]
    (checking,) = read("ofx/checking.ofx").statements
    assert [entry.amount for entry in checking.entries] == [
        Decimal("0.01"),
        Decimal("-34.51"),
        Decimal("-25.00"),
    ]
    assert checking.entries[2].bank_code == "CHECK"


def test_ofx_escaped_characters_are_read():
    data = (
        (BANK / "ofx/checking.ofx")
        .read_bytes()
        .replace(b"<NAME>RETURNED CHECK FEE, CHECK # 319", b"<NAME>SMITH &amp; SONS")
    )
    fee = read_statements(data).statements[0].entries[2]
    assert fee.text.startswith("SMITH & SONS ")


def test_ofx_truncated_or_without_statement_is_refused():
    data = (BANK / "ofx/checking.ofx").read_bytes()
    with pytest.raises(StatementError, match="tronqué"):
        read_statements(data[: data.index(b"</STMTRS>")])
    with pytest.raises(StatementError, match="aucun relevé de compte"):
        read_statements(b"OFXHEADER:100\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>")
    bad = data.replace(b"<DTPOSTED>20110407", b"<DTPOSTED>20110431")
    with pytest.raises(StatementError, match="date impossible « 20110431") as caught:
        read_statements(bad)
    assert caught.value.line is not None


def test_qif_day_first_from_the_whole_file():
    result = read("ofx/test_qif_dmy.qif")
    assert result.warnings == []  # 15/8/13 decides: day first
    dates = [entry.booking_date for entry in result.statements[0].entries]
    assert dates == [
        date(2013, 8, 12),
        date(2013, 8, 15),
        date(2013, 3, 3),
        date(2013, 3, 4),
        date(2013, 3, 3),
    ]
    assert result.statements[0].entries[0].amount == Decimal("-1000.00")


def test_qif_month_first_splits_opening_balance_and_skipped_sections():
    result = read("ofx/test.qif")
    (statement,) = result.statements
    assert statement.opening == Balance(Decimal("0.00"), date(2020, 2, 10))
    assert [(e.booking_date, e.amount) for e in statement.entries][:2] == [
        (date(2020, 2, 14), Decimal("67.50")),
        (date(2020, 2, 14), Decimal("32.00")),
    ]
    assert len(statement.entries) == 5
    assert "!Type:Invst" in str(result.warnings[0])


def test_qif_undecidable_dates_are_read_day_first_with_a_warning():
    data = b"!Type:Bank\nD3/4/24\nT10.00\nPACME\n^\n"
    result = read_statements(data)
    assert result.statements[0].entries[0].booking_date == date(2024, 4, 3)
    assert "indécidable" in str(result.warnings[0])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"!Type:Bank\nD13/4/24\nT1\n^\nD4/13/24\nT2\n^\n", "dates incohérentes"),
        (b"!Type:Bank\nD31/2/24\nT1\n^\nD13/1/24\nT1\n^\n", "date impossible « 31/2/24 »"),
        (b"!Type:Bank\nD3/4/24\nTabc\n^\n", "montant illisible « abc »"),
        (b"!Type:Bank\nD3/4/24\nT1.00\n", "tronqué"),
        (b"!Type:Cat\nNFood\n^\n", "aucune opération bancaire"),
    ],
)
def test_qif_refusals(data, expected):
    with pytest.raises(StatementError, match=expected):
        read_statements(data)
