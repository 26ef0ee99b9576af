"""Checking a payments file against the ledger, then recording and allocating the payments.

A payment names an invoice, a customer, or both. It is allocated to the named invoice's
instalments first, then to the customer's other open items oldest first; what is left stays
on the customer's account as unallocated credit. A payment already imported (same reference)
with different content is refused: correcting a recorded payment is a deliberate act.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from relance.accounts.models import Organisation
from relance.core.allocation import allocate_oldest_first, reduce_items
from relance.dunning.reminder_facts import reminder_facts_refresh
from relance.imports.invoice_inserts import ALLOCATION_FIELDS, PAYMENT_COLUMNS
from relance.imports.ledger_state import customer_ids, money
from relance.imports.models import ImportBatch
from relance.imports.parsers.rows import PaymentRow, RowError
from relance.ledger.models import Allocation, Invoice, Payment
from relance.ledger.selectors import open_items_of_customers
from relance.lib import bulk
from relance.lib.progress import Progress


@dataclass
class PaymentPlan:
    new: list[tuple[PaymentRow, int, int | None]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def created(self) -> int:
        return len(self.new)

    @property
    def updated(self) -> int:
        return 0  # a recorded payment is never changed by a file


def check_payments(
    organisation: Organisation,
    rows: Sequence[PaymentRow],
    *,
    header: dict[str, str],
    progress: Progress,
) -> tuple[PaymentPlan, list[RowError]]:
    plan = PaymentPlan()
    errors: list[RowError] = []
    customers = customer_ids(organisation)
    numbers = list({row.invoice_number for row in rows if row.invoice_number})
    invoices: dict[str, tuple[int, int, str]] = {}
    for start in range(0, len(numbers), 500):
        for number, pk, owner_id, currency in Invoice.objects.filter(
            organisation=organisation, number__in=numbers[start : start + 500]
        ).values_list("number", "id", "customer_id", "currency"):
            invoices[number] = (pk, owner_id, currency)
    references = [row.reference for row in rows]
    existing: dict[str, tuple[object, ...]] = {}
    for start in range(0, len(references), 500):
        for reference, paid_on, amount, currency, payer_id in Payment.objects.filter(
            organisation=organisation, reference__in=references[start : start + 500]
        ).values_list("reference", "date", "amount", "currency", "customer_id"):
            existing[reference] = (paid_on, money(amount), currency, payer_id)
    progress.phase("Comparaison avec le grand livre", len(rows))
    for row in rows:
        invoice = invoices.get(row.invoice_number) if row.invoice_number else None
        if row.invoice_number and invoice is None:
            errors.append(
                RowError(
                    row.line,
                    header.get("invoice_number", ""),
                    gettext("facture inconnue « %(invoice_number)s »")
                    % {"invoice_number": row.invoice_number},
                )
            )
            continue
        customer_id = customers.get(row.customer_ref) if row.customer_ref else None
        if row.customer_ref and customer_id is None:
            errors.append(
                RowError(
                    row.line,
                    header.get("customer_ref", ""),
                    gettext("client inconnu « %(customer_ref)s »")
                    % {"customer_ref": row.customer_ref},
                )
            )
            continue
        if invoice is not None:
            if customer_id is not None and customer_id != invoice[1]:
                errors.append(
                    RowError(
                        row.line,
                        header.get("invoice_number", ""),
                        gettext("la facture « %(invoice_number)s » n'est pas à ce client")
                        % {"invoice_number": row.invoice_number},
                    )
                )
                continue
            if invoice[2] != row.currency:
                errors.append(
                    RowError(
                        row.line,
                        header.get("currency", ""),
                        gettext(
                            "devise %(currency)s différente de celle de la facture (%(invoice)s)"
                        )
                        % {"currency": row.currency, "invoice": invoice[2]},
                    )
                )
                continue
            customer_id = invoice[1]
        assert customer_id is not None  # the parser requires a customer or an invoice
        found = existing.get(row.reference)
        if found is None:
            plan.new.append((row, customer_id, invoice[0] if invoice else None))
        elif found == (row.date, row.amount, row.currency, customer_id):
            plan.unchanged += 1
        else:
            errors.append(
                RowError(
                    row.line,
                    header.get("reference", ""),
                    gettext(
                        "le paiement « %(reference)s » est déjà enregistré avec un autre contenu"
                    )
                    % {"reference": row.reference},
                )
            )
    progress.advance(len(rows))
    return plan, errors


def write_payments(
    organisation: Organisation,
    plan: PaymentPlan,
    *,
    batch: ImportBatch,
    progress: Progress,
) -> None:
    new_uuid = bulk.uuid_factory()
    progress.phase("Écriture des paiements", len(plan.new))
    now = bulk.now_for_db()
    bulk.insert_rows(
        Payment,
        PAYMENT_COLUMNS,
        (
            (
                new_uuid(),
                organisation.pk,
                customer_id,
                row.reference,
                row.date,
                row.currency,
                row.amount,
                row.method,
                batch.pk,
                now,
            )
            for row, customer_id, _ in plan.new
        ),
    )
    payment_ids = dict(Payment.objects.filter(import_batch=batch).values_list("reference", "id"))
    open_items = open_items_of_customers(organisation, {c for _, c, _ in plan.new})
    allocations: list[tuple[Any, ...]] = []
    # Oldest payments first, so allocation follows the order money came in.
    for row, customer_id, invoice_id in sorted(plan.new, key=lambda p: (p[0].date, p[0].line)):
        items = open_items.get((customer_id, row.currency), [])
        named = [item for item in items if invoice_id is not None and item.invoice_id == invoice_id]
        parts, left = allocate_oldest_first(named, row.amount)
        more, _ = allocate_oldest_first(reduce_items(items, parts), left)
        parts += more
        open_items[(customer_id, row.currency)] = reduce_items(items, parts)
        allocations.extend(
            (organisation.pk, instalment_id, payment_ids[row.reference], None, amount, row.date)
            for instalment_id, amount in parts
        )
    bulk.insert_rows(
        Allocation,
        ALLOCATION_FIELDS,
        allocations,
    )
    reminder_facts_refresh(instalment_ids={instalment_id for _, instalment_id, *_ in allocations})
    progress.advance(len(plan.new))
