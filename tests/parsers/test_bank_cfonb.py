"""CFONB 120 statements of French banks, and its overpunched amounts."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.imports.parsers.bank import Balance, StatementError, read_statements
from relance.imports.parsers.bank.cfonb import overpunch

from .bank_util import BANK, read


def test_daily_statements_with_complements_blank_lines_and_empty_days():
    result = read("cfonb/complex-test.txt")
    assert result.format == "cfonb120"
    assert len(result.statements) == 8
    first, second = result.statements[:2]
    assert first.account == "10278 02204 00012345603"
    assert first.opening == Balance(Decimal("16695.65"), date(2020, 4, 6))
    (debit,) = first.entries
    assert debit.amount == Decimal("-22.79")
    assert debit.text == "PRLV SEPA ONLINE SAS DEDIBOX 3706114"
    assert [entry.amount for entry in second.entries] == [Decimal("-20.11"), Decimal("-5000.00")]
    assert second.closing == Balance(Decimal("11652.75"), date(2020, 4, 8))
    assert sum(len(statement.entries) for statement in result.statements) == 5
    assert all(statement.warnings == () for statement in result.statements)


def test_complements_qualifiers_and_two_accounts():
    first, second = read("cfonb/example.txt").statements
    debit = first.entries[0]
    assert debit.amount == Decimal("-32.21")
    assert debit.text == "PRLV SEPA TEST CABINET MENSUEAUHTR13133 MENSUEAUHTR13DUP"
    assert debit.end_to_end_id == "OTHER REFERENCE PURPOSE"
    assert "NPY INTERNET SFR" in debit.info
    assert first.entries[1].bank_reference == "REFERENCE"
    assert second.account == "18706 00000 00123456789"
    assert [entry.amount for entry in second.entries] == [
        Decimal("97.49"),
        Decimal("-12.10"),
        Decimal("-7.90"),
    ]
    assert second.closing.amount == Decimal("-163.72")


def test_mixed_line_endings_and_a_duplicated_operation_keep_two_ids():
    first, second = read("cfonb/test_cfonb.txt").statements
    assert len(first.entries) == 4
    assert len(second.entries) == 3
    twins = [entry for entry in first.entries if entry.amount == Decimal("-560.73")]
    assert len(twins) == 2
    assert twins[0].id != twins[1].id
    assert "1 USD = 0,90220563 EUR" in twins[0].text


def test_lcl_blank_currency_and_a_balance_that_does_not_add_up():
    (statement,) = read("cfonb/bank_statement.cfo").statements
    assert statement.account == "30002 00447 0000888899H"
    assert statement.currency == "EUR"
    assert [entry.amount for entry in statement.entries] == [
        Decimal("-2000.00"),
        Decimal("-1000.00"),
        Decimal("4000.00"),
        Decimal("-3000.00"),
    ]
    assert "11871.14" in str(statement.warnings[0])


def test_overlapping_statements_give_the_same_ids():
    data = (BANK / "cfonb/complex-test.txt").read_bytes()
    lines = data.splitlines(keepends=True)
    later = b"".join(lines[4:])  # the same file without its first day
    ids = {e.id for s in read_statements(data).statements for e in s.entries}
    later_ids = {e.id for s in read_statements(later).statements for e in s.entries}
    assert later_ids < ids
    assert len(ids - later_ids) == 1


def _line(record: str) -> bytes:
    return record.ljust(120).encode() + b"\n"


_OPEN = "0130004    00003EUR2 12345678901  100216" + " " * 50 + "0000000001000{"
_CLOSE = "0730004    00003EUR2 12345678901  110216" + " " * 50 + "0000000006000{"
_MOVE = "0430004006200003EUR2 1234567890106110216  110216" + "VIR ACME".ljust(42)


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([_OPEN, _MOVE + "0000000005000X", _CLOSE], "montant illisible"),
        (
            [_OPEN, _MOVE.replace("110216  1", "310216  1") + "0000000005000{", _CLOSE],
            "date d'opération impossible « 310216 »",
        ),
        ([_OPEN, _MOVE + "0000000005000{"], "tronqué"),
        ([_MOVE + "0000000005000{", _CLOSE], "hors d'un relevé"),
        ([_OPEN, "09" + _MOVE[2:] + "0000000005000{", _CLOSE], "« 09 » inconnu"),
    ],
)
def test_bad_records_are_refused_with_their_line(records, expected):
    with pytest.raises(StatementError, match=expected) as caught:
        read_statements(b"".join(_line(record) for record in records))
    assert caught.value.line is not None


def test_a_short_record_is_refused():
    data = _line(_OPEN) + (_MOVE + "0000000005000{").encode()[:100] + b"\n" + _line(_CLOSE)
    with pytest.raises(StatementError, match="100 caractères au lieu de 120") as caught:
        read_statements(data)
    assert caught.value.line == 2


def test_a_well_formed_statement_adds_up():
    data = b"".join(_line(r) for r in (_OPEN, _MOVE + "0000000005000{", _CLOSE))
    (statement,) = read_statements(data).statements
    assert statement.entries[0].amount == Decimal("500.00")
    assert statement.warnings == ()


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_overpunch_round_trip(value):
    digits = f"{abs(value):014d}"
    signs = "}JKLMNOPQR" if value < 0 else "{ABCDEFGHI"
    field = digits[:-1] + signs[int(digits[-1])]
    assert overpunch(field) == value


@given(st.text(min_size=14, max_size=14))
def test_overpunch_never_crashes(field):
    with contextlib.suppress(ValueError):
        overpunch(field)


def test_a_rejection_reason_marks_a_returned_operation():
    returned = _MOVE.replace("110216  110216", "11021601110216") + "0000000005000}"
    records = (_OPEN, returned, _CLOSE.replace("0000000006000{", "0000000004000}"))
    (statement,) = read_statements(b"".join(_line(record) for record in records)).statements
    (entry,) = statement.entries
    assert entry.reversal
    assert entry.return_reason == "01"
    assert entry.amount == Decimal("-500.00")
    assert statement.warnings == ()
