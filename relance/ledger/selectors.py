"""Reads of the ledger. What is owed is always derived from instalments and allocations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from relance.accounts.models import Organisation
from relance.core.allocation import OpenItem
from relance.core.payment_reference import payment_reference
from relance.ledger.models import Allocation, Customer, Instalment, Invoice, Payment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _allocated_subquery() -> Subquery:
    return Subquery(
        Allocation.objects.filter(instalment=OuterRef("pk"))
        .values("instalment")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=_MONEY,
    )


def with_balance(instalments: QuerySet[Instalment]) -> QuerySet[Instalment]:
    """These instalments annotated with ``allocated`` and ``outstanding``."""
    return instalments.annotate(
        allocated=Coalesce(_allocated_subquery(), Value(ZERO), output_field=_MONEY)
    ).annotate(outstanding=F("amount") - F("allocated"))


def instalments_with_balance(organisation: Organisation) -> QuerySet[Instalment]:
    """Instalments annotated with ``allocated`` and ``outstanding`` (amount less allocated)."""
    return with_balance(Instalment.objects.filter(organisation=organisation))


def open_instalments(organisation: Organisation) -> QuerySet[Instalment]:
    return instalments_with_balance(organisation).filter(outstanding__gt=0)  # type: ignore[misc]


def outstanding_by_currency(organisation: Organisation) -> dict[str, Decimal]:
    """Total still owed, per currency (amounts of different currencies are never added)."""
    totals: dict[str, Decimal] = {}
    rows = (
        instalments_with_balance(organisation)
        .values("invoice__currency")
        .annotate(total=Sum("outstanding"))
        .order_by("invoice__currency")
    )
    for row in rows:
        totals[row["invoice__currency"]] = Decimal(row["total"] or 0).quantize(Decimal("0.01"))
    return totals


def open_items_of_customers(
    organisation: Organisation, customer_ids: Iterable[int]
) -> dict[tuple[int, str], list[OpenItem]]:
    """Open instalments per (customer id, currency), for allocating payments oldest first."""
    ids = list(customer_ids)
    items: dict[tuple[int, str], list[OpenItem]] = {}
    for start in range(0, len(ids), 500):
        rows = (
            open_instalments(organisation)
            .filter(customer_id__in=ids[start : start + 500])
            .values_list(  # type: ignore[misc]
                "id", "customer_id", "invoice__currency", "due_date", "outstanding", "invoice_id"
            )
        )
        for pk, customer_id, currency, due_date, outstanding, invoice_id in rows:
            remaining = Decimal(outstanding).quantize(ZERO)
            items.setdefault((customer_id, currency), []).append(
                OpenItem(pk, due_date, remaining, invoice_id)
            )
    return items


@dataclass(frozen=True)
class CurrencySummary:
    currency: str
    outstanding: Decimal
    overdue: Decimal
    open_items: int


@dataclass(frozen=True)
class LedgerSummary:
    customers: int
    invoices: int
    by_currency: list[CurrencySummary]


def ledger_summary(organisation: Organisation, *, as_of: date) -> LedgerSummary:
    """Head figures of the home page: what is owed and overdue, per currency."""
    rows = (
        open_instalments(organisation)
        .values("invoice__currency")
        .annotate(
            total=Sum("outstanding"),
            overdue=Sum("outstanding", filter=Q(due_date__lt=as_of)),
            items=Count("id"),
        )
        .order_by("invoice__currency")
    )
    return LedgerSummary(
        customers=Customer.objects.filter(organisation=organisation).count(),
        invoices=Invoice.objects.filter(organisation=organisation).count(),
        by_currency=[
            CurrencySummary(
                currency=row["invoice__currency"],
                outstanding=Decimal(row["total"] or 0).quantize(CENT),
                overdue=Decimal(row["overdue"] or 0).quantize(CENT),
                open_items=row["items"],
            )
            for row in rows
        ],
    )


def customer_payment_reference(customer: Customer) -> str:
    """The structured reference a customer's transfers carry (+++…+++ in Belgium, RF
    elsewhere): what reminders print and the portal's QR codes hold."""
    return payment_reference(
        country=customer.country, customer_number=customer.pk, customer_ref=customer.external_ref
    )


def invoice_payment_reference(customer: Customer, invoice: UUID) -> str:
    """The reference a transfer paying this one invoice carries: the invoice's own when its
    issuing software printed one, else the customer's."""
    own = (
        Invoice.objects.filter(customer=customer, uuid=invoice)
        .values_list("payment_reference", flat=True)
        .first()
    )
    return own or customer_payment_reference(customer)


def customer_statement_rows(customer: Customer) -> list[tuple[object, ...]]:
    """A customer's open items, oldest due date first: (currency, invoice uuid, has a PDF,
    instalment id, number, issued, due, amount, outstanding)."""
    return list(
        open_instalments(customer.organisation).filter(customer=customer)
        .order_by("due_date", "id")
        .values_list("invoice__currency", "invoice__uuid", "invoice__pdf", "id",
                     "invoice__number", "invoice__issue_date", "due_date", "amount",
                     "outstanding")  # type: ignore[misc]
    )  # fmt: skip


def payment_allocations(payment: Payment) -> list[Allocation]:
    """Where a payment went, invoice by invoice, oldest due date first."""
    return list(
        Allocation.objects.filter(payment=payment)
        .select_related("instalment__invoice")
        .order_by("instalment__due_date", "instalment__id")
    )
