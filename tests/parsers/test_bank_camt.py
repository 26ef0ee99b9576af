"""ISO 20022 camt.052 / 053 / 054 read from real files of several banks and versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.core.payment_reference import belgian_structured
from relance.imports.parsers.bank import Balance, StatementError, read_statements

from .bank_util import BANK, read


def test_abn_amro_053_v02_reversed_batch_is_one_entry_per_detail():
    result = read("camt/test-camt053")
    assert result.format == "camt.053.001.02"
    (statement,) = result.statements
    assert statement.account == "NL77ABNA0574908765"
    assert statement.bank_id == "ABNANL2A"
    assert statement.opening == Balance(Decimal("15568.27"), date(2014, 1, 5))
    assert statement.closing == Balance(Decimal("15121.12"), date(2014, 1, 5))
    debit, *batch, credit = statement.entries
    assert debit.amount == Decimal("-754.25")
    assert debit.bank_code == "PMNT/RDDT/ESDD"
    assert debit.counterparty_iban == "NL46ABNA0499998748"
    assert [entry.amount for entry in batch] == [Decimal("-564.05"), Decimal("-100.00")]
    assert all(entry.reversal and entry.return_reason == "AC06" for entry in batch)
    assert {entry.batch_id for entry in batch} == {batch[0].batch_id}
    assert batch[0].id != batch[1].id
    assert credit.amount == Decimal("1405.31")
    assert credit.counterparty_name == "3rd party Media"
    assert credit.counterparty_iban == "NL69ABNA0522123643"
    # The upstream file's balances do not add up (15568.27 + 651.01 -> 16219.28 expected):
    # flagged, not refused.
    assert len(statement.warnings) == 1
    assert "15121.12" in str(statement.warnings[0])


def test_ubs_053_v08_rf_reference_nested_status_and_bank_ids():
    (statement,) = read("camt/valid_example_v8.xml").statements
    first, second, third = statement.entries
    assert first.id == "CH1111111111111111111/9999171ZC0173078"
    assert first.amount == Decimal("474.4")
    assert first.status == "booked"
    assert first.text == "INVOICE R77561"
    assert first.counterparty_name == "Jon Doe"
    assert second.structured_reference == "RF38000000000000000000552"
    assert third.amount == Decimal("-20.97")
    assert third.currency == "EUR"
    assert third.counterparty_name == "DHL Express (Schweiz) AG"
    assert statement.sequence == "122"


def test_postfinance_053_v04_batches_reversals_and_md06_returns():
    (statement,) = read("camt/valid_example_v4.xml").statements
    assert len(statement.entries) == 32
    assert len({entry.batch_id for entry in statement.entries if entry.batch_id}) == 7
    returns = [entry for entry in statement.entries if entry.reversal]
    assert [(entry.amount, entry.return_reason) for entry in returns] == [
        (Decimal("-6.00"), "MD06"),
        (Decimal("-15.53"), "MD06"),
    ]
    assert returns[0].counterparty_name == "Bernasconi Maria"
    assert statement.warnings == ()  # its balances add up
    assert len({entry.id for entry in statement.entries}) == 32


def test_camt_054_notification_and_052_pending_report():
    (notification,) = read("camt/valid_example.xml").statements
    assert notification.format == "camt.054.001.04"
    assert len(notification.entries) == 5
    assert sum(entry.reversal for entry in notification.entries) == 2
    (report,) = read("camt/camt052.v4.xml").statements
    (pending,) = report.entries
    assert pending.status == "pending"
    assert pending.amount == Decimal("-200000")
    assert pending.currency == "SEK"


def test_sparkasse_052_free_text_invoice_number_kept_whole():
    (report,) = read("camt/camt052.xml").statements
    assert len(report.entries) == 5
    assert any("Rechnung 12345 vom 2021-01-31" in entry.text for entry in report.entries)
    assert report.warnings == ()


def test_date_times_other_account_id_and_multi_statement():
    (wise,) = read("camt/valid_example_with_datetime.xml").statements
    assert wise.account == "11111111"
    assert wise.entries[0].booking_date == date(2023, 6, 21)
    assert wise.opening is None
    first, second = read("camt/camt053.v2.multi.statement.xml").statements
    assert first.closing.amount == second.opening.amount == Decimal("27.00")


def test_multi_currency_books_the_account_amount_not_the_instructed_one():
    (statement,) = read("camt/test-camt053-multi-currency").statements
    outgoing, incoming = statement.entries
    assert outgoing.amount == Decimal("-579.21")
    assert outgoing.currency == "CHF"
    assert "Devis DEV-01387" in outgoing.text
    assert incoming.text.startswith("/INV/09.2021/01")
    assert statement.warnings == ()


def test_three_decimal_amounts_are_exact_and_the_gap_is_flagged():
    (statement,) = read("camt/camt053.v2.five.decimals.xml").statements
    assert statement.opening.amount == Decimal("18.150")
    assert statement.entries[0].amount == Decimal("8.850")
    assert "0.050" in str(statement.warnings[0])


def test_belgian_monthly_statement_268_entries():
    (statement,) = read("camt/BE68793230773034-202411.xml").statements
    assert statement.account == "BE68793230773034"
    assert len(statement.entries) == 268
    assert sum(entry.amount > 0 for entry in statement.entries) == 4
    assert statement.warnings == ()
    assert len({entry.id for entry in statement.entries}) == 268


def test_reimport_gives_the_same_ids():
    data = (BANK / "camt/davider80.xml").read_bytes()
    first = [entry.id for entry in read_statements(data).statements[0].entries]
    again = [entry.id for entry in read_statements(data).statements[0].entries]
    assert first == again
    assert len(set(first)) == 16


# --- refusals ----------------------------------------------------------------------------

_HEAD = '<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'


def _camt(entry: str) -> bytes:
    return (
        f"{_HEAD}<BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630006000011234567890189"
        f"</IBAN></Id><Ccy>EUR</Ccy></Acct>{entry}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


_NTRY = (
    "<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
    "<BookgDt><Dt>{day}</Dt></BookgDt></Ntry>"
)


def test_a_truncated_file_is_refused_with_its_line():
    data = (BANK / "camt/valid_example_v4.xml").read_bytes()
    with pytest.raises(StatementError, match="tronqué") as caught:
        read_statements(data[: len(data) // 2])
    assert caught.value.line is not None and caught.value.line > 100


@pytest.mark.parametrize(
    ("amount", "day", "expected"),
    [
        ("12,50", "2024-01-02", "montant illisible « 12,50 »"),
        ("1e5", "2024-01-02", "montant illisible"),
        ("12.50", "2024-02-30", "date impossible « 2024-02-30 »"),
    ],
)
def test_bad_values_are_refused_with_their_xml_path(amount, day, expected):
    with pytest.raises(StatementError, match=expected) as caught:
        read_statements(_camt(_NTRY.format(amount=amount, day=day)))
    assert caught.value.path.startswith("Stmt[1]/Ntry[1]")


def test_entity_expansion_and_external_entities_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + _camt("").split(b"?>", 1)[1].replace(b"<Id>S1</Id>", b"<Id>&b;</Id>")
    )
    external = _camt("").replace(
        b"<Document", b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document', 1
    )
    for data in (bomb, external):
        with pytest.raises(StatementError, match="DTD ou des entités"):
            read_statements(data)


def test_the_entries_cap_stops_the_read():
    entries = "".join(_NTRY.format(amount="1.00", day="2024-01-02") for _ in range(11))
    assert len(read_statements(_camt(entries)).statements[0].entries) == 11
    with pytest.raises(StatementError, match="plus de 10 opérations"):
        read_statements(_camt(entries), max_entries=10)


def test_utf16_and_garbage_after_the_root_are_refused():
    data = (BANK / "camt/valid_example_v8.xml").read_bytes()
    with pytest.raises(StatementError, match="UTF-16"):
        read_statements(b"\xff\xfe" + data.decode().encode("utf-16-le"))
    with pytest.raises(StatementError, match="XML illisible ou tronqué") as caught:
        read_statements(data + b"<Document/>")
    assert caught.value.line is not None


def test_belgian_structured_reference_given_as_creditor_reference():
    digits = belgian_structured(2026000042).strip("+").replace("/", "")
    entry = (
        "<Ntry><Amt Ccy='EUR'>150.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        "<BookgDt><Dt>2026-03-02</Dt></BookgDt><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf>"
        "<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
        f"<Ref>{digits}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )
    (statement,) = read_statements(_camt(entry)).statements
    assert statement.entries[0].structured_reference == belgian_structured(2026000042)
    assert statement.entries[0].id.startswith("FR7630006000011234567890189/h:")
