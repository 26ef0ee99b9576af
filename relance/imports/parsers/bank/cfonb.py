"""CFONB 120: the account statement French banks send (records of 120 characters).

Records: ``01`` old balance (opens a statement), ``04`` movement, ``05`` complement of the
``04`` above it (label, payer name, references), ``07`` new balance (closes it). Amounts are
13 digits and a last "overpunched" character carrying the last digit and the sign (``{`` and
``A``-``I`` positive, ``}`` and ``J``-``R`` negative); position 20 gives the number of
decimals. Blank lines and mixed CRLF/LF are accepted.

The format has no unique movement reference, so entries get content ids (see ``ids``).
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

RECORD = 120
_POSITIVE = "{ABCDEFGHI"
_NEGATIVE = "}JKLMNOPQR"
# 05 qualifiers that carry the remittance text; NPY / NBE name the payer / the payee.
_TEXT = {"LIB", "LCC", "LC2", "LCS", "LCZ"}


def overpunch(field_: str) -> Decimal:
    """The signed integer of a 14-character overpunched field (decimals not applied)."""
    digits, last = field_[:-1], field_[-1:]
    if not digits.isdigit() or not last:
        raise ValueError(field_)
    if last in _POSITIVE:
        return Decimal(digits + str(_POSITIVE.index(last)))
    if last in _NEGATIVE:
        return -Decimal(digits + str(_NEGATIVE.index(last)))
    raise ValueError(field_)


def _amount(record: str, *, line: int) -> Decimal:
    raw = record[90:104]
    decimals = record[19]
    places = int(decimals) if decimals.isdigit() else 2
    try:
        return overpunch(raw.replace(" ", "0")).scaleb(-places)
    except ValueError:
        raise StatementError(
            gettext_noop(
                "montant illisible « %(raw)s » (13 chiffres puis un caractère de signe attendus)"
            ),
            line=line,
            raw=str(raw),
        ) from None


def _date(raw: str, *, line: int, label: str, optional: bool = False) -> date | None:
    return None if optional and not raw.strip() else ddmmyy(raw, line=line, label=label)


@dataclass(slots=True)
class _Open:
    """A statement being read: from its 01 record to its 07."""

    account: str
    currency: str
    opening: Balance
    ids: EntryIds
    line: int
    entries: list[_Draft] = field(default_factory=list)


def _records(data: bytes) -> list[tuple[int, str]]:
    text = data.decode("latin-1")
    lines = text.splitlines()
    # Some banks send the records end to end, with no line break at all.
    if len(lines) == 1 and len(lines[0]) > RECORD and len(lines[0]) % RECORD == 0:
        lines = [lines[0][i : i + RECORD] for i in range(0, len(lines[0]), RECORD)]
    return fixed_width_records(lines, RECORD)


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    result = StatementFile(format="cfonb120")
    current: _Open | None = None
    count = 0
    for number, record in _records(data):
        code = record[:2]
        if code == "01":
            if current is not None:
                raise StatementError(
                    gettext_noop("nouveau relevé (01) avant le nouveau solde (07) du précédent"),
                    line=number,
                )
            current = _opening(record, line=number)
        elif current is None:
            raise StatementError(
                gettext_noop("enregistrement %(code)s hors d'un relevé (pas de 01 avant lui)"),
                line=number,
                code=str(code),
            )
        elif code == "04":
            count += 1
            if count > limits.max_entries:
                raise StatementError(
                    gettext_noop("plus de %(max_entries)s opérations : découpez le relevé"),
                    line=number,
                    max_entries=str(limits.max_entries),
                )
            current.entries.append(_movement(record, current, line=number))
        elif code == "05":
            if not current.entries:
                raise StatementError(
                    gettext_noop("complément (05) sans opération (04) avant lui"), line=number
                )
            _complement(current.entries[-1], record)
        elif code == "07":
            result.statements.append(_close(current, record, line=number))
            current = None
        else:
            raise StatementError(
                gettext_noop(
                    "type d'enregistrement « %(code)s » inconnu (attendu 01, 04, 05 ou 07)"
                ),
                line=number,
                code=str(code),
            )
    if current is not None:
        raise StatementError(
            gettext_noop("relevé sans nouveau solde (07) : le fichier semble tronqué"),
            line=current.line,
        )
    if not result.statements:
        raise StatementError(gettext_noop("aucun relevé dans ce fichier CFONB 120"))
    return result


def _account(record: str) -> str:
    return f"{record[2:7]} {record[11:16]} {record[21:32].strip()}"


def _opening(record: str, *, line: int) -> _Open:
    account = _account(record)
    return _Open(
        account=account,
        currency=record[16:19].strip(),
        opening=Balance(
            _amount(record, line=line),
            _date(record[34:40], line=line, label=gettext_noop("date du solde")),
        ),
        ids=EntryIds(account),
        line=line,
    )


@dataclass(slots=True)
class _Draft:
    """A movement (04) that its complements (05) may still add to."""

    booking_date: date | None
    value_date: date | None
    amount: Decimal
    currency: str
    return_reason: str
    text: str
    bank_code: str
    bank_reference: str
    line: int
    counterparty_name: str = ""
    end_to_end_id: str = ""
    info: str = ""

    def entry(self, ids: EntryIds) -> Entry:
        return Entry(
            id=ids.from_content(
                booking_date=self.booking_date,
                value_date=self.value_date,
                amount=self.amount,
                text=f"{self.text} {self.bank_reference}",
            ),
            booking_date=self.booking_date,
            value_date=self.value_date,
            amount=self.amount,
            currency=self.currency,
            reversal=bool(self.return_reason),
            return_reason=self.return_reason,
            counterparty_name=self.counterparty_name,
            structured_reference=references.find(self.text),
            text=self.text,
            info=self.info,
            bank_code=self.bank_code,
            bank_reference=self.bank_reference,
            end_to_end_id=self.end_to_end_id,
            line=self.line,
        )


def _movement(record: str, current: _Open, *, line: int) -> _Draft:
    return _Draft(
        booking_date=_date(record[34:40], line=line, label=gettext_noop("date d'opération")),
        value_date=_date(
            record[42:48], line=line, label=gettext_noop("date de valeur"), optional=True
        ),
        amount=_amount(record, line=line),
        currency=record[16:19].strip() or current.currency,
        # A rejection reason (code motif de rejet) marks a returned or rejected operation.
        return_reason=record[40:42].strip(),
        text=" ".join(record[48:79].split()),
        bank_code=record[32:34],
        bank_reference=record[104:120].strip(),
        line=line,
    )


def _complement(draft: _Draft, record: str) -> None:
    qualifier, value = record[45:48], " ".join(record[48:118].split())
    if not value:
        return
    if qualifier in _TEXT:
        draft.text = f"{draft.text} {value}".strip()
    elif qualifier == ("NPY" if draft.amount > 0 else "NBE"):
        draft.counterparty_name = value
    elif qualifier == "RCN":
        draft.end_to_end_id = value
    else:
        draft.info = f"{draft.info} {qualifier.strip()} {value}".strip()


def _close(current: _Open, record: str, *, line: int) -> Statement:
    closing = Balance(
        _amount(record, line=line),
        _date(record[34:40], line=line, label=gettext_noop("date du solde")),
    )
    entries = tuple(draft.entry(current.ids) for draft in current.entries)
    return Statement(
        format="cfonb120",
        account=current.account,
        currency=current.currency or (entries[0].currency if entries else ""),
        entries=entries,
        bank_id=current.account[:5],
        statement_id=f"{current.account} {closing.date}",
        period_start=current.opening.date,
        period_end=closing.date,
        opening=current.opening,
        closing=closing,
        warnings=tuple(
            balance_warnings(
                opening=current.opening,
                closing=closing,
                booked=(entry.amount for entry in entries),
                label=Text(
                    gettext_noop("relevé %(account)s au %(day)s (ligne %(line)s)"),
                    {"account": current.account, "day": closing.date or "-", "line": str(line)},
                ),
            )
        ),
    )
