"""Small readers over an ``ElementTree`` element whose tags were stripped of namespaces."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from relance.core.text import gettext_noop

from .model import StatementError

_AMOUNT = re.compile(r"-?\d{1,18}(?:\.\d{1,10})?")


def text(element: Element | None, path: str = "") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


def first(element: Element | None, *paths: str) -> str:
    for path in paths:
        value = text(element, path)
        if value:
            return value
    return ""


def amount(raw: str, *, where: str) -> Decimal:
    if not _AMOUNT.fullmatch(raw):
        raise StatementError(
            gettext_noop("montant illisible « %(raw)s »"), path=where, raw=str(raw[:40])
        )
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees it
        raise StatementError(
            gettext_noop("montant illisible « %(raw)s »"), path=where, raw=str(raw[:40])
        ) from None


def day(raw: str, *, where: str) -> date | None:
    """``Dt`` or ``DtTm`` (the date part, as the bank wrote it; its offset is the bank's)."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise StatementError(
            gettext_noop("date impossible « %(raw)s » (attendu AAAA-MM-JJ)"),
            path=where,
            raw=str(raw[:40]),
        ) from None


def when(element: Element | None, *, where: str) -> date | None:
    """A ``<X><Dt>..</Dt></X>`` or ``<X><DtTm>..</DtTm></X>`` choice."""
    return day(first(element, "Dt", "DtTm"), where=where)
