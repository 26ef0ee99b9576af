"""Everything the invoice page shows, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.dunning.labels import channel_label
from relance.dunning.models import Dispute, PaymentPlan, PaymentPlanStatus, Promise, Reminder
from relance.ledger.models import Allocation, Instalment, Invoice, Note
from relance.ledger.selectors import instalments_with_balance
from relance.web.customers.timeline import delivery_badges, delivery_kinds
from relance.web.invoices.penalties import InvoicePenalties, invoice_penalties_view

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReminderLine:
    reminder: Reminder
    badges: tuple[tuple[str, str], ...]

    @property
    def channel(self) -> str:
        return channel_label(self.reminder.channel)


@dataclass(frozen=True)
class InvoiceDetail:
    invoice: Invoice
    today: date
    instalments: list[Instalment]  # annotated with allocated and outstanding
    allocations: list[Allocation]
    penalties: InvoicePenalties
    reminders: list[ReminderLine]
    disputes: list[Dispute]
    promises: list[Promise]
    plans: list[PaymentPlan]
    notes: list[Note]

    @property
    def allocated(self) -> Decimal:
        return sum((Decimal(i.allocated) for i in self.instalments), ZERO)  # type: ignore[attr-defined]

    @property
    def outstanding(self) -> Decimal:
        return sum((Decimal(i.outstanding) for i in self.instalments), ZERO)  # type: ignore[attr-defined]

    @property
    def overdue(self) -> Decimal:
        return sum(
            (Decimal(i.outstanding) for i in self.instalments if i.due_date < self.today),  # type: ignore[attr-defined]
            ZERO,
        )

    @property
    def open_dispute(self) -> Dispute | None:
        return next((d for d in self.disputes if d.closed_on is None), None)

    @property
    def active_plan(self) -> PaymentPlan | None:
        return next((p for p in self.plans if p.status == PaymentPlanStatus.ACTIVE), None)


def invoice_detail(invoice: Invoice, *, today: date) -> InvoiceDetail:
    organisation = invoice.organisation
    instalments = list(
        instalments_with_balance(organisation).filter(invoice=invoice).order_by("sequence")
    )
    allocations = list(
        Allocation.objects.filter(instalment__invoice=invoice)
        .select_related("payment", "credit_note", "instalment")
        .order_by("date", "id")
    )
    paid: dict[int, list[tuple[date, Decimal]]] = {}
    for allocation in allocations:
        paid.setdefault(allocation.instalment_id, []).append((allocation.date, allocation.amount))
    reminders = list(
        Reminder.objects.filter(items__instalment__invoice=invoice)
        .select_related("message")
        .distinct()
        .order_by("-run_date", "-id")
    )
    kinds = delivery_kinds(reminders)
    lines = [ReminderLine(r, delivery_badges(r, kinds.get(r.pk, set()))) for r in reminders]
    return InvoiceDetail(
        invoice=invoice,
        today=today,
        instalments=instalments,
        allocations=allocations,
        penalties=invoice_penalties_view(
            invoice.customer, invoice.currency, instalments, paid, today=today
        ),
        reminders=lines,
        disputes=list(
            invoice.disputes.select_related("owner")
            .prefetch_related("attachments")
            .order_by("-opened_on", "-id")
        ),
        promises=list(invoice.promises.order_by("-recorded_on", "-id")),
        plans=list(
            invoice.payment_plans.prefetch_related("instalments").order_by("-agreed_on", "-id")
        ),
        notes=list(
            Note.objects.filter(invoice=invoice)
            .select_related("author")
            .order_by("-created_at", "-id")
        ),
    )


def invoice_outstanding(invoice: Invoice) -> Decimal:
    """What is still owed on the invoice, all instalments together."""
    return sum(
        instalments_with_balance(invoice.organisation)
        .filter(invoice=invoice)
        .values_list("outstanding", flat=True),  # type: ignore[misc]
        ZERO,
    )
