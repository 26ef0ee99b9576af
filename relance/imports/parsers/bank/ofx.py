"""OFX bank and card statements: 1.x (SGML, leaf tags often left open) and 2.x (XML).

Read with a tolerant tokenizer rather than an XML parser: French banks' 1.x exports close
some leaf tags and not others, leave values empty and write in Windows-1252. Aggregates
(``STMTRS``, ``STMTTRN``, ``LEDGERBAL``...) are always closed, and only they are tracked.
(``ofxtools``, strict to the specification, refuses four of the five real sample files in
the tests: empty required values, a bank id longer than 9, blank lines before the header.)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from relance.core.text import gettext_noop

from .ids import EntryIds
from .model import Balance, Entry, Limits, Statement, StatementError, StatementFile
from .textfile import amount, decode

_TAG = re.compile(r"<(/?)([A-Za-z0-9._]+)>([^<]*)")
_CHARSET = re.compile(rb"CHARSET:\s*(\w+)|encoding=[\"']([\w-]+)")
_STATEMENTS = {"STMTRS", "CCSTMTRS"}
_SECTIONS = {"LEDGERBAL", "AVAILBAL", "CURRENCY", "ORIGCURRENCY", "PAYEE"}


@dataclass(slots=True)
class _Open:
    fields: dict[str, str] = field(default_factory=dict)
    transactions: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _charset(data: bytes) -> str:
    found = _CHARSET.search(data[:2048])
    if not found:
        return ""
    name = (found.group(1) or found.group(2)).decode()
    return {"1252": "cp1252", "8859-1": "latin-1", "NONE": ""}.get(name.upper(), name)


def _date(raw: str, *, line: int | None) -> date | None:
    digits = raw.strip()[:8]
    if not digits:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise StatementError(
            gettext_noop("date impossible « %(raw)s » (attendu AAAAMMJJ)"),
            line=line,
            raw=str(raw.strip()[:20]),
        ) from None


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    text = decode(data, _charset(data))
    result = StatementFile(format="ofx")
    current: _Open | None = None
    transaction: dict[str, str] | None = None
    section = ""
    count = 0
    for match in _TAG.finditer(text):
        closing, tag, value = match.group(1), match.group(2).upper(), match.group(3).strip()
        if tag in _STATEMENTS:
            if closing and current is not None:
                result.statements.append(_statement(current, text=text))
            current = None if closing else _Open()
        elif current is None:
            continue
        elif tag == "STMTTRN":
            if closing:
                transaction = None
                continue
            count += 1
            if count > limits.max_entries:
                raise StatementError(
                    gettext_noop("plus de %(max_entries)s opérations : découpez le relevé"),
                    line=_line(text, match.start()),
                    max_entries=str(limits.max_entries),
                )
            transaction = {}
            current.transactions.append((match.start(), transaction))
        elif tag in _SECTIONS:
            section = "" if closing else tag
        elif not closing and value:
            if "&" in value:  # OFX 2 is XML, and OFX 1 writes &amp; too
                value = html.unescape(value)
            key = f"{section}.{tag}" if section else tag
            (transaction if transaction is not None else current.fields).setdefault(key, value)
    if current is not None:
        raise StatementError(
            gettext_noop("relevé OFX non terminé (</STMTRS> manquant) : le fichier semble tronqué"),
            line=text.count("\n") + 1,
        )
    if not result.statements:
        raise StatementError(
            gettext_noop(
                "aucun relevé de compte (STMTRS ou CCSTMTRS) dans ce fichier OFX : exportez le "
                "relevé du compte bancaire"
            )
        )
    return result


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _statement(current: _Open, *, text: str) -> Statement:
    fields = current.fields
    account = (
        " ".join(fields[key] for key in ("BANKID", "BRANCHID", "ACCTID") if fields.get(key)) or "?"
    )
    currency = fields.get("CURDEF", "")
    ids = EntryIds(account)
    entries = tuple(
        _entry(tx, ids=ids, currency=currency, line=_line(text, position))
        for position, tx in current.transactions
    )
    balance = fields.get("LEDGERBAL.BALAMT")
    return Statement(
        format="ofx",
        account=account,
        currency=currency or (entries[0].currency if entries else ""),
        entries=entries,
        bank_id=fields.get("BANKID", ""),
        statement_id=fields.get("TRNUID", ""),
        period_start=_date(fields.get("DTSTART", ""), line=None),
        period_end=_date(fields.get("DTEND", ""), line=None),
        closing=Balance(
            amount(balance, line=None), _date(fields.get("LEDGERBAL.DTASOF", ""), line=None)
        )
        if balance
        else None,
    )


def _entry(tx: dict[str, str], *, ids: EntryIds, currency: str, line: int) -> Entry:
    if "TRNAMT" not in tx:
        raise StatementError(gettext_noop("opération sans montant (TRNAMT)"), line=line)
    value = amount(tx["TRNAMT"], line=line)
    posted = _date(tx.get("DTPOSTED", ""), line=line)
    label = " ".join(part for part in (tx.get("NAME", ""), tx.get("MEMO", "")) if part)
    fitid = tx.get("FITID", "")
    return Entry(
        id=ids.from_reference(fitid)
        if fitid
        else ids.from_content(booking_date=posted, value_date=None, amount=value, text=label),
        booking_date=posted,
        value_date=_date(tx.get("DTAVAIL", "") or tx.get("DTUSER", ""), line=line),
        amount=value,
        currency=tx.get("CURRENCY.CURSYM") or tx.get("ORIGCURRENCY.CURSYM") or currency,
        counterparty_name=tx.get("PAYEE.NAME", ""),
        text=label,
        info=" ".join(f"{key} {tx[key]}" for key in ("CHECKNUM", "REFNUM") if tx.get(key)),
        bank_code=tx.get("TRNTYPE", "").upper(),
        bank_reference=fitid,
        line=line,
    )
