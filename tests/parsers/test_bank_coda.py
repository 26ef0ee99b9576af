"""CODA (Belgian banks), from a file written for the tests from the Febelfin standard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.core.payment_reference import belgian_structured
from relance.imports.parsers.bank import Balance, StatementError, read_statements

from .bank_util import BANK, read

CODA = "written/coda-2.6.cod"


def test_statement_balances_and_account():
    result = read(CODA)
    assert result.format == "coda"
    (statement,) = result.statements
    assert statement.account == "BE68539007547034"
    assert statement.currency == "EUR"
    assert statement.bank_id == "KREDBEBB"
    assert statement.sequence == "042"
    assert statement.opening == Balance(Decimal("12345.67"), date(2026, 3, 1))
    assert statement.closing == Balance(Decimal("13770.17"), date(2026, 3, 5))
    assert statement.warnings == ()  # the batch counts once, by its total


def test_structured_communication_and_counterparty():
    transfer = read(CODA).statements[0].entries[0]
    assert transfer.amount == Decimal("1250.00")
    assert transfer.structured_reference == belgian_structured(2026000042)
    assert transfer.counterparty_name == "DUPONT SA"
    assert transfer.counterparty_iban == "BE71096123456769"
    assert transfer.counterparty_bic == "GKCCBEBB"
    assert transfer.end_to_end_id == "E2E-20260302-1"
    assert "RUE DE LA LOI" in transfer.info


def test_a_globalised_batch_becomes_its_transactions():
    entries = read(CODA).statements[0].entries
    batch = [entry for entry in entries if entry.batch_id]
    assert [entry.amount for entry in batch] == [
        Decimal("100.00"),
        Decimal("150.00"),
        Decimal("50.00"),
    ]
    assert len({entry.batch_id for entry in batch}) == 1
    assert batch[0].structured_reference == belgian_structured(7)
    assert batch[0].counterparty_name == "MARTIN SPRL"
    assert batch[2].text == "FACTURE F-2026-0110 ET F-2026-0111"
    assert len(entries) == 6


def test_communication_rejoined_and_a_returned_direct_debit():
    *_, fees, returned = read(CODA).statements[0].entries
    assert fees.text.endswith("FORFAIT PME AVEC CARTES ET VIREMENTS INSTANTANES")
    assert fees.amount == Decimal("-45.50")
    assert returned.reversal
    assert returned.return_reason == "MD06"
    assert returned.amount == Decimal("-80.00")


def _records() -> list[str]:
    return (BANK / CODA).read_bytes().decode("latin-1").split("\r\n")[:-1]


def _file(records: list[str]) -> bytes:
    return ("\r\n".join(records) + "\r\n").encode("latin-1")


def test_broken_files_are_refused_with_their_line():
    records = _records()
    with pytest.raises(StatementError, match="127 caractères au lieu de 128") as caught:
        read_statements(_file([*records[:3], records[3][:-1], *records[4:]]))
    assert caught.value.line == 4
    with pytest.raises(StatementError, match="tronqué"):
        read_statements(_file(records[:-2]))
    bad_date = records[2][:47] + "310226" + records[2][53:]
    with pytest.raises(StatementError, match="date de valeur impossible « 310226 »"):
        read_statements(_file([*records[:2], bad_date, *records[3:]]))
    bad_amount = records[2][:32] + "00000000012500X" + records[2][47:]
    with pytest.raises(StatementError, match="montant illisible") as caught:
        read_statements(_file([*records[:2], bad_amount, *records[3:]]))
    assert caught.value.line == 3


def test_a_wrong_closing_balance_is_flagged():
    records = _records()
    closing = next(index for index, record in enumerate(records) if record[0] == "8")
    records[closing] = records[closing][:42] + "000000013770180" + records[closing][57:]
    (statement,) = read_statements(_file(records)).statements
    assert "écart 0.01" in str(statement.warnings[0])
