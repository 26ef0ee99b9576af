"""Bank movements that take back an earlier credit, and the credit each one takes back.

A reversal (camt ``RvslInd``, MT940 ``RC``, CODA and CFONB returned operations) or a SEPA
direct-debit return (an R-transaction with its reason code, e.g. ``MD06``) is a debit that
undoes a credit. Its original is looked for among the credits already imported and those
earlier in the same file: by the end-to-end id, else (for a movement the bank flags as a
reversal or return) by the same structured reference. The original must have the same amount
and not be taken back already; exactly one must fit. A plain debit is tied to a credit only
by its end-to-end id, and stays a plain debit otherwise.

The payment the original recorded is then reversed, a suggestion it left is withdrawn. A
flagged movement whose original is unknown, of another amount, ambiguous or already taken
back waits on the reconciliation page as "to check", with that reason. Each movement is
imported once (its stable id), and an original is taken back once: importing the same
reversal twice, or overlapping statements, undoes once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from relance.accounts.models import Organisation
from relance.core import matching
from relance.imports.models import BankEntry, BankEntryStatus
from relance.imports.parsers.bank import Entry

UNDONE = "reversal"
UNKNOWN = "reversal_unknown"
OTHER_AMOUNT = "reversal_amount"
AMBIGUOUS = "reversal_ambiguous"
ALREADY = "already_reversed"
# The reason given to a credit left suggested or unmatched, once the bank took it back.
WITHDRAWN = "reversed"
TO_CHECK_REASONS = (UNKNOWN, OTHER_AMOUNT, AMBIGUOUS, ALREADY)
WAITING = (BankEntryStatus.SUGGESTED, BankEntryStatus.UNMATCHED)
CHUNK = 500


def flagged(entry: Entry) -> bool:
    """A debit the bank says is a reversal or a return."""
    return entry.amount < 0 and (entry.reversal or bool(entry.return_reason))


def may_take_back(entry: Entry) -> bool:
    return entry.amount < 0 and (flagged(entry) or bool(entry.end_to_end_id))


@dataclass
class Original:
    """A credit that a later movement may take back."""

    entry_id: str  # as stored
    amount: Decimal
    end_to_end_id: str
    reference: str
    pk: int | None = None  # None: in this file, not written yet
    file_entry_id: str = ""  # in this file: its id in the statement model
    payment_id: int | None = None
    waiting: bool = False  # suggested or unmatched: nothing was paid
    taken: bool = False  # already taken back, or its payment reversed


@dataclass(frozen=True)
class TakeBack:
    """What a movement that may take back a credit does."""

    entry: Entry
    reason: str  # UNDONE, or one of TO_CHECK_REASONS
    original: Original | None = None


def originals_in_database(
    organisation: Organisation, candidates: Sequence[Entry]
) -> list[Original]:
    """The imported credits these movements may take back, by end-to-end id or reference."""
    ends = sorted({e.end_to_end_id[:100] for e in candidates if e.end_to_end_id})
    references = sorted({e.structured_reference[:64] for e in candidates
                         if flagged(e) and e.structured_reference})  # fmt: skip
    rows: dict[int, tuple[Any, ...]] = {}
    base = BankEntry.objects.filter(organisation=organisation, amount__gt=0)
    fields = ("id", "entry_id", "amount", "end_to_end_id", "reference", "payment_id", "status",
              "payment__reversed_on")  # fmt: skip
    for lookup, values in (("end_to_end_id", ends), ("reference", references)):
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            found = base.filter(**{f"{lookup}__in": chunk}).values_list(*fields)
            rows.update((row[0], row) for row in found)
    ids = sorted(rows)
    taken: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        taken.update(
            BankEntry.objects.filter(reverses_id__in=ids[start : start + CHUNK]).values_list(
                "reverses_id", flat=True
            )
        )
    return [
        Original(
            entry_id=str(entry_id),
            amount=Decimal(str(amount)),
            end_to_end_id=str(end),
            reference=str(reference),
            pk=pk,
            payment_id=payment_id if isinstance(payment_id, int) else None,
            waiting=status in WAITING,
            taken=pk in taken or reversed_on is not None,
        )
        for pk, entry_id, amount, end, reference, payment_id, status, reversed_on in rows.values()
    ]


def take_backs(
    entries: Iterable[Entry], originals: Iterable[Original], stored_id: Callable[[str], str]
) -> dict[str, TakeBack]:
    """Entry id -> what it does, for each movement of ``entries`` (in file order) that takes
    back a credit or is flagged as doing so; ``originals`` are the stored credits first, then
    the credits of this file, in file order, each added when it is reached."""
    by_end: dict[str, list[Original]] = {}
    by_reference: dict[str, list[Original]] = {}
    for original in originals:
        _index(original, by_end, by_reference)
    decided: dict[str, TakeBack] = {}
    for entry in entries:
        if entry.amount > 0:
            _index(_in_file(entry, stored_id), by_end, by_reference)
            continue
        if not may_take_back(entry):
            continue
        found = _take_back(entry, by_end, by_reference)
        if found is not None:
            decided[entry.id] = found
    return decided


def _in_file(entry: Entry, stored_id: Callable[[str], str]) -> Original:
    return Original(
        entry_id=stored_id(entry.id), amount=entry.amount,
        end_to_end_id=entry.end_to_end_id[:100], reference=entry.structured_reference[:64],
        file_entry_id=entry.id,
    )  # fmt: skip


def _index(
    original: Original,
    by_end: dict[str, list[Original]],
    by_reference: dict[str, list[Original]],
) -> None:
    if original.end_to_end_id:
        by_end.setdefault(original.end_to_end_id, []).append(original)
    if original.reference:
        by_reference.setdefault(matching.reference_key(original.reference), []).append(original)


def _take_back(
    entry: Entry,
    by_end: dict[str, list[Original]],
    by_reference: dict[str, list[Original]],
) -> TakeBack | None:
    candidates = by_end.get(entry.end_to_end_id[:100], []) if entry.end_to_end_id else []
    if not candidates and flagged(entry) and entry.structured_reference:
        key = matching.reference_key(entry.structured_reference[:64])
        candidates = by_reference.get(key, [])
    fits = [c for c in candidates if c.amount == -entry.amount]
    free = [c for c in fits if not c.taken]
    if len(free) == 1:
        free[0].taken = True  # a later movement of the file cannot take it back again
        return TakeBack(entry, UNDONE, free[0])
    if not flagged(entry):
        return None  # a plain debit: only an exact tie makes it a take-back
    if free:
        return TakeBack(entry, AMBIGUOUS)
    if fits:
        return TakeBack(entry, ALREADY, fits[0])
    return TakeBack(entry, OTHER_AMOUNT if candidates else UNKNOWN)
