"""Bank statements written by the tests: real camt.053 and CFONB 120 bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

ACCOUNT = "FR7630006000011234567890189"


@dataclass(frozen=True)
class Move:
    ref: str  # the bank's reference (camt AcctSvcrRef)
    amount: str  # signed: money in is positive
    day: date = date(2026, 3, 20)
    name: str = ""
    iban: str = ""
    text: str = ""
    structured: str = ""  # CdtrRefInf
    reversal: bool = False
    pending: bool = False  # camt.052: not booked yet
    end_to_end: str = ""
    return_reason: str = ""  # camt RtrInf: a SEPA return (R-transaction)


def camt053(moves: list[Move], *, statement_id: str = "STMT-1", currency: str = "EUR") -> bytes:
    # A reversal is booked the other way round: it undoes the movement it names.
    total = sum(
        (-Decimal(m.amount) if m.reversal else Decimal(m.amount) for m in moves), Decimal(0)
    )
    entries = "".join(_camt_entry(move, currency) for move in moves)
    first = min((m.day for m in moves), default=date(2026, 3, 20))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>2026-03-21T06:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>{statement_id}</Id>
   <CreDtTm>2026-03-21T06:00:00</CreDtTm>
   <Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>{currency}</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">1000.00</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{first.isoformat()}</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
    <Amt Ccy="{currency}">{Decimal("1000.00") + total}</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-21</Dt></Dt></Bal>
   {entries}
  </Stmt>
 </BkToCstmrStmt>
</Document>""".encode()


def _camt_entry(move: Move, currency: str) -> str:
    amount = Decimal(move.amount)
    # A reversed credit comes back as a debit flagged RvslInd (and the other way round).
    credit = (amount > 0) != move.reversal
    parties = ""
    if move.name or move.iban:
        account = f"<DbtrAcct><Id><IBAN>{move.iban}</IBAN></Id></DbtrAcct>" if move.iban else ""
        parties = f"<RltdPties><Dbtr><Nm>{escape(move.name)}</Nm></Dbtr>{account}</RltdPties>"
    remittance = f"<Ustrd>{escape(move.text)}</Ustrd>" if move.text else ""
    if move.structured:
        remittance += (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
            f"<Ref>{move.structured}</Ref></CdtrRefInf></Strd>"
        )
    refs = f"<Refs><EndToEndId>{move.end_to_end}</EndToEndId></Refs>" if move.end_to_end else ""
    returned = (
        f"<RtrInf><Rsn><Cd>{move.return_reason}</Cd></Rsn></RtrInf>" if move.return_reason else ""
    )
    return f"""
   <Ntry>
    <Amt Ccy="{currency}">{abs(amount)}</Amt>
    <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
    <RvslInd>{"true" if move.reversal else "false"}</RvslInd>
    <Sts>{"PDNG" if move.pending else "BOOK"}</Sts>
    <BookgDt><Dt>{move.day.isoformat()}</Dt></BookgDt>
    <ValDt><Dt>{move.day.isoformat()}</Dt></ValDt>
    <AcctSvcrRef>{move.ref}</AcctSvcrRef>
    <NtryDtls><TxDtls>{refs}{parties}<RmtInf>{remittance}</RmtInf>{returned}</TxDtls></NtryDtls>
   </Ntry>"""


def cfonb120(moves: list[Move]) -> bytes:
    """One CFONB 120 statement: 01, a 04 per move (with a 05 naming the payer, a 05 more
    label), 07. Records are built field by field at their positions."""
    opening = Decimal("1000.00")
    closing = opening + sum((Decimal(m.amount) for m in moves), Decimal("0.00"))
    records = [_record("01", {34: f"{date(2026, 3, 19):%d%m%y}"}, opening)]
    for move in moves:
        day = f"{move.day:%d%m%y}"
        fields = {7: "0512", 32: "05", 34: day, 42: day, 48: move.text[:31]}
        if move.reversal:
            fields[40] = "01"  # a rejection reason: the operation is returned
        records.append(_record("04", fields, Decimal(move.amount), reference=move.ref))
        if move.name:
            records.append(_record("05", {7: "0512", 32: "05", 34: day, 45: "NPY" + move.name}))
        if move.text[31:]:
            records.append(
                _record("05", {7: "0512", 32: "05", 34: day, 45: "LIB" + move.text[31:101]})
            )
    records.append(_record("07", {34: f"{date(2026, 3, 21):%d%m%y}"}, closing))
    return ("\r\n".join(records) + "\r\n").encode("latin-1")


def _record(
    code: str, fields: dict[int, str], amount: Decimal | None = None, *, reference: str = ""
) -> str:
    line = [" "] * 120
    account = {0: code, 2: "30006", 11: "00001", 16: "EUR", 19: "2", 21: "12345678901"}
    for position, value in {**account, **fields}.items():
        line[position : position + len(value)] = value
    if amount is not None:
        line[90:104] = _overpunch(amount)
        line[104:120] = f"{reference[:16]:<16}"
    return "".join(line[:120])


def _overpunch(amount: Decimal) -> str:
    cents = int((abs(amount) * 100).to_integral_value())
    digits = f"{cents:014d}"
    signs = "{ABCDEFGHI" if amount >= 0 else "}JKLMNOPQR"
    return digits[:-1] + signs[int(digits[-1])]
