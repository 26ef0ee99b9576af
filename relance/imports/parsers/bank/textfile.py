"""Shared helpers of the line-based formats: decoding and amounts typed by software."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core import money
from relance.core.text import Text, gettext_noop

from .model import StatementError


def decode(data: bytes, charset: str = "") -> str:
    """The declared charset when known, else UTF-8, else Windows-1252 (French exports)."""
    for encoding in (charset, "utf-8-sig", "cp1252"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def amount(raw: str, *, line: int | None) -> Decimal:
    text = raw.strip().lstrip("+")
    try:
        return money.parse_amount(text, lone_group="thousands")
    except money.AmountError as exc:
        raise StatementError(
            gettext_noop("montant illisible « %(raw)s » (%(exc)s)"),
            line=line,
            raw=str(raw.strip()[:40]),
            exc=exc.text,
        ) from None


def fixed_width_records(lines: list[str], width: int) -> list[tuple[int, str]]:
    """(line number, record) of a file of fixed-width records (CFONB, CODA), blank lines
    skipped; a record of another width means a truncated or edited file."""
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) != width:
            raise StatementError(
                gettext_noop(
                    "enregistrement de %(length)s caractères au lieu de %(width)s (fichier "
                    "tronqué ou modifié ?)"
                ),
                line=number,
                length=str(len(line)),
                width=str(width),
            )
        records.append((number, line))
    return records


def ddmmyy(raw: str, *, line: int, label: str) -> date:
    """A date written JJMMAA (CFONB, CODA): years 70 to 99 are the 1900s."""
    try:
        day, month, year = int(raw[:2]), int(raw[2:4]), int(raw[4:6])
        return date(2000 + year if year < 70 else 1900 + year, month, day)
    except ValueError:
        raise StatementError(
            gettext_noop("%(label)s impossible « %(raw)s » (attendu JJMMAA)"),
            line=line,
            label=Text(label),
            raw=str(raw),
        ) from None
