"""Checking an invoices file against the ledger, then writing what it changes in bulk.

A file row carries the invoice, its instalments and, in the reference format, what was paid
(``paid_date``/``paid_amount``). What was paid becomes a payment whose reference is derived from
the invoice number, so a re-import finds it again and changes it only if the file changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.core.allocation import allocate_oldest_first
from relance.dunning.reminder_facts import reminder_facts_refresh
from relance.imports.credit_notes import check_credit_notes, insert_credit_notes
from relance.imports.invoice_inserts import (
    ALLOCATION_FIELDS,
    PAYMENT_COLUMNS,
    insert_new_invoices,
)
from relance.imports.ledger_state import (
    InvoiceState,
    customer_ids,
    instalments_with_room,
    invoice_snapshot,
    invoices_by_number,
    paid_reference,
)
from relance.imports.models import ImportBatch
from relance.imports.parsers.invoices import REFERENCE_FIELDS
from relance.imports.parsers.rows import InvoiceRow, RowError
from relance.ledger.models import Allocation, Instalment, Invoice, Payment
from relance.lib import bulk
from relance.lib.progress import Progress

ZERO = Decimal("0.00")


@dataclass
class InvoiceChange:
    row: InvoiceRow
    existing: InvoiceState
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class InvoicePlan:
    new: list[InvoiceRow] = field(default_factory=list)
    changed: list[InvoiceChange] = field(default_factory=list)
    unchanged: int = 0
    customer_ids: dict[str, int] = field(default_factory=dict)
    credit_notes: list[InvoiceRow] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.new) + len(self.credit_notes)

    @property
    def updated(self) -> int:
        return len(self.changed)


def _row_snapshot(row: InvoiceRow) -> dict[str, Any]:
    paid = (row.paid_date, row.paid_amount) if row.paid_date and row.paid_amount > 0 else None
    return invoice_snapshot(
        row.amount_incl_tax,
        row.issue_date,
        row.payment_terms,
        [(item.due_date, item.amount) for item in row.instalments],
        paid,
        row.payment_reference,
        (row.order_reference, row.quote_reference, row.contract_reference),
    )


def check_invoices(
    organisation: Organisation,
    rows: Sequence[InvoiceRow],
    *,
    header: dict[str, str],
    progress: Progress,
) -> tuple[InvoicePlan, list[RowError]]:
    """Compare the file with the ledger; report rows that cannot be applied."""
    errors: list[RowError] = []
    plan = InvoicePlan(customer_ids=customer_ids(organisation))
    invoice_rows = [row for row in rows if not row.is_credit_note]
    existing = invoices_by_number(organisation, [row.number for row in invoice_rows])
    progress.phase("Comparaison avec le grand livre", len(rows))
    for index, row in enumerate(invoice_rows, 1):
        if index % 50_000 == 0:
            progress.advance(index)
        customer_id = plan.customer_ids.get(row.customer_ref)
        if customer_id is None:
            errors.append(
                RowError(
                    row.line,
                    header.get("customer_ref", ""),
                    gettext("client inconnu « %(customer_ref)s » : importez d'abord les clients")
                    % {"customer_ref": row.customer_ref},
                )
            )
            continue
        state = existing.get(row.number)
        if state is None:
            plan.new.append(row)
            continue
        problem = _conflict(row, state, customer_id, header)
        if problem:
            errors.append(problem)
            continue
        after = _row_snapshot(row)
        before = state.snapshot()
        if after == before:
            plan.unchanged += 1
        else:
            plan.changed.append(InvoiceChange(row=row, existing=state, before=before, after=after))
    credit_rows = [row for row in rows if row.is_credit_note]
    if credit_rows:
        plan.credit_notes, unchanged, credit_errors = check_credit_notes(
            organisation,
            credit_rows,
            header=header,
            customer_ids=plan.customer_ids,
            invoices_in_file={row.number for row in invoice_rows},
        )
        plan.unchanged += unchanged
        errors.extend(credit_errors)
    progress.advance(len(rows))
    errors.sort(key=lambda error: error.line)
    return plan, errors


def _conflict(
    row: InvoiceRow, state: InvoiceState, customer_id: int, header: dict[str, str]
) -> RowError | None:
    if state.customer_id != customer_id:
        return RowError(
            row.line,
            header.get("customer_ref", ""),
            gettext("la facture « %(number)s » appartient déjà à un autre client")
            % {"number": row.number},
        )
    if state.currency != row.currency:
        return RowError(
            row.line,
            header.get("currency", ""),
            gettext("la devise de « %(number)s » ne peut pas changer (%(before)s -> %(after)s)")
            % {"number": row.number, "before": state.currency, "after": row.currency},
        )
    paid_here = row.paid_amount if row.paid_date else ZERO
    if state.allocated_elsewhere + paid_here > row.amount_incl_tax:
        return RowError(
            row.line,
            header.get("amount_incl_tax", ""),
            gettext("montant %(amount)s inférieur aux règlements déjà lettrés (%(allocated)s)")
            % {
                "amount": row.amount_incl_tax,
                "allocated": state.allocated_elsewhere + paid_here,
            },
        )
    return None


def write_invoices(
    organisation: Organisation,
    plan: InvoicePlan,
    *,
    batch: ImportBatch,
    actor: Actor,
    progress: Progress,
) -> None:
    insert_new_invoices(organisation, plan.new, plan.customer_ids, batch, progress)
    if plan.changed:
        _apply_changes(organisation, plan.changed, batch, actor)
    if plan.credit_notes:
        insert_credit_notes(organisation, plan.credit_notes, plan.customer_ids, batch)


def _apply_changes(
    organisation: Organisation,
    changes: Sequence[InvoiceChange],
    batch: ImportBatch,
    actor: Actor,
) -> None:
    """Update changed invoices: fields, instalments by sequence, and the imported payment."""
    now = bulk.now_for_db()
    fields = ("issue_date", "amount_incl_tax", "payment_terms", "payment_reference",
              *REFERENCE_FIELDS, "updated_at")  # fmt: skip
    bulk.update_rows(
        Invoice,
        fields,
        (
            (c.row.issue_date, c.row.amount_incl_tax, c.row.payment_terms,
             c.row.payment_reference, *(getattr(c.row, name) for name in REFERENCE_FIELDS),
             now, c.existing.id)
            for c in changes
        ),
    )  # fmt: skip
    updates: list[tuple[Any, ...]] = []
    inserts: list[tuple[Any, ...]] = []
    removed: list[int] = []
    for change in changes:
        old = {seq: pk for pk, seq, _, _ in change.existing.instalments}
        for seq, item in enumerate(change.row.instalments, 1):
            if seq in old:
                updates.append((item.due_date, item.amount, old.pop(seq)))
            else:
                inserts.append(
                    (
                        organisation.pk,
                        change.existing.id,
                        change.existing.customer_id,
                        seq,
                        item.due_date,
                        item.amount,
                    )
                )
        removed.extend(old.values())
    bulk.update_rows(Instalment, ("due_date", "amount"), updates)
    # An instalment the file no longer has takes its allocations with it; the payments stay
    # and become unallocated credit that a later allocation can use.
    bulk.delete_where(Allocation, "instalment_id", removed)
    bulk.delete_where(Instalment, "id", removed)
    bulk.insert_rows(
        Instalment,
        ("organisation_id", "invoice_id", "customer_id", "sequence", "due_date", "amount"),
        inserts,
    )
    _replace_imported_payments(organisation, changes, batch)
    # Their payments were written anew: what the reminded items were paid follows.
    reminder_facts_refresh(
        instalment_ids={pk for c in changes for pk, *_ in c.existing.instalments}.difference(
            removed
        )
    )
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="invoice_update",
        entity_type="invoice",
        changes=((str(c.existing.uuid), c.before, c.after) for c in changes),
    )


def _replace_imported_payments(
    organisation: Organisation, changes: Sequence[InvoiceChange], batch: ImportBatch
) -> None:
    """Re-create the payment that stands for the file's paid columns, and its allocations."""
    new_uuid = bulk.uuid_factory()
    old_payment_ids = [c.existing.paid_payment_id for c in changes if c.existing.paid_payment_id]
    bulk.delete_where(Allocation, "payment_id", old_payment_ids)
    bulk.delete_where(Payment, "id", old_payment_ids)
    paid = [c for c in changes if c.row.paid_date and c.row.paid_amount > 0]
    if not paid:
        return
    now = bulk.now_for_db()
    bulk.insert_rows(
        Payment,
        PAYMENT_COLUMNS,
        (
            (
                new_uuid(),
                organisation.pk,
                c.existing.customer_id,
                paid_reference(c.row.number),
                c.row.paid_date,
                c.row.currency,
                c.row.paid_amount,
                "import",
                batch.pk,
                now,
            )
            for c in paid
        ),
    )
    payment_ids = (
        dict(
            Payment.objects.filter(
                organisation=organisation,
                reference__in=[paid_reference(c.row.number) for c in paid],
            ).values_list("reference", "id")
        )
        if len(paid) < 900
        else dict(Payment.objects.filter(import_batch=batch).values_list("reference", "id"))
    )
    invoice_ids = [c.existing.id for c in paid]
    items_by_invoice = instalments_with_room(invoice_ids)
    allocations: list[tuple[Any, ...]] = []
    for change in paid:
        assert change.row.paid_date is not None
        parts, _ = allocate_oldest_first(
            items_by_invoice.get(change.existing.id, []), change.row.paid_amount
        )
        payment_id = payment_ids[paid_reference(change.row.number)]
        allocations.extend(
            (organisation.pk, instalment_id, payment_id, None, amount, change.row.paid_date)
            for instalment_id, amount in parts
        )
    bulk.insert_rows(
        Allocation,
        ALLOCATION_FIELDS,
        allocations,
    )
