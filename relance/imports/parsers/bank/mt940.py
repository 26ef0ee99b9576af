"""SWIFT MT940 customer statements (and the MT942 interim reports built the same way).

Fields start a line with ``:tag:``; the lines after one, up to the next tag, continue it.
``:20:`` opens a statement, ``:25:`` names the account, ``:28C:`` numbers it, ``:60F:`` /
``:60M:`` and ``:62F:`` / ``:62M:`` give the opening and closing balances, each ``:61:`` is a
movement and the ``:86:`` after it its details. ``RC`` / ``RD`` marks mean the reversal of a
credit / a debit. Details in ``:86:`` are often structured: German ``?20``…``?32`` subfields
(GVC), or ``/EREF/``, ``/NAME/``, ``/REMI/``… (Dutch and SEPA banks); both are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from relance.core.text import Text, gettext_noop

from . import references
from .ids import EntryIds, balance_warnings
from .model import Balance, Entry, Limits, Statement, StatementError, StatementFile
from .textfile import decode

_FIELD = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d{1,15},\d{0,4})")
_LINE = re.compile(
    r"(\d{6})(\d{4})?(R?[CD])([A-Z])?(\d{1,15},\d{0,4})([NFS][A-Z0-9]{3})"
    r"([^\n]*?)(?://([^\n]*))?(?:\n(.*))?",
    re.DOTALL,
)
_GVC = re.compile(r"\?(\d{2})")
_SLASHED = re.compile(
    r"/(EREF|KREF|MREF|CRED|DEBT|IBAN|BIC|NAME|REMI|CNTP|RTRN|ORDP|BENM|SVWZ|PURP|ABWA)/"
)


def _amount(raw: str) -> Decimal:
    # The pattern that found it allows only digits and one comma: Decimal cannot fail.
    return Decimal(raw.replace(",", ".").rstrip(".") or "0")


def _date(raw: str, *, line: int) -> date:
    try:
        return date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:6]))
    except ValueError:
        raise StatementError(
            gettext_noop("date impossible « %(raw)s » (attendu AAMMJJ)"), line=line, raw=str(raw)
        ) from None


def _balance(value: str, *, line: int, tag: str) -> tuple[Balance, str]:
    found = _BALANCE.match(value.strip())
    if not found:
        raise StatementError(
            gettext_noop("solde :%(tag)s: illisible « %(value)s »"),
            line=line,
            tag=str(tag),
            value=str(value.strip()[:40]),
        )
    side, day, currency, raw = found.groups()
    amount = _amount(raw)
    return Balance(-amount if side == "D" else amount, _date(day, line=line)), currency


@dataclass(slots=True)
class _Open:
    line: int
    reference: str
    account: str = ""
    sequence: str = ""
    currency: str = ""
    opening: Balance | None = None
    closing: Balance | None = None
    entries: list[Entry] = field(default_factory=list)
    booked: list[Decimal] = field(default_factory=list)


def _fields(text: str) -> list[tuple[int, str, str]]:
    """(line, tag, value) of each field; a SWIFT envelope ``{1:…}{4:`` … ``-}`` is dropped."""
    found = list(_FIELD.finditer(text))
    if not found:
        return []
    out = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        value = text[match.end() : end]
        value = re.sub(r"\n-\}.*\Z|\n-\s*\Z", "", value, flags=re.DOTALL).rstrip("\n")
        out.append((text.count("\n", 0, match.start()) + 1, match.group(1), value))
    return out


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    result = StatementFile(format="mt940")
    current: _Open | None = None
    count = 0
    for line, tag, value in _fields(text):
        if tag == "20":
            if current is not None:
                result.statements.append(_close(current))
            current = _Open(line=line, reference=value.strip())
        elif current is None:
            raise StatementError(
                gettext_noop("champ :%(tag)s: avant le :20: qui ouvre un relevé"),
                line=line,
                tag=str(tag),
            )
        elif tag == "25":
            current.account = value.strip()
        elif tag == "28C":
            current.sequence = value.strip()
        elif tag in ("60F", "60M"):
            current.opening, current.currency = _balance(value, line=line, tag=tag)
        elif tag in ("62F", "62M"):
            current.closing, _ = _balance(value, line=line, tag=tag)
        elif tag == "61":
            count += 1
            if count > limits.max_entries:
                raise StatementError(
                    gettext_noop("plus de %(max_entries)s opérations : découpez le relevé"),
                    line=line,
                    max_entries=str(limits.max_entries),
                )
            current.entries.append(_movement(value, current, line=line))
        elif tag == "86" and current.entries:
            current.entries[-1] = _details(current.entries[-1], value)
    if current is None:
        raise StatementError(gettext_noop("aucun relevé MT940 (champ :20:) dans ce fichier"))
    result.statements.append(_close(current))
    return result


def _movement(value: str, current: _Open, *, line: int) -> Entry:
    found = _LINE.fullmatch(value.strip("\n"))
    if not found:
        raise StatementError(
            gettext_noop("ligne d'opération :61: illisible « %(value)s »"),
            line=line,
            value=str(value.strip()[:50]),
        )
    valued, entry_md, mark, _, raw, code, customer_ref, bank_ref, extra = found.groups()
    value_date = _date(valued, line=line)
    booking = value_date
    if entry_md:
        year = value_date.year
        month = int(entry_md[:2])
        # An entry date in January for a December value date belongs to the next year.
        if month - value_date.month > 6:
            year -= 1
        elif value_date.month - month > 6:
            year += 1
        booking = _date(f"{year % 100:02d}{entry_md}", line=line)
    amount = _amount(raw)
    negative = mark in ("D", "RC")
    signed = -amount if negative else amount
    current.booked.append(signed)
    reference = (bank_ref or "").strip()
    return Entry(
        id="",
        booking_date=booking,
        value_date=value_date,
        amount=signed,
        currency=current.currency,
        reversal=mark.startswith("R"),
        text="",
        info=" ".join(
            part for part in (customer_ref.strip(), (extra or "").strip()) if part != "NONREF"
        ).strip(),
        bank_code=code,
        bank_reference=reference,
        end_to_end_id="" if customer_ref.strip() in ("", "NONREF") else customer_ref.strip(),
        line=line,
    )


def _details(entry: Entry, value: str) -> Entry:
    if value.count("?") >= 2 and _GVC.search(value):
        # Lines of German details are cut every 65 characters, anywhere.
        return _german(entry, value.replace("\n", ""))
    flat = " ".join(value.split("\n"))
    slashed = _slashed(flat)
    if slashed:
        text = re.sub(r"^(USTD|STRD)//?", "", slashed.get("REMI", "") or slashed.get("SVWZ", ""))
        text = " ".join(text.split())
        return replace(
            entry,
            text=text or " ".join(flat.split()),
            counterparty_name=slashed.get("NAME", ""),
            counterparty_iban=slashed.get("IBAN", ""),
            counterparty_bic=slashed.get("BIC", ""),
            return_reason=slashed.get("RTRN", ""),
            end_to_end_id=slashed.get("EREF", "") or entry.end_to_end_id,
            structured_reference=references.find(text or flat),
        )
    text = " ".join(flat.split())
    return replace(entry, text=text, structured_reference=references.find(text))


def _german(entry: Entry, flat: str) -> Entry:
    """German banks: a transaction code (GVC), then ``?NN`` subfields."""
    parts: dict[str, str] = {}
    for match, chunk in zip(_GVC.finditer(flat), _GVC.split(flat)[2::2], strict=False):
        parts[match.group(1)] = parts.get(match.group(1), "") + chunk
    remittance = [parts[key] for key in sorted(parts) if "20" <= key <= "29" or "60" <= key <= "63"]
    # Subfields are 27-character slices of one text, cut anywhere (even inside a word).
    text = " ".join("".join(remittance).split())
    return replace(
        entry,
        text=text,
        counterparty_name=" ".join((parts.get("32", "") + parts.get("33", "")).split()),
        counterparty_iban=parts.get("31", "").strip(),
        counterparty_bic=parts.get("30", "").strip(),
        bank_code=f"{entry.bank_code} {flat[:3]}".strip(),
        structured_reference=references.find(text),
    )


def _slashed(flat: str) -> dict[str, str]:
    """``/EREF/x/NAME/y/…``: CNTP, ORDP and BENM carry ``IBAN/BIC/NAME`` in that order."""
    pieces = _SLASHED.split(flat)
    if len(pieces) < 3:
        return {}
    found: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=True):
        value = value.strip().rstrip("/")
        if key in ("CNTP", "ORDP", "BENM"):
            iban, bic, name = ([*value.split("/"), "", "", ""])[:3]
            found.setdefault("IBAN", iban)
            found.setdefault("BIC", bic)
            found.setdefault("NAME", name)
        else:
            found.setdefault(key, value)
    return found


def _close(current: _Open) -> Statement:
    if not current.account:
        raise StatementError(gettext_noop("relevé sans compte (champ :25:)"), line=current.line)
    if current.opening is None or current.closing is None:
        raise StatementError(
            gettext_noop(
                "relevé sans solde initial (:60F:) ou final (:62F:) : le fichier semble tronqué"
            ),
            line=current.line,
        )
    ids = EntryIds(current.account)
    entries = tuple(_identified(entry, ids) for entry in current.entries)
    label = Text(
        gettext_noop("relevé %(reference)s (ligne %(line)s)"),
        {"reference": current.reference, "line": str(current.line)},
    )
    return Statement(
        format="mt940",
        account=current.account,
        currency=current.currency,
        entries=entries,
        statement_id=current.reference,
        sequence=current.sequence,
        period_start=current.opening.date,
        period_end=current.closing.date,
        opening=current.opening,
        closing=current.closing,
        warnings=tuple(
            balance_warnings(
                opening=current.opening, closing=current.closing, booked=current.booked, label=label
            )
        ),
    )


def _identified(entry: Entry, ids: EntryIds) -> Entry:
    return replace(
        entry,
        id=ids.from_reference(entry.bank_reference)
        if entry.bank_reference and entry.bank_reference != "NONREF"
        else ids.from_content(
            booking_date=entry.booking_date,
            value_date=entry.value_date,
            amount=entry.amount,
            text=entry.text or entry.info,
        ),
    )
