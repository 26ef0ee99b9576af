"""What the ledger already holds, loaded in a few set-based queries for comparison with a file.

Small files look up only the numbers they mention (in chunks); large ones read the whole
organisation once, which is cheaper than thousands of lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model, QuerySet, Sum

from relance.accounts.models import Organisation
from relance.core.allocation import OpenItem
from relance.imports.parsers.invoices import REFERENCE_FIELDS
from relance.ledger.models import Allocation, Customer, Instalment, Invoice, Payment

PAID_PREFIX = "import:"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
SMALL_FILE = 20_000
LOOKUP_CHUNK = 500

M = TypeVar("M", bound=Model)


def paid_reference(number: str) -> str:
    """The reference of the payment that stands for an invoice row's paid columns."""
    return f"{PAID_PREFIX}{number}"


def invoice_snapshot(
    amount: Decimal,
    issue_date: date,
    payment_terms: str,
    instalments: Sequence[tuple[date, Decimal]],
    paid: tuple[date, Decimal] | None,
    payment_reference: str = "",
    references: tuple[str, str, str] = ("", "", ""),
) -> dict[str, Any]:
    """The comparable (and audited) content of an invoice as a file describes it;
    ``references``: order, quote and contract, in the order of ``REFERENCE_FIELDS``."""
    return {
        "amount_incl_tax": str(amount),
        "issue_date": issue_date.isoformat(),
        "payment_terms": payment_terms,
        "payment_reference": payment_reference,
        **dict(zip(REFERENCE_FIELDS, references, strict=True)),
        "instalments": [[due.isoformat(), str(value)] for due, value in instalments],
        "paid": [paid[0].isoformat(), str(paid[1])] if paid else None,
    }


@dataclass
class InvoiceState:
    id: int
    uuid: Any
    customer_id: int
    issue_date: date
    currency: str
    amount: Decimal
    payment_terms: str
    payment_reference: str = ""
    references: tuple[str, str, str] = ("", "", "")  # order, quote, contract
    # (instalment id, sequence, due date, amount), by sequence
    instalments: list[tuple[int, int, date, Decimal]] = field(default_factory=list)
    paid_payment_id: int | None = None
    paid: tuple[date, Decimal] | None = None
    # Allocated by payments and credit notes other than the file's own paid columns.
    allocated_elsewhere: Decimal = ZERO

    def snapshot(self) -> dict[str, Any]:
        return invoice_snapshot(
            self.amount,
            self.issue_date,
            self.payment_terms,
            [(due, value) for _, _, due, value in self.instalments],
            self.paid,
            self.payment_reference,
            self.references,
        )


def _filtered(query: QuerySet[M], lookup: str, keys: Sequence[Any]) -> Iterable[QuerySet[M]]:
    if len(keys) > SMALL_FILE:
        yield query
        return
    for start in range(0, len(keys), LOOKUP_CHUNK):
        yield query.filter(**{f"{lookup}__in": keys[start : start + LOOKUP_CHUNK]})


def money(value: Any) -> Decimal:
    return Decimal(value).quantize(CENT)


def customer_ids(organisation: Organisation) -> dict[str, int]:
    return dict(
        Customer.objects.filter(organisation=organisation)
        .values_list("external_ref", "id")
        .iterator(50_000)
    )


def invoices_by_number(
    organisation: Organisation, numbers: Sequence[str]
) -> dict[str, InvoiceState]:
    states: dict[str, InvoiceState] = {}
    base = Invoice.objects.filter(organisation=organisation)
    for query in _filtered(base, "number", numbers):
        for row in query.values_list(
            "id",
            "uuid",
            "number",
            "customer_id",
            "issue_date",
            "currency",
            "amount_incl_tax",
            "payment_terms",
            "payment_reference",
            *REFERENCE_FIELDS,
        ).iterator(50_000):
            states[row[2]] = InvoiceState(
                id=row[0],
                uuid=row[1],
                customer_id=row[3],
                issue_date=row[4],
                currency=row[5],
                amount=money(row[6]),
                payment_terms=row[7],
                payment_reference=row[8],
                references=(row[9], row[10], row[11]),
            )
    if not states:
        return states
    by_id = {state.id: state for state in states.values()}
    ids = list(by_id)
    instalments = Instalment.objects.filter(organisation=organisation).order_by()
    for instalment_query in _filtered(instalments, "invoice_id", ids):
        for pk, invoice_id, seq, due, amount in instalment_query.values_list(
            "id", "invoice_id", "sequence", "due_date", "amount"
        ).iterator(50_000):
            state = by_id.get(invoice_id)
            if state is not None:
                state.instalments.append((pk, seq, due, money(amount)))
    for state in states.values():
        state.instalments.sort(key=lambda item: item[1])
    payments = Payment.objects.filter(organisation=organisation, method="import")
    references = [paid_reference(number) for number in states]
    prefix = len(PAID_PREFIX)
    for payment_query in _filtered(payments, "reference", references):
        for pk, reference, paid_on, amount in payment_query.values_list(
            "id", "reference", "date", "amount"
        ).iterator(50_000):
            state = states.get(reference[prefix:])
            if state is not None and reference.startswith(PAID_PREFIX):
                state.paid_payment_id = pk
                state.paid = (paid_on, money(amount))
    elsewhere = (
        Allocation.objects.filter(organisation=organisation)
        .exclude(payment__method="import", payment__reference__startswith=PAID_PREFIX)
        .order_by()
    )
    for allocation_query in _filtered(elsewhere, "instalment__invoice_id", ids):
        for invoice_id, total in (
            allocation_query.values("instalment__invoice_id")
            .annotate(total=Sum("amount"))
            .values_list("instalment__invoice_id", "total")
        ):
            state = by_id.get(invoice_id)
            if state is not None:
                state.allocated_elsewhere = money(total)
    return states


def instalments_with_room(invoice_ids: Sequence[int]) -> dict[int, list[OpenItem]]:
    """Per invoice, its instalments with what is left after every allocation on them."""
    items: dict[int, list[OpenItem]] = {}
    rows: list[tuple[int, int, date, Decimal]] = []
    for start in range(0, len(invoice_ids), LOOKUP_CHUNK):
        rows.extend(
            Instalment.objects.filter(invoice_id__in=invoice_ids[start : start + LOOKUP_CHUNK])
            .order_by()
            .values_list("id", "invoice_id", "due_date", "amount")
        )
    allocated: dict[int, Decimal] = {}
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for instalment_id, total in (
            Allocation.objects.filter(instalment_id__in=ids[start : start + LOOKUP_CHUNK])
            .order_by()
            .values("instalment_id")
            .annotate(total=Sum("amount"))
            .values_list("instalment_id", "total")
        ):
            allocated[instalment_id] = money(total)
    for pk, invoice_id, due, amount in rows:
        remaining = money(amount) - allocated.get(pk, ZERO)
        items.setdefault(invoice_id, []).append(OpenItem(id=pk, due_date=due, remaining=remaining))
    return items
