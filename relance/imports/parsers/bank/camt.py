"""ISO 20022 camt.053 (statement), camt.052 (intraday report), camt.054 (notification).

Every version (001.02 to 001.13): the namespace gives the message, and the elements read
here kept their names across versions; where they moved (``Sts`` became ``Sts/Cd`` in
001.08, parties got a ``Pty`` level, ``BIC`` became ``BICFI``) both forms are read.

The file is streamed (``iterparse``): each ``Ntry`` is turned into entries and dropped as
soon as it is read, so memory follows the number of entries kept, not the XML tree.
DTDs, entities and external references are refused (defusedxml).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from . import references
from .ids import EntryIds, balance_warnings
from .model import Balance, Entry, Limits, Statement, StatementError, StatementFile, Status
from .xmltext import amount, day, first, text, when

_MESSAGE = re.compile(r"camt\.05[234]\.\d{3}\.\d{2}")
_BLOCKS = {"Stmt", "Rpt", "Ntfctn"}
_OPENING = ("OPBD", "PRCD", "OPAV")
_CLOSING = ("CLBD", "ITBD", "CLAV")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def message_name(head: bytes) -> str:
    found = _MESSAGE.search(head.decode("latin-1"))
    return found.group(0) if found else ""


def parse(data: bytes, *, limits: Limits) -> StatementFile:
    result = StatementFile(format=message_name(data[:4096]) or "camt")
    count = 0
    try:
        for statement in _statements(io.BytesIO(data), limits=limits):
            count += len(statement.entries)
            result.statements.append(statement)
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise StatementError(
            f"XML illisible ou tronqué ({exc.msg if hasattr(exc, 'msg') else exc})", line=line
        ) from None
    except DefusedXmlException:
        raise StatementError(
            "le fichier déclare une DTD ou des entités XML : refusé par sécurité "
            "(un relevé camt n'en contient jamais)"
        ) from None
    if not result.statements:
        raise StatementError("aucun relevé (Stmt, Rpt ou Ntfctn) dans ce fichier camt")
    return result


def _statements(source: io.BytesIO, *, limits: Limits) -> Iterator[Statement]:
    stack: list[Element] = []
    pending: list[Entry] = []
    booked: list[Decimal] = []
    ids: EntryIds | None = None
    total = 0
    for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            element.tag = _local(element.tag)
            stack.append(element)
            continue
        stack.pop()
        where = "/".join(item.tag for item in stack) + "/" + element.tag
        if element.tag == "Ntry" and stack and stack[-1].tag in _BLOCKS:
            block = stack[-1]
            if ids is None:
                ids = EntryIds(_account(block))
            entries, booked_amount = _entry(element, ids=ids, where=where)
            total += len(entries)
            if total > limits.max_entries:
                raise StatementError(
                    f"plus de {limits.max_entries} opérations : découpez le relevé en "
                    "plusieurs fichiers",
                    path=where,
                )
            pending.extend(entries)
            if booked_amount is not None:
                booked.append(booked_amount)
            block.remove(element)
        elif element.tag in _BLOCKS:
            yield _statement(element, entries=pending, booked=booked, where=where)
            pending, booked, ids = [], [], None
            if stack:
                stack[-1].remove(element)


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
    block: Element, *, entries: list[Entry], booked: list[Decimal], where: str
) -> Statement:
    balances = _balances(block, where=where)
    opening = next((balances[code] for code in _OPENING if code in balances), None)
    closing = next((balances[code] for code in _CLOSING if code in balances), None)
    statement_id = text(block, "Id")
    account = _account(block)
    return Statement(
        format=block.tag,
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
                label=f"relevé {statement_id or account}",
            )
        ),
    )


def _signed(element: Element, *, default: int, where: str) -> tuple[Decimal, str] | None:
    """The amount of an entry or a transaction detail, signed, with its currency."""
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        found = element.find(path)
        if found is not None and found.text:
            value = amount(found.text.strip(), where=f"{where}/{path}")
            sign = {"CRDT": 1, "DBIT": -1}.get(text(element, "CdtDbtInd"), default)
            return sign * value, found.get("Ccy", "")
    return None


def _bank_code(element: Element) -> str:
    domain = element.find("BkTxCd/Domn")
    if domain is not None:
        parts = (text(domain, "Cd"), text(domain, "Fmly/Cd"), text(domain, "Fmly/SubFmlyCd"))
        return "/".join(part for part in parts if part)
    return text(element, "BkTxCd/Prtry/Cd")


def _joined(element: Element, *paths: str) -> str:
    return " ".join(
        " ".join(found.text.split())
        for path in paths
        for found in element.iterfind(path)
        if found.text and found.text.strip()
    )


@dataclass(frozen=True, slots=True)
class _Tx:
    """What a transaction detail says of the counterparty, references and remittance."""

    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    structured_reference: str = ""
    text: str = ""
    info: str = ""
    return_reason: str = ""
    end_to_end_id: str = ""
    reference: str = ""


def _details(tx: Element, *, original_credit: bool) -> _Tx:
    # The counterparty of money in is the debtor; of a reversed debit, still the creditor.
    party, other = ("Dbtr", "Cdtr") if original_credit else ("Cdtr", "Dbtr")
    names = [f"RltdPties/{side}/{level}Nm" for side in (party, other) for level in ("", "Pty/")]
    remittance = _joined(tx, "RmtInf/Ustrd", "RmtInf/Strd/AddtlRmtInf")
    structured = first(tx, "RmtInf/Strd/CdtrRefInf/Ref")
    end_to_end = text(tx, "Refs/EndToEndId")
    return _Tx(
        counterparty_name=first(tx, *names),
        counterparty_iban=first(
            tx, f"RltdPties/{party}Acct/Id/IBAN", f"RltdPties/{party}Acct/Id/Othr/Id"
        ),
        counterparty_bic=first(
            tx, f"RltdAgts/{party}Agt/FinInstnId/BICFI", f"RltdAgts/{party}Agt/FinInstnId/BIC"
        ),
        structured_reference=(
            references.normalise(structured) if structured else references.find(remittance)
        ),
        text=remittance,
        info=text(tx, "AddtlTxInf"),
        return_reason=first(tx, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry"),
        end_to_end_id="" if end_to_end == "NOTPROVIDED" else end_to_end,
        reference=text(tx, "Refs/AcctSvcrRef"),
    )


def _merged(details: list[_Tx], info: str) -> _Tx:
    """One entry for several details whose amounts the bank did not give."""

    def joined(values: Iterator[str]) -> str:
        # dict.fromkeys: banks often repeat the entry's text in its only detail.
        return " ".join(dict.fromkeys(value for value in values if value))

    return _Tx(
        counterparty_name=details[0].counterparty_name if len(details) == 1 else "",
        counterparty_iban=details[0].counterparty_iban if len(details) == 1 else "",
        counterparty_bic=details[0].counterparty_bic if len(details) == 1 else "",
        structured_reference=next(
            (d.structured_reference for d in details if d.structured_reference), ""
        ),
        text=joined(d.text for d in details),
        info=joined(iter([*(d.info for d in details), info])),
        return_reason=next((d.return_reason for d in details if d.return_reason), ""),
        end_to_end_id=details[0].end_to_end_id if len(details) == 1 else "",
        reference=details[0].reference if len(details) == 1 else "",
    )


def _entry(element: Element, *, ids: EntryIds, where: str) -> tuple[list[Entry], Decimal | None]:
    """The entries of one ``Ntry`` and the amount it adds to the booked balance."""
    if text(element, "CdtDbtInd") not in ("CRDT", "DBIT"):
        raise StatementError("sens de l'opération (CdtDbtInd) absent ou inconnu", path=where)
    signed = _signed(element, default=1, where=where)
    if signed is None:
        raise StatementError("opération sans montant (Amt)", path=where)
    value, currency = signed
    reversal = text(element, "RvslInd").lower() in ("true", "1")
    original_credit = (value > 0) != reversal
    txs = element.findall("NtryDtls/TxDtls")
    details = [_details(tx, original_credit=original_credit) for tx in txs]
    booking = when(element.find("BookgDt"), where=f"{where}/BookgDt")
    valued = when(element.find("ValDt"), where=f"{where}/ValDt")
    status: Status = "booked" if first(element, "Sts/Cd", "Sts") in ("BOOK", "") else "pending"
    merged = _merged(details, text(element, "AddtlNtryInf"))
    reference = first(element, "AcctSvcrRef", "NtryRef") or merged.reference
    entry_id = (
        ids.from_reference(reference)
        if reference
        else ids.from_content(
            booking_date=booking,
            value_date=valued,
            amount=value,
            text=merged.text or merged.info,
        )
    )
    base = Entry(
        id=entry_id,
        booking_date=booking,
        value_date=valued,
        amount=value,
        currency=currency,
        status=status,
        reversal=reversal,
        bank_code=_bank_code(element),
        bank_reference=reference,
        line=0,
    )
    booked = value if status == "booked" else None
    amounts = [_signed(tx, default=1 if value > 0 else -1, where=where) for tx in txs]
    if len(txs) > 1 and all(amounts):
        return [
            _with(
                base,
                tx,
                id=ids.from_reference(tx.reference) if tx.reference else f"{entry_id}/{rank}",
                amount=pair[0],
                currency=pair[1] or currency,
                batch_id=entry_id,
                bank_reference=tx.reference or reference,
            )
            for rank, (tx, pair) in enumerate(zip(details, amounts, strict=True))
            if pair is not None
        ], booked
    # A batch booking whose details the bank left out still says it is one.
    batch = entry_id if element.find("NtryDtls/Btch") is not None else ""
    return [_with(base, merged, batch_id=batch)], booked


def _with(entry: Entry, tx: _Tx, **changes: object) -> Entry:
    return replace(
        entry,
        counterparty_name=tx.counterparty_name,
        counterparty_iban=tx.counterparty_iban,
        counterparty_bic=tx.counterparty_bic,
        structured_reference=tx.structured_reference,
        text=tx.text,
        info=tx.info,
        return_reason=tx.return_reason,
        end_to_end_id=tx.end_to_end_id,
        **changes,  # type: ignore[arg-type]
    )
