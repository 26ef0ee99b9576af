"""Importing a bank statement: movements matched to open invoices, sure ones paid.

The file is read whole (refused whole when it cannot be); movements already imported (same
stable id: the same statement again, or an overlapping one) are passed over, so that no
payment is ever recorded twice; a unique constraint guarantees it against two imports at
once. Every new movement is stored with its decision. Only sure matches become payments,
allocated as decided; a payer's IBAN seen in a sure match is learned for its customer.
Reversals and returns reverse the payment of the credit they take back
(``relance.imports.bank_reversals``). One transaction; a dry run writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.models import Organisation
from relance.core import matching
from relance.core.text import Text, gettext_noop
from relance.dunning.reminder_facts import paid_instalments, reminder_facts_refresh
from relance.imports import bank_reversals as reversals
from relance.imports.bank_report import BankImportReport, amount_text
from relance.imports.invoice_inserts import ALLOCATION_FIELDS, PAYMENT_COLUMNS
from relance.imports.limits import import_limits
from relance.imports.models import (
    BankEntry,
    BankEntryStatus,
    BatchStatus,
    ImportBatch,
    ImportKind,
    PayerIban,
)
from relance.imports.parsers.bank import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    Entry,
    StatementError,
    read_statements,
)
from relance.imports.selectors import matching_index, stored_entry_ids
from relance.imports.services import batch_start
from relance.ledger.balances import balances_day, customer_balances_refresh
from relance.ledger.models import Allocation, Payment
from relance.ledger.services import PaymentReversal, payments_reverse
from relance.lib import bulk
from relance.lib.text import translated

CENT = Decimal("0.01")
PAYMENT_METHOD = "virement"
REFERENCE_PREFIX = "banque:"
STATUS_OF = {
    "sure": BankEntryStatus.MATCHED,
    "likely": BankEntryStatus.SUGGESTED,
    "none": BankEntryStatus.UNMATCHED,
}
# Money going out, or coming back: nothing to match, kept for the record.
IGNORED_REASONS = {"debit", "reversal"}


def bank_statement_import(
    *,
    organisation: Organisation,
    data: bytes,
    filename: str,
    actor: Actor,
    dry_run: bool = False,
) -> BankImportReport:
    report = BankImportReport(filename=filename, status=BatchStatus.REJECTED)
    limits = import_limits(ImportKind.BANK_STATEMENT)
    try:
        # The import caps bound every import; a statement stays within its own caps too.
        parsed = read_statements(
            data,
            max_bytes=min(limits.file_bytes, DEFAULT_MAX_BYTES),
            max_entries=min(limits.rows, DEFAULT_MAX_ENTRIES),
        )
    except StatementError as exc:
        reason = translated(
            Text(gettext_noop("%(where)s : %(reason)s"), {"where": exc.path, "reason": exc.reason})
            if exc.path
            else exc.reason
        )
        report.rejected = [{"line": exc.line or 0, "reason": reason}]
        return report
    report.statements = len(parsed.statements)
    report.warnings = [*parsed.warnings, *(w for s in parsed.statements for w in s.warnings)]
    entries = [(s.account, e) for s in parsed.statements for e in s.entries]
    report.entries = len(entries)
    with transaction.atomic():
        # One import at a time per organisation: what is open must not change under us.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        booked, decisions, index, backs = _decide(organisation, entries, report)
        if dry_run:
            report.status = BatchStatus.DRY_RUN
            return report
        if not booked:
            report.status = BatchStatus.UNCHANGED
            return report
        batch = batch_start(organisation=organisation, kind=ImportKind.BANK_STATEMENT,
                            data=data, filename=filename, rows=len(entries),
                            actor=actor)  # fmt: skip
        try:
            # Only the writes get a large page cache: reading what is open once would fill
            # it with the whole ledger for nothing (hundreds of MB at a million invoices).
            with bulk.large_cache():
                report.payments = _write(organisation, booked, decisions, index, batch, actor)
                report.reversed = _take_back(organisation, booked, backs, batch, actor)
                _finish_batch(batch, report, actor)
                day = balances_day(organisation)
                customer_balances_refresh(organisation=organisation, as_of=day)
        except BaseException:
            default_storage.delete(batch.original.name)  # the transaction rolls back
            raise
    report.status = BatchStatus.COMMITTED
    report.batch_uuid = str(batch.uuid)
    return report


Backs = dict[str, reversals.TakeBack]


def _decide(
    organisation: Organisation, entries: Sequence[tuple[str, Entry]], report: BankImportReport
) -> tuple[list[tuple[str, Entry]], list[matching.Decision], matching.Index, Backs]:
    """The new booked movements, their decisions, the index they were made against and what
    the movements that take back a credit do; the report gets every new movement."""
    new = _new_entries(organisation, entries)
    report.already_imported = len(entries) - len(new)
    index = matching_index(organisation)
    booked = [(account, entry) for account, entry in new if entry.status == "booked"]
    decisions = matching.match_all([_credit(entry) for _, entry in booked], index)
    candidates = [entry for _, entry in booked if reversals.may_take_back(entry)]
    stored = reversals.originals_in_database(organisation, candidates) if candidates else []
    backs = reversals.take_backs((entry for _, entry in booked), stored, stored_id)
    for position, (_, entry) in enumerate(booked):
        back = backs.get(entry.id)
        if back is None:
            report.add(decisions[position], entry.amount, index)
            continue
        confidence: matching.Confidence = "sure" if back.reason == reversals.UNDONE else "none"
        decisions[position] = matching.Decision(entry.id, confidence, back.reason)
        report.add_take_back(entry.id, entry.amount, back.reason, entry.return_reason,
                             back.original.entry_id if back.original else None)  # fmt: skip
    for _, entry in new:
        if entry.status != "booked":  # comes back booked in a later statement
            report.add(matching.Decision(entry.id, "none", "pending"), entry.amount, index)
    return booked, decisions, index, backs


def stored_id(entry_id: str) -> str:
    """The entry id as stored: itself, or its digest when longer than the column."""
    if len(entry_id) <= 200:
        return entry_id
    return "sha256:" + hashlib.sha256(entry_id.encode()).hexdigest()


def payment_reference_of(entry_id: str) -> str:
    """The payment's reference, the same for the same movement whenever it is imported."""
    reference = REFERENCE_PREFIX + entry_id
    if len(reference) <= 100:
        return reference
    return REFERENCE_PREFIX + hashlib.sha256(entry_id.encode()).hexdigest()


def _new_entries(
    organisation: Organisation, entries: Sequence[tuple[str, Entry]]
) -> list[tuple[str, Entry]]:
    stored = stored_entry_ids(organisation, {stored_id(e.id) for _, e in entries})
    new: list[tuple[str, Entry]] = []
    for account, entry in entries:
        key = stored_id(entry.id)
        if key not in stored:
            stored.add(key)  # a movement given twice in one file counts once
            new.append((account, entry))
    return new


def _credit(entry: Entry) -> matching.Credit:
    return matching.Credit(
        id=entry.id,
        amount=entry.amount,
        currency=entry.currency,
        reversal=entry.reversal,
        counterparty_name=entry.counterparty_name,
        counterparty_iban=entry.counterparty_iban,
        structured_reference=entry.structured_reference,
        text=" ".join(part for part in (entry.text, entry.info) if part),
    )


def _write(
    organisation: Organisation,
    booked: Sequence[tuple[str, Entry]],
    decisions: Sequence[matching.Decision],
    index: matching.Index,
    batch: ImportBatch,
    actor: Actor,
) -> int:
    paid = [
        (entry, decision)
        for (_, entry), decision in zip(booked, decisions, strict=True)
        if decision.confidence == "sure" and decision.customer_id is not None
    ]
    payment_ids = _record_payments(organisation, paid, batch)
    _learn_ibans(organisation, paid, index)
    now = bulk.now_for_db()
    new_uuid = bulk.uuid_factory()
    bulk.insert_rows(
        BankEntry,
        BANK_ENTRY_FIELDS,
        (
            (
                new_uuid(),
                *_entry_row(organisation, account, entry, decision, payment_ids, batch, now),
            )
            for (account, entry), decision in zip(booked, decisions, strict=True)
        ),
    )
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="payment_record",
        entity_type="payment",
        changes=(
            (
                payment_reference_of(entry.id),
                None,
                {
                    "amount": amount_text(entry.amount),
                    "currency": entry.currency,
                    "reason": decision.reason,
                    "entry": entry.id,
                },
            )
            for entry, decision in paid
        ),
    )
    return len(paid)


BANK_ENTRY_FIELDS = (
    "uuid", "organisation_id", "entry_id", "account", "booking_date", "amount", "currency",
    "counterparty_name", "counterparty_iban", "reference", "text", "end_to_end_id",
    "return_reason", "status", "reason", "confidence", "customer_id", "allocations",
    "payment_id", "import_batch_id", "created_at",
)  # fmt: skip


def _entry_row(
    organisation: Organisation,
    account: str,
    entry: Entry,
    decision: matching.Decision,
    payment_ids: dict[str, int],
    batch: ImportBatch,
    now: Any,
) -> tuple[Any, ...]:
    status = STATUS_OF[decision.confidence]
    if decision.reason == reversals.UNDONE and decision.confidence == "sure":
        status = BankEntryStatus.REVERSAL
    elif decision.reason in reversals.TO_CHECK_REASONS:
        status = BankEntryStatus.TO_CHECK
    elif decision.reason in IGNORED_REASONS:
        status = BankEntryStatus.IGNORED
    allocations = [[item_id, str(amount)] for item_id, amount in decision.allocations]
    return (
        organisation.pk,
        stored_id(entry.id),
        account[:64],
        entry.booking_date or entry.value_date,
        entry.amount,
        entry.currency,
        entry.counterparty_name[:200],
        entry.counterparty_iban[:34],
        entry.structured_reference[:64],
        " ".join(part for part in (entry.text, entry.info) if part),
        entry.end_to_end_id[:100],
        entry.return_reason[:35],
        status,
        decision.reason,
        decision.confidence,
        decision.customer_id,
        json.dumps(allocations),
        payment_ids.get(entry.id),
        batch.pk,
        now,
    )


def _record_payments(
    organisation: Organisation,
    paid: Sequence[tuple[Entry, matching.Decision]],
    batch: ImportBatch,
) -> dict[str, int]:
    """Payments and their allocations, in bulk; entry id -> payment id."""
    new_uuid = bulk.uuid_factory()
    now = bulk.now_for_db()
    bulk.insert_rows(
        Payment,
        PAYMENT_COLUMNS,
        (
            (
                new_uuid(),
                organisation.pk,
                decision.customer_id,
                payment_reference_of(entry.id),
                _paid_on(entry),
                entry.currency,
                entry.amount.quantize(CENT, rounding=ROUND_HALF_UP),
                PAYMENT_METHOD,
                batch.pk,
                now,
            )
            for entry, decision in paid
        ),
    )
    by_reference = dict(Payment.objects.filter(import_batch=batch).values_list("reference", "id"))
    payment_ids = {entry.id: by_reference[payment_reference_of(entry.id)] for entry, _ in paid}
    bulk.insert_rows(
        Allocation,
        ALLOCATION_FIELDS,
        (
            (organisation.pk, item_id, payment_ids[entry.id], None, amount, _paid_on(entry))
            for entry, decision in paid
            for item_id, amount in decision.allocations
        ),
    )
    reminder_facts_refresh(
        instalment_ids={item_id for _, decision in paid for item_id, _ in decision.allocations}
    )
    return payment_ids


def _paid_on(entry: Entry) -> Any:
    return entry.booking_date or entry.value_date


def _learn_ibans(
    organisation: Organisation,
    paid: Sequence[tuple[Entry, matching.Decision]],
    index: matching.Index,
) -> None:
    payer_ibans_learn(
        organisation=organisation,
        pairs=[(e.counterparty_iban, d.customer_id) for e, d in paid if d.customer_id is not None],
        known=index.by_iban,
    )


def payer_ibans_learn(
    *,
    organisation: Organisation,
    pairs: Iterable[tuple[str, int]],
    known: dict[str, set[int]],
) -> None:
    """Remember each payer IBAN seen paying for a customer, unless ``known`` (IBAN -> customer
    ids, updated here) already has it: the import's sure matches and a person's
    reconciliation both teach relance who pays for whom."""
    learned: set[tuple[str, int]] = set()
    for raw, customer_id in pairs:
        iban = matching.reference_key(raw)
        if not iban or customer_id in known.get(iban, set()):
            continue
        learned.add((iban[:34], customer_id))
        known.setdefault(iban, set()).add(customer_id)
    now = timezone.now()
    PayerIban.objects.bulk_create(
        [
            PayerIban(organisation=organisation, customer_id=customer_id, iban=iban, learned_at=now)
            for iban, customer_id in sorted(learned)
        ],
        ignore_conflicts=True,  # learned meanwhile by another import or person: nothing to add
    )


def _take_back(
    organisation: Organisation,
    booked: Sequence[tuple[str, Entry]],
    backs: Backs,
    batch: ImportBatch,
    actor: Actor,
) -> int:
    """Tie each take-back to its original, reverse the payments, withdraw the suggestions;
    the movements are written already (this file's originals too). Returns the payments
    reversed."""
    undone = [back for back in backs.values() if back.reason == reversals.UNDONE]
    if not undone:
        return 0
    wanted = {stored_id(back.entry.id) for back in undone} | {
        back.original.entry_id for back in undone if back.original and back.original.pk is None
    }
    rows = BankEntry.objects.filter(organisation=organisation, import_batch=batch)
    pks = dict(rows.filter(entry_id__in=wanted).values_list("entry_id", "id")) if len(
        wanted) < 500 else dict(rows.values_list("entry_id", "id"))  # fmt: skip
    originals = BankEntry.objects.in_bulk(
        [back.original.pk or pks[back.original.entry_id] for back in undone if back.original]
    )
    links: list[tuple[int, int | None, int]] = []
    to_reverse: list[PaymentReversal] = []
    withdrawn: list[int] = []
    for back in undone:
        assert back.original is not None
        original = originals[back.original.pk or pks[back.original.entry_id]]
        links.append((original.pk, original.payment_id, pks[stored_id(back.entry.id)]))
        if original.payment_id is not None:
            reason = back.entry.return_reason or reversals.UNDONE
            to_reverse.append(PaymentReversal(original.payment_id, _paid_on(back.entry), reason))
        elif original.status in reversals.WAITING:
            withdrawn.append(original.pk)
    bulk.update_rows(BankEntry, ("reverses", "payment"), links)
    BankEntry.objects.filter(pk__in=withdrawn).update(
        status=BankEntryStatus.IGNORED, reason=reversals.WITHDRAWN
    )
    touched = paid_instalments(reversal.payment_id for reversal in to_reverse)
    reversed_ids = payments_reverse(organisation=organisation, reversals=to_reverse, actor=actor)
    reminder_facts_refresh(instalment_ids=touched)
    return len(reversed_ids)


def _finish_batch(batch: ImportBatch, report: BankImportReport, actor: Actor) -> None:
    batch.created = report.payments
    batch.unchanged = report.already_imported
    batch.finished_at = timezone.now()
    batch.save(update_fields=["created", "unchanged", "finished_at"])
    audit_record(
        organisation=batch.organisation,
        actor=actor,
        action="bank_statement_import",
        entity_type="import_batch",
        entity_id=str(batch.uuid),
        after={
            "file": batch.filename,
            "sha256": batch.sha256,
            "entries": report.entries,
            "already_imported": report.already_imported,
            "payments": report.payments,
            "reversed": report.reversed,
            "suggested": len({line["entry"] for line in report.suggested}),
        },
    )
