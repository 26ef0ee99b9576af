"""Reads behind the invoice list: one line per due date (instalment), filtered and sorted on
indexed columns first; what is owed and the pauses are read for the lines of the page only.

An invoice payable in one go is one line; one payable in three instalments is three, since
reminders, lateness and payments are followed per instalment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import gettext as _

from relance.accounts.models import Organisation
from relance.core.promises import earliest_holding_promise
from relance.dunning.models import Dispute, PaymentPlan, PaymentPlanStatus, Promise
from relance.ledger.models import Allocation, Customer, Instalment
from relance.ledger.search import customer_condition
from relance.ledger.selectors import with_balance

ZERO = Decimal("0.00")
STATUSES = ("open", "overdue", "paid", "disputed", "promised")
SORTS: dict[str, tuple[str, ...]] = {
    "-due": ("-due_date", "-id"),
    "due": ("due_date", "id"),
    "-amount": ("-amount", "-id"),
    "amount": ("amount", "id"),
}


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    customer: str = ""
    due_from: date | None = None
    due_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    currency: str = ""
    sort: str = "-due"


# Beyond this many customers matching a search, the list asks for a more precise search.
MAX_SEARCHED_CUSTOMERS = 500
# Invoices under dispute or promise looked up by id at most (a list bound into the query).
MAX_IDS = 10_000


def disputed_invoices(organisation: Organisation) -> list[int]:
    return list(
        Dispute.objects.filter(organisation=organisation, closed_on=None).values_list(
            "invoice_id", flat=True
        )
    )


def promised_invoices(organisation: Organisation, *, today: date, grace_days: int) -> list[int]:
    """Invoices covered by a promise that is not broken, until its date and grace period."""
    return list(
        Promise.invoices.through.objects.filter(
            promise__organisation=organisation,
            promise__broken_on=None,
            promise__promised_on__gte=earliest_holding_promise(today=today, grace_days=grace_days),
        ).values_list("invoice_id", flat=True)
    )


def customers_matching(organisation: Organisation, text: str) -> list[int]:
    """Ids of the customers a search for ``text`` finds (as the customer list does)."""
    return list(
        Customer.objects.filter(organisation=organisation)
        .filter(customer_condition(organisation, text))
        .values_list("id", flat=True)[:MAX_SEARCHED_CUSTOMERS]
    )


def instalment_list(
    organisation: Organisation, filters: InvoiceFilters, *, today: date, grace_days: int
) -> QuerySet[Instalment]:
    """The lines asked for, in order; nothing per line is computed unless a status needs it.

    Disputes, promises and a customer search are few: their invoices or customers are read
    first, scoped to the organisation, and the lines are then looked up by those ids alone,
    through the invoice or customer index. (Adding "organisation = ?" there would make
    SQLite, which keeps no statistics, walk the organisation's million lines instead.)
    """
    rows = Instalment.objects.all()
    narrowed = False
    if filters.status in ("disputed", "promised"):
        ids = (
            disputed_invoices(organisation)
            if filters.status == "disputed"
            else promised_invoices(organisation, today=today, grace_days=grace_days)
        )
        rows, narrowed = rows.filter(invoice_id__in=ids[:MAX_IDS]), True
    if filters.customer.strip():
        found = customers_matching(organisation, filters.customer)
        rows, narrowed = rows.filter(customer_id__in=found), True
    if not narrowed:
        rows = rows.filter(organisation=organisation)
    if filters.status in ("open", "overdue", "paid"):
        rows = with_balance(rows)
    if filters.status in ("open", "overdue"):
        rows = rows.filter(outstanding__gt=0)  # type: ignore[misc]
    if filters.status == "overdue":
        rows = rows.filter(due_date__lt=today)
    elif filters.status == "paid":
        rows = rows.filter(outstanding__lte=0)  # type: ignore[misc]
    if filters.due_from:
        rows = rows.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        rows = rows.filter(due_date__lte=filters.due_to)
    if filters.amount_min is not None:
        rows = rows.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        rows = rows.filter(amount__lte=filters.amount_max)
    if filters.currency:
        rows = rows.filter(invoice__currency=filters.currency)
    if filters.sort in ("amount", "-amount"):
        rows = rows.filter(amount__isnull=False)  # lets SQLite use the amount index
    return rows.select_related("invoice", "customer").order_by(
        *SORTS.get(filters.sort, SORTS["-due"])
    )


# ---------------------------------------------------------------------- a page of lines


@dataclass
class Line:
    instalment: Instalment
    allocated: Decimal
    count: int  # instalments of the invoice
    disputed: bool
    promised_on: date | None
    in_plan: bool
    today: date

    @property
    def outstanding(self) -> Decimal:
        return self.instalment.amount - self.allocated

    @property
    def days_late(self) -> int:
        return (self.today - self.instalment.due_date).days

    @property
    def status(self) -> tuple[str, str]:
        """The line's status and its badge class."""
        state = line_state(
            outstanding=self.outstanding, disputed=self.disputed, in_plan=self.in_plan,
            promised_on=self.promised_on, days_late=self.days_late,
        )  # fmt: skip
        return state_labels()[state], BADGES[state]


BADGES = {"paid": "good", "disputed": "warn", "plan": "info", "promised": "info",
          "overdue": "bad", "due": ""}  # fmt: skip


def line_state(
    *, outstanding: Decimal, disputed: bool, in_plan: bool, promised_on: date | None,
    days_late: int,
) -> str:  # fmt: skip
    """The state a line shows: paid first, then what pauses it, then whether it is late."""
    if outstanding <= 0:
        return "paid"
    if disputed:
        return "disputed"
    if in_plan:
        return "plan"
    if promised_on is not None:
        return "promised"
    return "overdue" if days_late > 0 else "due"


def state_labels() -> dict[str, str]:
    """The states' words, in the active language."""
    return {"paid": _("Payée"), "disputed": _("En litige"), "plan": _("Échéancier"),
            "promised": _("Promesse"), "overdue": _("Échue"), "due": _("À échoir")}  # fmt: skip


def lines_of(
    organisation: Organisation,
    instalments: Sequence[Instalment],
    *,
    today: date,
    grace_days: int,
) -> list[Line]:
    """What is owed on these instalments and what pauses their invoices: five queries."""
    ids = [instalment.pk for instalment in instalments]
    invoice_ids = sorted({instalment.invoice_id for instalment in instalments})
    allocated = dict(
        Allocation.objects.filter(instalment_id__in=ids)
        .values("instalment_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("instalment_id", "total")
    )
    counts = dict(
        Instalment.objects.filter(invoice_id__in=invoice_ids)
        .values("invoice_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("invoice_id", "n")
    )
    disputed = set(
        Dispute.objects.filter(invoice_id__in=invoice_ids, closed_on=None).values_list(
            "invoice_id", flat=True
        )
    )
    promised: dict[int, date] = {}
    for invoice_id, until in Promise.invoices.through.objects.filter(
        invoice_id__in=invoice_ids,
        promise__broken_on=None,
        promise__promised_on__gte=earliest_holding_promise(today=today, grace_days=grace_days),
    ).values_list("invoice_id", "promise__promised_on"):
        promised[invoice_id] = max(until, promised.get(invoice_id, until))
    in_plan = set(
        PaymentPlan.invoices.through.objects.filter(
            invoice_id__in=invoice_ids, paymentplan__status=PaymentPlanStatus.ACTIVE
        ).values_list("invoice_id", flat=True)
    )
    return [
        Line(
            instalment=instalment,
            allocated=Decimal(allocated.get(instalment.pk) or ZERO),
            count=counts.get(instalment.invoice_id, 1),
            disputed=instalment.invoice_id in disputed,
            promised_on=promised.get(instalment.invoice_id),
            in_plan=instalment.invoice_id in in_plan,
            today=today,
        )
        for instalment in instalments
    ]


# ---------------------------------------------------------------------- every line, as tuples

# The columns ``line_tuples`` reads, in order, after which come: allocated, instalments of
# the invoice, disputed, promised until, in a payment plan.
LINE_COLUMNS = (
    "invoice__number", "sequence", "customer__name", "customer__external_ref",
    "invoice__issue_date", "due_date", "invoice__currency", "amount",
)  # fmt: skip


def line_tuples(
    lines: QuerySet[Instalment], *, today: date, grace_days: int
) -> QuerySet[Instalment, tuple[Any, ...]]:
    """``lines`` (``instalment_list``) with what ``lines_of`` reads for a page, as tuples of
    one query: the related columns by joins, the facts by subqueries on the invoice's and the
    instalment's indexes. No model is built and no list of ids is sent: a million lines
    stream through ``.iterator()`` (a named cursor on PostgreSQL)."""
    if "allocated" not in lines.query.annotations:  # a status filter has added it already
        lines = with_balance(lines)
    invoice = OuterRef("invoice_id")
    count = (
        Instalment.objects.filter(invoice_id=invoice).order_by().values("invoice_id")
        .annotate(n=Count("id")).values("n")
    )  # fmt: skip
    promised = (
        Promise.invoices.through.objects.filter(
            invoice_id=invoice, promise__broken_on=None,
            promise__promised_on__gte=earliest_holding_promise(today=today,
                                                               grace_days=grace_days),
        ).order_by().values("invoice_id").annotate(until=Max("promise__promised_on"))
        .values("until")  # type: ignore[misc]
    )  # fmt: skip
    return lines.values_list(
        *LINE_COLUMNS, "allocated",
        Subquery(count, output_field=IntegerField()),
        Exists(Dispute.objects.filter(invoice_id=invoice, closed_on=None)),
        Subquery(promised, output_field=DateField()),
        Exists(PaymentPlan.invoices.through.objects.filter(
            invoice_id=invoice, paymentplan__status=PaymentPlanStatus.ACTIVE)),
    )  # fmt: skip
