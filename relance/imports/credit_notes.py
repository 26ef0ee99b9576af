"""Credit notes found in an invoices file (rows whose type says « avoir »).

A credit note is an issued accounting document: once imported it does not change, so a
re-import with different content is refused rather than silently applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from relance.accounts.models import Organisation
from relance.core.allocation import allocate_oldest_first, reduce_items
from relance.imports.invoice_inserts import ALLOCATION_FIELDS
from relance.imports.ledger_state import instalments_with_room, money
from relance.imports.models import ImportBatch
from relance.imports.parsers.rows import InvoiceRow, RowError
from relance.ledger.models import Allocation, CreditNote, Invoice
from relance.lib import bulk


def check_credit_notes(
    organisation: Organisation,
    rows: Sequence[InvoiceRow],
    *,
    header: dict[str, str],
    customer_ids: dict[str, int],
    invoices_in_file: set[str],
) -> tuple[list[InvoiceRow], int, list[RowError]]:
    """Return the new credit notes, how many are already there unchanged, and the errors."""
    numbers = [row.number for row in rows]
    existing = {
        number: (customer_id, issue_date, currency, money(amount))
        for number, customer_id, issue_date, currency, amount in CreditNote.objects.filter(
            organisation=organisation, number__in=numbers
        ).values_list("number", "customer_id", "issue_date", "currency", "amount")
    }
    targets = {row.applies_to for row in rows if row.applies_to} - invoices_in_file
    known_targets = set(
        Invoice.objects.filter(organisation=organisation, number__in=targets).values_list(
            "number", flat=True
        )
    )
    new: list[InvoiceRow] = []
    unchanged = 0
    errors: list[RowError] = []
    for row in rows:
        customer_id = customer_ids.get(row.customer_ref)
        if customer_id is None:
            errors.append(
                RowError(
                    row.line,
                    header.get("customer_ref", ""),
                    gettext("client inconnu « %(customer_ref)s »")
                    % {"customer_ref": row.customer_ref},
                )
            )
            continue
        if row.applies_to and row.applies_to not in invoices_in_file | known_targets:
            errors.append(
                RowError(
                    row.line,
                    header.get("applies_to", ""),
                    gettext("facture d'origine inconnue « %(applies_to)s »")
                    % {"applies_to": row.applies_to},
                )
            )
            continue
        found = existing.get(row.number)
        if found is None:
            new.append(row)
        elif found == (customer_id, row.issue_date, row.currency, row.amount_incl_tax):
            unchanged += 1
        else:
            errors.append(
                RowError(
                    row.line,
                    header.get("number", ""),
                    gettext(
                        "l'avoir « %(number)s » existe déjà avec un autre contenu ; un avoir "
                        "émis ne se "
                        "modifie pas"
                    )
                    % {"number": row.number},
                )
            )
    return new, unchanged, errors


def insert_credit_notes(
    organisation: Organisation,
    rows: Sequence[InvoiceRow],
    customer_ids: dict[str, int],
    batch: ImportBatch,
) -> None:
    """Insert the credit notes and allocate each to the invoice it corrects, if named."""
    new_uuid = bulk.uuid_factory()
    invoice_ids = dict(
        Invoice.objects.filter(
            organisation=organisation, number__in={row.applies_to for row in rows}
        ).values_list("number", "id")
    )
    now = bulk.now_for_db()
    bulk.insert_rows(
        CreditNote,
        (
            "uuid",
            "organisation_id",
            "customer_id",
            "number",
            "issue_date",
            "currency",
            "amount",
            "invoice_id",
            "import_batch_id",
            "created_at",
        ),
        (
            (
                new_uuid(),
                organisation.pk,
                customer_ids[row.customer_ref],
                row.number,
                row.issue_date,
                row.currency,
                row.amount_incl_tax,
                invoice_ids.get(row.applies_to),
                batch.pk,
                now,
            )
            for row in rows
        ),
    )
    credit_ids = dict(CreditNote.objects.filter(import_batch=batch).values_list("number", "id"))
    room = instalments_with_room(list(invoice_ids.values()))
    allocations: list[tuple[Any, ...]] = []
    for row in rows:
        invoice_id = invoice_ids.get(row.applies_to)
        if invoice_id is None:
            continue  # a credit on the customer's account, allocated later
        items = room.get(invoice_id, [])
        parts, _ = allocate_oldest_first(items, row.amount_incl_tax)
        room[invoice_id] = reduce_items(items, parts)  # later credit notes share what is left
        allocations.extend(
            (organisation.pk, instalment_id, None, credit_ids[row.number], amount, row.issue_date)
            for instalment_id, amount in parts
        )
    bulk.insert_rows(
        Allocation,
        ALLOCATION_FIELDS,
        allocations,
    )
