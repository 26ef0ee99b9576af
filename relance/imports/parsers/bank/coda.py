"""CODA, the statement Belgian banks send (Febelfin standard 2.x, records of 128 characters).

Records: ``0`` header (bank, BIC), ``1`` old balance (opens a statement, names the account),
``2.1`` movement, ``2.2`` / ``2.3`` its continuation (communication, counterparty BIC, return
reason, counterparty account and name), ``3.x`` information about a movement, ``4`` free
message, ``8`` new balance (closes the statement), ``9`` trailer. Amounts have 15 digits of
which 3 decimals, and a sign of their own (0 credit, 1 debit).

A movement with a globalisation code is a batch total; the 2.1 records with the same
sequence number and a detail number above 0 are its transactions: each becomes an entry.
A structured communication of type 101 or 102 is the Belgian +++ reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.core.text import Text, gettext_noop

from . import references
from .ids import EntryIds, balance_warnings
from .model import Balance, Entry, Limits, Statement, StatementError, StatementFile
from .textfile import ddmmyy, fixed_width_records

RECORD = 128
_CENT = Decimal("0.01")


def _amount(sign: str, digits: str, *, line: int) -> Decimal:
    if not digits.isdigit() or sign not in "01":
        raise StatementError(
            gettext_noop("montant illisible « %(sign)s%(digits)s »"),
            line=line,
            sign=str(sign),
            digits=str(digits),
        )
    value = Decimal(digits).scaleb(-3)
    # Three decimals are written; two are meant unless the third is used.
    value = value.quantize(_CENT) if value == value.quantize(_CENT) else value
    return -value if sign == "1" else value


@dataclass(slots=True)
class _Movement:
    """A 2.1 record and what its 2.2, 2.3 and 3.x records add."""

    line: int
    sequence: str
    detail: str
    bank_reference: str
    amount: Decimal
    value_date: date
    booking_date: date
    bank_code: str
    structured: str
    pieces: list[str]
    batch: bool
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    end_to_end_id: str = ""
    return_type: str = ""
    return_reason: str = ""
    info: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    line: int
    account: str
    currency: str
    sequence: str
    opening: Balance
    bic: str
    movements: list[_Movement] = field(default_factory=list)


def _records(data: bytes) -> list[tuple[int, str]]:
    return fixed_width_records(data.decode("latin-1").splitlines(), RECORD)


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    result = StatementFile(format="coda")
    bic = ""
    current: _Open | None = None
    count = 0
    for number, record in _records(data):
        kind = record[0] if record[0] in "01489" else record[:2]
        if kind == "0":
            bic = record[60:71].strip()
        elif kind == "1":
            if current is not None:
                raise StatementError(
                    gettext_noop("nouveau relevé (1) avant le nouveau solde (8)"), line=number
                )
            current = _opening(record, bic=bic, line=number)
        elif kind == "9":
            if current is not None:
                raise StatementError(
                    gettext_noop("fin de fichier (9) avant le nouveau solde (8)"), line=number
                )
        elif current is None:
            raise StatementError(
                gettext_noop("enregistrement %(kind)s hors d'un relevé (pas de 1 avant lui)"),
                line=number,
                kind=str(kind),
            )
        elif kind == "21":
            count += 1
            if count > limits.max_entries:
                raise StatementError(
                    gettext_noop("plus de %(max_entries)s opérations : découpez le relevé"),
                    line=number,
                    max_entries=str(limits.max_entries),
                )
            current.movements.append(_movement(record, line=number))
        elif kind in ("22", "23", "31", "32", "33"):
            if not current.movements:
                raise StatementError(
                    gettext_noop("enregistrement %(kind)s sans mouvement avant lui"),
                    line=number,
                    kind=str(kind),
                )
            _continue(current.movements[-1], kind, record)
        elif kind == "8":
            result.statements.append(_close(current, record, line=number))
            current = None
        elif kind != "4":
            raise StatementError(
                gettext_noop("type d'enregistrement « %(record)s » inconnu"),
                line=number,
                record=str(record[:2].strip()),
            )
    if current is not None:
        raise StatementError(
            gettext_noop("relevé sans nouveau solde (8) : le fichier semble tronqué"),
            line=current.line,
        )
    if not result.statements:
        raise StatementError(gettext_noop("aucun relevé dans ce fichier CODA"))
    return result


def _opening(record: str, *, bic: str, line: int) -> _Open:
    structure = record[1]
    ends = {"0": 17, "2": 21}  # Belgian number, Belgian IBAN; foreign ones run to 39
    account = record[5 : ends.get(structure, 39)]
    currency = record[18:21] if structure == "0" else record[39:42]
    return _Open(
        line=line,
        account=account.strip(),
        currency=currency.strip(),
        sequence=record[2:5],
        opening=Balance(
            _amount(record[42], record[43:58], line=line),
            ddmmyy(record[58:64], line=line, label=gettext_noop("date du solde")),
        ),
        bic=bic,
    )


def _movement(record: str, *, line: int) -> _Movement:
    structured = ""
    pieces = []
    if record[61] == "1":
        kind, digits = record[62:65], record[65:77]
        structured = references.belgian(digits) if kind in ("101", "102") else ""
        if not structured:
            pieces.append(f"{kind} {record[65:115].strip()}")
    else:
        pieces.append(record[62:115])
    return _Movement(
        line=line,
        sequence=record[2:6],
        detail=record[6:10],
        bank_reference=record[10:31].strip(),
        amount=_amount(record[31], record[32:47], line=line),
        value_date=ddmmyy(record[47:53], line=line, label=gettext_noop("date de valeur")),
        booking_date=ddmmyy(
            record[115:121], line=line, label=gettext_noop("date de comptabilisation")
        ),
        bank_code=record[53:61],
        structured=structured,
        pieces=pieces,
        batch=record[124] not in " 0",
    )


def _continue(movement: _Movement, kind: str, record: str) -> None:
    if kind == "22":
        movement.pieces.append(record[10:63])
        movement.end_to_end_id = record[63:98].strip()
        movement.counterparty_bic = record[98:109].strip()
        movement.return_type = record[112].strip()
        movement.return_reason = record[113:117].strip()
    elif kind == "23":
        movement.counterparty_iban = record[10:44].strip()
        movement.counterparty_name = record[47:82].strip()
        movement.pieces.append(record[82:125])
    else:
        movement.info.append(record[40:113] if kind == "31" else record[10:115])


def _entry(movement: _Movement, ids: EntryIds, currency: str, batch_id: str) -> Entry:
    # The communication is one text cut into fixed slices: rejoined, then spaces collapsed.
    text = " ".join("".join(movement.pieces).split())
    reference = movement.bank_reference
    return Entry(
        id=ids.from_reference(f"{reference}/{movement.sequence}/{movement.detail}")
        if reference
        else ids.from_content(
            booking_date=movement.booking_date,
            value_date=movement.value_date,
            amount=movement.amount,
            text=text,
        ),
        booking_date=movement.booking_date,
        value_date=movement.value_date,
        amount=movement.amount,
        currency=currency,
        reversal=bool(movement.return_type),
        return_reason=movement.return_reason,
        counterparty_name=movement.counterparty_name,
        counterparty_iban=movement.counterparty_iban,
        counterparty_bic=movement.counterparty_bic,
        structured_reference=movement.structured or references.find(text),
        text=text,
        info=" ".join(" ".join(movement.info).split()),
        bank_code=movement.bank_code,
        bank_reference=reference,
        end_to_end_id=movement.end_to_end_id,
        batch_id=batch_id,
        line=movement.line,
    )


def _entries(current: _Open) -> tuple[list[Entry], list[Decimal]]:
    """Entries (details instead of their batch total) and the amounts booked."""
    ids = EntryIds(current.account)
    entries: list[Entry] = []
    booked: list[Decimal] = []
    batch_of: dict[str, str] = {}
    with_details = {m.sequence for m in current.movements if m.detail != "0000"}
    for movement in current.movements:
        if movement.detail == "0000":
            booked.append(movement.amount)
            entry = _entry(movement, ids, current.currency, "")
            if movement.sequence in with_details:
                # A batch total: its transactions, listed after it, are the entries.
                batch_of[movement.sequence] = entry.id
                continue
            entries.append(entry)
        else:
            batch = batch_of.get(movement.sequence, "")
            entries.append(_entry(movement, ids, current.currency, batch))
    return entries, booked


def _close(current: _Open, record: str, *, line: int) -> Statement:
    closing = Balance(
        _amount(record[41], record[42:57], line=line),
        ddmmyy(record[57:63], line=line, label=gettext_noop("date du solde")),
    )
    entries, booked = _entries(current)
    return Statement(
        format="coda",
        account=current.account,
        currency=current.currency,
        entries=tuple(entries),
        bank_id=current.bic,
        statement_id=f"{current.account} {current.sequence}",
        sequence=current.sequence,
        period_start=current.opening.date,
        period_end=closing.date,
        opening=current.opening,
        closing=closing,
        warnings=tuple(
            balance_warnings(
                opening=current.opening,
                closing=closing,
                booked=booked,
                label=Text(
                    gettext_noop("relevé %(account)s n° %(sequence)s (ligne %(line)s)"),
                    {"account": current.account, "sequence": current.sequence, "line": str(line)},
                ),
            )
        ),
    )
