"""ISO 20022 camt.053 (statement), camt.052 (intraday report), camt.054 (notification).

Every version (001.02 to 001.13): the namespace gives the message, and the elements read
here kept their names across versions; where they moved (``Sts`` became ``Sts/Cd`` in
001.08, parties got a ``Pty`` level, ``BIC`` became ``BICFI``) both forms are read.

The file is streamed (a pull parser fed 1 MB at a time): each ``Ntry`` is turned into
entries and dropped as soon as it is read, so memory follows the entries kept, not the XML
tree. DTDs, entities and external references are refused (defusedxml reads the prolog).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from relance.core.text import Text, gettext_noop

from . import camt_entry
from .ids import EntryIds, balance_warnings
from .model import Balance, Entry, Limits, Statement, StatementError, StatementFile
from .xmltext import amount, day, first, text, when

_MESSAGE = re.compile(r"camt\.05[234]\.\d{3}\.\d{2}")
_BLOCKS = {"Stmt", "Rpt", "Ntfctn"}
_CHUNK = 1 << 20
_BLOCK_OF = {"camt.052": "Rpt", "camt.053": "Stmt", "camt.054": "Ntfctn"}
_OPENING = ("OPBD", "PRCD", "OPAV")
_CLOSING = ("CLBD", "ITBD", "CLAV")


def message_name(head: bytes) -> str:
    found = _MESSAGE.search(head.decode("latin-1"))
    return found.group(0) if found else ""


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    result = StatementFile(format=message_name(data[:4096]) or "camt")
    try:
        _vet_prolog(data)
        block = _BLOCK_OF.get(result.format[:8], "Stmt")
        for statement in _statements(data, limits=limits, block=block, message=result.format):
            result.statements.append(statement)
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise StatementError(
            gettext_noop("XML illisible ou tronqué (%(exc)s)"), line=line, exc=str(exc)
        ) from None
    except DefusedXmlException:
        raise StatementError(
            gettext_noop(
                "le fichier déclare une DTD ou des entités XML : refusé par sécurité (un relevé "
                "camt n'en contient jamais)"
            )
        ) from None
    if not result.statements:
        raise StatementError(
            gettext_noop("aucun relevé (Stmt, Rpt ou Ntfctn) dans ce fichier camt")
        )
    return result


class _RootSeen(Exception):
    pass


class _StopAtRoot:
    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise _RootSeen


def _vet_prolog(data: bytes) -> None:
    """defusedxml reads the prolog: a DTD (the only place entities can be declared) is refused.

    Only the prolog can declare entities, so once the root element starts, the rest is read
    by the standard library's C parser, ten times faster than defusedxml's Python one.
    """
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    try:
        for start in range(0, len(data), 4096):
            parser.feed(data[start : start + 4096])
    except _RootSeen:
        return


def _elements(data: bytes) -> Iterator[Element]:
    """Every element as it ends; the standard library's C parser, fed 1 MB at a time."""
    parser = XMLPullParser(events=("end",))
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        parser.feed(view[start : start + _CHUNK])
        yield from _ended(parser)
    parser.close()
    yield from _ended(parser)


def _ended(parser: XMLPullParser) -> Iterator[Element]:
    # Only "end" events were asked for: each carries its element.
    for _, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
        yield element


def _statements(data: bytes, *, limits: Limits, block: str, message: str) -> Iterator[Statement]:
    # "end" events only: children end before their parent. Tags keep their namespace
    # (``{urn:...}Ntry``); it is cut once, by length, where tags are read.
    pending: list[Entry] = []
    booked: list[Decimal] = []
    ids: EntryIds | None = None
    total = blocks = rank = 0
    cut = -1
    ntry = acct = ""
    for element in _elements(data):
        tag = element.tag
        if cut < 0:
            cut = tag.index("}") + 1 if tag.startswith("{") else 0
            ntry, acct = tag[:cut] + "Ntry", tag[:cut] + "Acct"
        # Most elements are none of these: whole tags compared, nothing sliced.
        if tag == ntry:
            rank += 1
            where = f"{block}[{blocks + 1}]/Ntry[{rank}]"
            found, booked_amount = camt_entry.entries(
                element, cut=cut, ids=ids or EntryIds("?"), where=where
            )
            total += len(found)
            if total > limits.max_entries:
                raise StatementError(
                    gettext_noop(
                        "plus de %(max_entries)s opérations : découpez le relevé en plusieurs "
                        "fichiers"
                    ),
                    path=where,
                    max_entries=str(limits.max_entries),
                )
            pending.extend(found)
            if booked_amount is not None:
                booked.append(booked_amount)
            element.clear()  # what is read is dropped: memory follows the entries kept
        elif tag == acct and ids is None:
            # The statement's own account comes before its entries.
            _strip(element, cut)
            ids = EntryIds(first(element, "Id/IBAN", "Id/Othr/Id") or "?")
        elif tag[cut:] in _BLOCKS:
            name = tag[cut:]
            blocks += 1
            _strip(element, cut)  # its entries are cleared: what is left is small
            yield _statement(
                element,
                message=message,
                entries=pending,
                booked=booked,
                where=f"{name}[{blocks}]",
            )
            pending, booked, ids, rank = [], [], None, 0
            element.clear()


def _strip(element: Element, cut: int) -> None:
    for item in element.iter():
        if item.tag.startswith("{"):
            item.tag = item.tag[cut:]


def _account(block: Element) -> str:
    return first(block, "Acct/Id/IBAN", "Acct/Id/Othr/Id") or "?"


def _balances(block: Element, *, where: str) -> dict[str, Balance]:
    found: dict[str, Balance] = {}
    for balance in block.findall("Bal"):
        code = first(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
        value = amount(text(balance, "Amt"), where=f"{where}/Bal/Amt")
        if text(balance, "CdtDbtInd") == "DBIT":
            value = -value
        found.setdefault(code, Balance(value, when(balance.find("Dt"), where=f"{where}/Bal/Dt")))
    return found


def _statement(
    block: Element, *, message: str, entries: list[Entry], booked: list[Decimal], where: str
) -> Statement:
    balances = _balances(block, where=where)
    opening = next((balances[code] for code in _OPENING if code in balances), None)
    closing = next((balances[code] for code in _CLOSING if code in balances), None)
    statement_id = text(block, "Id")
    account = _account(block)
    return Statement(
        format=message,
        account=account,
        currency=text(block, "Acct/Ccy") or (entries[0].currency if entries else ""),
        entries=tuple(entries),
        bank_id=first(block, "Acct/Svcr/FinInstnId/BICFI", "Acct/Svcr/FinInstnId/BIC"),
        statement_id=statement_id,
        sequence=first(block, "ElctrncSeqNb", "LglSeqNb"),
        period_start=day(text(block, "FrToDt/FrDtTm"), where=f"{where}/FrToDt"),
        period_end=day(text(block, "FrToDt/ToDtTm"), where=f"{where}/FrToDt"),
        opening=opening,
        closing=closing,
        warnings=tuple(
            balance_warnings(
                opening=opening,
                closing=closing,
                booked=booked,
                label=Text(gettext_noop("relevé %(id)s"), {"id": statement_id or account}),
            )
        ),
    )
