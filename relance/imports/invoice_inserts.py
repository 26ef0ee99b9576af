"""Inserting the new invoices of a file: invoices, instalments, and what the file says was paid.

This is the hot path of a million-row import: keys are reserved up front (no reading back),
rows are plain tuples, and every table is written with one prepared statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from relance.accounts.models import Organisation
from relance.core.allocation import OpenItem, allocate_oldest_first
from relance.imports.ledger_state import paid_reference
from relance.imports.models import ImportBatch
from relance.imports.parsers.invoices import REFERENCE_FIELDS
from relance.imports.parsers.rows import InvoiceRow
from relance.ledger.models import Allocation, Instalment, Invoice, Payment
from relance.lib import bulk
from relance.lib.progress import Progress

INVOICE_FIELDS = (
    "id", "uuid", "organisation_id", "customer_id", "number", "issue_date", "currency",
    "amount_incl_tax", "payment_terms", "payment_reference", *REFERENCE_FIELDS, "pdf",
    "import_batch_id", "created_at", "updated_at",
)  # fmt: skip
INSTALMENT_FIELDS = (
    "id", "organisation_id", "invoice_id", "customer_id", "sequence", "due_date", "amount",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "uuid", "organisation_id", "customer_id", "reference", "date", "currency", "amount",
    "method", "import_batch_id", "created_at",
)  # fmt: skip
PAYMENT_FIELDS = ("id", *PAYMENT_COLUMNS)
ALLOCATION_FIELDS = (
    "organisation_id", "instalment_id", "payment_id", "credit_note_id", "amount", "date",
)  # fmt: skip


def insert_new_invoices(
    organisation: Organisation,
    rows: Sequence[InvoiceRow],
    customer_ids: dict[str, int],
    batch: ImportBatch,
    progress: Progress,
) -> None:
    if not rows:
        return
    org_id, batch_id = organisation.pk, batch.pk
    now = bulk.now_for_db()
    new_uuid = bulk.uuid_factory()
    progress.phase("Écriture des factures", len(rows))
    invoice_ids = bulk.reserve_ids(Invoice, len(rows))
    customers = [customer_ids[row.customer_ref] for row in rows]
    bulk.insert_rows(
        Invoice,
        INVOICE_FIELDS,
        (
            (invoice_id, new_uuid(), org_id, customer_id, row.number, row.issue_date,
             row.currency, row.amount_incl_tax, row.payment_terms, row.payment_reference,
             row.order_reference, row.quote_reference, row.contract_reference, "",
             batch_id, now, now)
            for invoice_id, customer_id, row in zip(invoice_ids, customers, rows, strict=True)
        ),
    )  # fmt: skip
    progress.advance(len(rows) // 3)
    instalment_ids = bulk.reserve_ids(Instalment, sum(len(row.instalments) for row in rows))
    next_instalment = iter(instalment_ids)
    # Per row: the ids of its instalments, in sequence order.
    row_instalments = [[next(next_instalment) for _ in row.instalments] for row in rows]
    bulk.insert_rows(
        Instalment,
        INSTALMENT_FIELDS,
        (
            (pk, org_id, invoice_id, customer_id, sequence, item.due_date, item.amount)
            for invoice_id, customer_id, row, pks in zip(
                invoice_ids, customers, rows, row_instalments, strict=True
            )
            for sequence, (pk, item) in enumerate(zip(pks, row.instalments, strict=True), 1)
        ),
    )
    progress.advance(2 * len(rows) // 3)
    paid = [
        (row, customer_id, pks)
        for row, customer_id, pks in zip(rows, customers, row_instalments, strict=True)
        if row.paid_date and row.paid_amount > 0
    ]
    payment_ids = bulk.reserve_ids(Payment, len(paid))
    bulk.insert_rows(
        Payment,
        PAYMENT_FIELDS,
        (
            (payment_id, new_uuid(), org_id, customer_id, paid_reference(row.number),
             row.paid_date, row.currency, row.paid_amount, "import", batch_id, now)
            for payment_id, (row, customer_id, _) in zip(payment_ids, paid, strict=True)
        ),
    )  # fmt: skip
    bulk.insert_rows(Allocation, ALLOCATION_FIELDS, _allocations(org_id, paid, payment_ids))
    progress.advance(len(rows))


def _allocations(
    org_id: int,
    paid: Sequence[tuple[InvoiceRow, int, list[int]]],
    payment_ids: Sequence[int],
) -> list[tuple[Any, ...]]:
    allocations: list[tuple[Any, ...]] = []
    for payment_id, (row, _, pks) in zip(payment_ids, paid, strict=True):
        if len(pks) == 1:  # the common case: one due date, paid up to its amount
            amount = min(row.paid_amount, row.instalments[0].amount)
            allocations.append((org_id, pks[0], payment_id, None, amount, row.paid_date))
            continue
        items = [
            OpenItem(id=pk, due_date=item.due_date, remaining=item.amount)
            for pk, item in zip(pks, row.instalments, strict=True)
        ]
        parts, _ = allocate_oldest_first(items, row.paid_amount)
        allocations.extend(
            (org_id, instalment_id, payment_id, None, amount, row.paid_date)
            for instalment_id, amount in parts
        )
    return allocations
