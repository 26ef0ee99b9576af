"""QIF (Quicken Interchange Format), bank accounts only.

A QIF file writes dates without saying their order (``3/4/13``): the whole file decides.
A day above 12 in the first place means day first; in the second place, month first; when
no date tells, day first (as French and Belgian software write them) and a warning says so.
Sections other than ``!Type:Bank`` (categories, investments...) are skipped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from relance.core.text import Text, gettext_noop

from .ids import EntryIds
from .model import Balance, Entry, Limits, Statement, StatementError, StatementFile
from .textfile import amount, decode

_DATE = re.compile(r"(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*(?:[/.\-']\s*(\d{1,4}))?")
_BANK = {"!type:bank", "!type:cash", "!type:ccard"}


@dataclass(slots=True)
class _Record:
    line: int
    fields: dict[str, str] = field(default_factory=dict)


def _records(text: str) -> tuple[list[_Record], list[str], str]:
    """Bank records, names of the skipped sections, and the account name when given."""
    records: list[_Record] = []
    skipped: list[str] = []
    account = ""
    section = ""
    current: _Record | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            section = line.lower()
            if section.startswith("!type:") and section not in _BANK:
                skipped.append(line)
            continue
        if section == "!account" and line[0] == "N" and not account:
            account = line[1:].strip()
        if section not in _BANK:
            continue
        if line == "^":
            if current is not None:
                records.append(current)
            current = None
            continue
        current = current or _Record(number)
        # Split lines (S, E, $) detail the total T: the total is what the bank booked.
        current.fields.setdefault(line[0], line[1:].strip())
    if current is not None:
        raise StatementError(
            gettext_noop("dernière opération sans « ^ » final : le fichier semble tronqué"),
            line=current.line,
        )
    return records, skipped, account


def _parts(record: _Record) -> tuple[int, int, int]:
    raw = record.fields.get("D", "")
    found = _DATE.fullmatch(raw.replace("'", "/").replace(" ", "")) if raw else None
    if found is None or found.group(3) is None:
        raise StatementError(
            gettext_noop("date illisible « %(raw)s »"), line=record.line, raw=str(raw)
        )
    first, second, year = (int(part) for part in found.groups())
    if len(found.group(1)) == 4:  # 2020-02-14: year first, no doubt
        return year, second, first
    return first, second, year


def _day_first(records: list[_Record]) -> tuple[bool, list[Text]]:
    parts = [_parts(record) for record in records]
    first_big = any(first > 12 for first, _, _ in parts)
    second_big = any(second > 12 for _, second, _ in parts)
    if first_big and second_big:
        raise StatementError(
            gettext_noop(
                "dates incohérentes : certaines sont écrites jour/mois, d'autres mois/jour ; "
                "exportez de nouveau le fichier avec un format de date unique"
            )
        )
    if first_big or second_big:
        return first_big, []
    return True, [
        Text(
            gettext_noop(
                "ordre des dates indécidable (aucun jour au-dessus de 12) : lues "
                "jour/mois/année ; vérifiez les dates des opérations"
            )
        )
    ]


def _date(record: _Record, *, day_first: bool) -> date:
    first, second, year = _parts(record)
    day, month = (first, second) if day_first else (second, first)
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        raise StatementError(
            gettext_noop("date impossible « %(fields)s »"),
            line=record.line,
            fields=str(record.fields["D"]),
        ) from None


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    records, skipped, account = _records(decode(data))
    if not records:
        raise StatementError(
            gettext_noop("aucune opération bancaire (section !Type:Bank) dans ce fichier QIF")
        )
    if len(records) > limits.max_entries:
        raise StatementError(
            gettext_noop("plus de %(max_entries)s opérations : découpez le relevé"),
            max_entries=str(limits.max_entries),
        )
    day_first, warnings = _day_first(records)
    if skipped:
        warnings.append(
            Text(
                gettext_noop(
                    "sections ignorées (seuls les comptes bancaires sont lus) : %(names)s"
                ),
                {"names": ", ".join(skipped)},
            )
        )
    account = account or "QIF"
    ids = EntryIds(account)
    opening: Balance | None = None
    entries: list[Entry] = []
    for record in records:
        if "T" not in record.fields and "U" not in record.fields:
            raise StatementError(gettext_noop("opération sans montant (ligne T)"), line=record.line)
        value = amount(record.fields.get("T") or record.fields["U"], line=record.line)
        booked = _date(record, day_first=day_first)
        payee = record.fields.get("P", "")
        # Quicken writes the opening balance as a first transaction to the account itself.
        if payee == "Opening Balance" and record.fields.get("L", "").startswith("["):
            opening = Balance(value, booked)
            continue
        text = " ".join(part for part in (payee, record.fields.get("M", "")) if part)
        entries.append(
            Entry(
                id=ids.from_content(booking_date=booked, value_date=None, amount=value, text=text),
                booking_date=booked,
                value_date=None,
                amount=value,
                currency="",
                counterparty_name=payee,
                text=text,
                info=f"N {record.fields['N']}" if record.fields.get("N") else "",
                line=record.line,
            )
        )
    statement = Statement(
        format="qif", account=account, currency="", entries=tuple(entries), opening=opening
    )
    return StatementFile(format="qif", statements=[statement], warnings=warnings)
