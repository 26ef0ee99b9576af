"""One camt ``Ntry`` -> entries: one per transaction detail when the bank gives amounts.

Each element is first flattened into ``{"RltdPties/Dbtr/Nm": "ACME", ...}`` (first value
of each path; remittance lines joined): one walk of the tree instead of a search per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element

from relance.core.text import gettext_noop

from . import references
from .ids import EntryIds
from .model import Entry, StatementError, Status
from .xmltext import amount, day

Flat = dict[str, str]
# Repeated elements whose every line matters: the remittance text is all of them, joined.
_REPEATED = {"Ustrd", "AddtlRmtInf", "AddtlTxInf", "AddtlNtryInf"}
# Parts never read: skipped whole. NtryDtls: its details are flattened one by one.
_SKIPPED = {
    "NtryDtls",
    "PstlAdr",
    "Chrgs",
    "RltdDts",
    "RltdPric",
    "RltdQties",
    "Tax",
    "Intrst",
    "CardTx",
    "CcyXchg",
    "CntrValAmt",
    "AnnncdPstngAmt",
    "PrtryAmt",
    "TechInptChanl",
    "SplmtryData",
    "Purp",
}


def flatten(element: Element, cut: int, prefix: str = "", out: Flat | None = None) -> Flat:
    """``cut``: the length of the namespace (``{urn:...}``) to drop from each tag."""
    out = {} if out is None else out
    for child in element:
        tag = child.tag[cut:]
        key = prefix + tag
        if len(child):
            if tag not in _SKIPPED:
                flatten(child, cut, key + "/", out)
            continue
        # Inner whitespace is left to the few text fields that get it (``_clean``).
        value = child.text.strip() if child.text else ""
        if tag == "Amt":
            out.setdefault(key + "@Ccy", child.get("Ccy", ""))
        if not value:
            continue
        if key not in out:
            out[key] = value
        elif tag in _REPEATED:
            out[key] += " " + value
    return out


def _clean(text: str) -> str:
    return " ".join(text.split())


def _first(flat: Flat, *keys: str) -> str:
    for key in keys:
        value = flat.get(key)
        if value:
            return value
    return ""


def _signed(flat: Flat, *, default: int, where: str) -> tuple[Decimal, str] | None:
    """The amount of an entry or a transaction detail, signed, with its currency."""
    for key in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        if key in flat:
            value = amount(flat[key], where=f"{where}/{key}")
            sign = {"CRDT": 1, "DBIT": -1}.get(flat.get("CdtDbtInd", ""), default)
            return sign * value, flat.get(key + "@Ccy", "")
    return None


def _date(flat: Flat, name: str, where: str) -> date | None:
    return day(_first(flat, f"{name}/Dt", f"{name}/DtTm"), where=f"{where}/{name}")


def _bank_code(flat: Flat) -> str:
    parts = [flat.get(f"BkTxCd/Domn/{key}", "") for key in ("Cd", "Fmly/Cd", "Fmly/SubFmlyCd")]
    return "/".join(part for part in parts if part) or flat.get("BkTxCd/Prtry/Cd", "")


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


def _party_keys(party: str, other: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    names = tuple(
        f"RltdPties/{side}/{level}Nm" for side in (party, other) for level in ("", "Pty/")
    )
    accounts = (f"RltdPties/{party}Acct/Id/IBAN", f"RltdPties/{party}Acct/Id/Othr/Id")
    agents = (f"RltdAgts/{party}Agt/FinInstnId/BICFI", f"RltdAgts/{party}Agt/FinInstnId/BIC")
    return names, accounts, agents


# The counterparty of money in is the debtor; of a reversed debit, still the creditor.
_PAYER = _party_keys("Dbtr", "Cdtr")
_PAYEE = _party_keys("Cdtr", "Dbtr")


def _details(tx: Flat, *, original_credit: bool) -> _Tx:
    names, accounts, agents = _PAYER if original_credit else _PAYEE
    remittance = _clean(
        " ".join(
            part for part in (tx.get("RmtInf/Ustrd"), tx.get("RmtInf/Strd/AddtlRmtInf")) if part
        )
    )
    structured = tx.get("RmtInf/Strd/CdtrRefInf/Ref", "")
    end_to_end = tx.get("Refs/EndToEndId", "")
    return _Tx(
        counterparty_name=_clean(_first(tx, *names)),
        counterparty_iban=_first(tx, *accounts),
        counterparty_bic=_first(tx, *agents),
        structured_reference=(
            references.normalise(structured) if structured else references.find(remittance)
        ),
        text=remittance,
        info=_clean(tx.get("AddtlTxInf", "")),
        return_reason=_first(tx, "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry"),
        end_to_end_id="" if end_to_end == "NOTPROVIDED" else end_to_end,
        reference=tx.get("Refs/AcctSvcrRef", ""),
    )


def _merged(details: list[_Tx], info: str) -> _Tx:
    """One entry for the details of a booking whose amounts the bank did not give."""
    if len(details) == 1 and (not info or info == details[0].info):
        return details[0]  # the common case: one detail, nothing to merge
    one = details[0] if len(details) == 1 else _Tx()
    # dict.fromkeys: banks often repeat the entry's text in its only detail.
    texts = dict.fromkeys(d.text for d in details if d.text)
    infos = dict.fromkeys(value for value in (*(d.info for d in details), info) if value)
    return _Tx(
        counterparty_name=one.counterparty_name,
        counterparty_iban=one.counterparty_iban,
        counterparty_bic=one.counterparty_bic,
        structured_reference=next(
            (d.structured_reference for d in details if d.structured_reference), ""
        ),
        text=" ".join(texts),
        info=" ".join(infos),
        return_reason=next((d.return_reason for d in details if d.return_reason), ""),
        end_to_end_id=one.end_to_end_id,
        reference=one.reference,
    )


def _entry(common: dict[str, object], tx: _Tx, **own: object) -> Entry:
    return Entry(
        counterparty_name=tx.counterparty_name,
        counterparty_iban=tx.counterparty_iban,
        counterparty_bic=tx.counterparty_bic,
        structured_reference=tx.structured_reference,
        text=tx.text,
        info=tx.info,
        return_reason=tx.return_reason,
        end_to_end_id=tx.end_to_end_id,
        **(common | own),  # type: ignore[arg-type]
    )


def entries(
    element: Element, *, cut: int, ids: EntryIds, where: str
) -> tuple[list[Entry], Decimal | None]:
    """The entries of one ``Ntry`` and the amount it adds to the booked balance."""
    flat = flatten(element, cut)
    if flat.get("CdtDbtInd") not in ("CRDT", "DBIT"):
        raise StatementError(
            gettext_noop("sens de l'opération (CdtDbtInd) absent ou inconnu"), path=where
        )
    signed = _signed(flat, default=1, where=where)
    if signed is None:
        raise StatementError(gettext_noop("opération sans montant (Amt)"), path=where)
    value, currency = signed
    reversal = flat.get("RvslInd", "").lower() in ("true", "1")
    original_credit = (value > 0) != reversal
    batched = False
    txs: list[Flat] = []
    for block in element:
        if block.tag[cut:] == "NtryDtls":
            for item in block:
                batched = batched or item.tag[cut:] == "Btch"
                if item.tag[cut:] == "TxDtls":
                    txs.append(flatten(item, cut))
    details = [_details(tx, original_credit=original_credit) for tx in txs]
    booking = _date(flat, "BookgDt", where)
    valued = _date(flat, "ValDt", where)
    status: Status = "booked" if _first(flat, "Sts/Cd", "Sts") in ("BOOK", "") else "pending"
    merged = _merged(details, _clean(flat.get("AddtlNtryInf", "")))
    reference = _first(flat, "AcctSvcrRef", "NtryRef") or merged.reference
    entry_id = (
        ids.from_reference(reference)
        if reference
        else ids.from_content(
            booking_date=booking, value_date=valued, amount=value, text=merged.text or merged.info
        )
    )
    common: dict[str, object] = {
        "id": entry_id,
        "booking_date": booking,
        "value_date": valued,
        "amount": value,
        "currency": currency,
        "status": status,
        "reversal": reversal,
        "bank_code": _bank_code(flat),
        "bank_reference": reference,
    }
    booked = value if status == "booked" else None
    amounts = [_signed(tx, default=1 if value > 0 else -1, where=where) for tx in txs]
    if len(txs) > 1 and all(amounts):
        return [
            _entry(
                common,
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
    return [_entry(common, merged, batch_id=entry_id if batched else "")], booked
