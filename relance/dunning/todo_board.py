"""The to-do by customer: one row per customer with everything due today for them.

A collector works customer by customer, not task by task: the hand-off and the last-warning
e-mail of the same customer are one decision. The rows are ordered by what is most pressing:
a debtor waiting for an answer (a request from the portal) first, then the overdue amount
(the customer's balance), then the oldest overdue item. A dispute whose settle-by date passed
puts its customer on its owner's to-do, even with nothing else to do for them.

Reads only, set-based: one query for the page of customers (tasks, debtors' requests and late
disputes together), then one query each for those customers, their balances, their tasks,
their requests and their late disputes — never one per row. What is still due is decided elsewhere
(``relance.dunning.still_due``); tasks no longer due are withdrawn before the list is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    DateField,
    DecimalField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from relance.accounts.models import Organisation
from relance.dunning.debtor_requests import pending_debtor_requests
from relance.dunning.disputes import overdue_disputes
from relance.dunning.models import CallOutcome, DebtorRequest, Dispute, Promise, Reminder
from relance.dunning.todo import open_todo, todo_filter, todo_rows, why
from relance.ledger.models import Customer, CustomerBalance

ZERO = Decimal("0.00")
# Tasks a collector may tick and do together from the list: send (e-mails and SMS the run
# left for a person), print (letters and formal notices), and put off (any task).
SENDABLE = ("email", "sms")
PRINTABLE = ("letter", "formal_notice")


@dataclass
class CustomerTodo:
    """One row of the to-do: a customer, what is due today for them, and why."""

    customer: Customer
    tasks: list[Reminder] = field(default_factory=list)  # highest stake first
    requests: list[DebtorRequest] = field(default_factory=list)  # oldest first
    disputes: list[Dispute] = field(default_factory=list)  # past their date, oldest first
    currency: str = "EUR"
    overdue: Decimal = ZERO  # the customer's overdue principal (balance)
    not_due: Decimal = ZERO
    days_late: int | None = None  # of the oldest overdue item
    last_contact_on: date | None = None
    last_call_on: date | None = None
    last_call_outcome: str = ""  # a CallOutcomeKind value
    broken_promise_on: date | None = None

    @property
    def top(self) -> Reminder | None:
        return self.tasks[0] if self.tasks else None

    @property
    def notes(self) -> list[str]:
        """What the tasks themselves say (a bounce, a message held back, no address...)."""
        said = [getattr(task, "reason", "") for task in self.tasks]
        said = [reason for reason in said if reason]
        return list(dict.fromkeys(said))


def _stake(rows: QuerySet[Any], customer: str = "customer") -> QuerySet[Any]:
    """The sort keys of a grouped row: overdue balance and oldest overdue item (``customer``:
    the path from the row to its customer)."""
    annotated: QuerySet[Any] = rows.annotate(
        stake=Coalesce(Max(f"{customer}__balances__overdue"), Value(ZERO),
                       output_field=DecimalField(max_digits=14, decimal_places=2)),
        oldest=Min(f"{customer}__balances__oldest_due_date", output_field=DateField()),
    )  # fmt: skip
    return annotated


def todo_customers(
    organisation: Organisation, *, today: date, collector: str = "", kind: str = ""
) -> QuerySet[Any]:
    """The customers on today's to-do as ``customer_id, waiting, stake, oldest`` rows, most
    pressing first; ``collector`` and ``kind`` as in ``relance.dunning.todo.todo_filter``.
    A customer whose only item is a debtor's request or a late dispute is listed too (not when
    a ``kind`` is chosen: neither is a task of that kind). A late dispute is filtered by its
    owner, not by the customer's collector: the person who sorts it out sees it."""
    tasks = todo_filter(open_todo(organisation, today=today), collector=collector, kind=kind)
    requests = pending_debtor_requests(organisation, collector=collector)
    waiting = requests.filter(customer_id=OuterRef("customer_id")).order_by().values("pk")
    rows = _stake(tasks.order_by().values("customer_id").annotate(waiting=Exists(waiting)))
    if kind:
        return rows.order_by("-waiting", "-stake", "oldest", "customer_id")
    # A customer with tasks, a request and a late dispute gives the same row on every side
    # (same balance, waiting): the UNION (not UNION ALL) keeps it once, with no second scan of
    # the open tasks to leave them out.
    only_asked = _stake(
        requests.prefetch_related(None).select_related(None).order_by()
        .values("customer_id").annotate(waiting=Value(True, output_field=BooleanField()))
    )  # fmt: skip
    asked = requests.filter(customer_id=OuterRef("invoice__customer_id")).order_by().values("pk")
    late = _stake(
        overdue_disputes(organisation, today=today, owner=collector)
        .select_related(None).order_by()
        .values(customer_id=F("invoice__customer_id")).annotate(waiting=Exists(asked)),
        customer="invoice__customer",
    )  # fmt: skip
    return rows.union(only_asked, late).order_by("-waiting", "-stake", "oldest", "customer_id")


def next_customer(ordered: QuerySet[Any], after: int) -> int | None:
    """The customer after ``after`` in the to-do's order (``todo_customers``); the first one
    when ``after`` is no longer listed. Reads the ids only."""
    ids = [row["customer_id"] for row in ordered]
    if after in ids:
        position = ids.index(after)
        rest = ids[position + 1 :]
        return rest[0] if rest else None
    return ids[0] if ids else None


def customer_todos(
    organisation: Organisation,
    customer_ids: Sequence[int],
    *,
    today: date,
    collector: str = "",
    kind: str = "",
) -> list[CustomerTodo]:
    """The rows for these customers, in the order given; five reads whatever their number."""
    ids = list(customer_ids)
    if not ids:
        return []
    customers = {c.pk: c for c in _customers(organisation, ids)}
    rows = {pk: CustomerTodo(customer=customers[pk]) for pk in ids if pk in customers}
    for row in rows.values():
        facts = row.customer
        dunning = getattr(facts, "dunning", None)
        row.last_contact_on = dunning.last_contact_on if dunning is not None else None
        row.last_call_on = getattr(facts, "last_call_on", None)
        row.last_call_outcome = getattr(facts, "last_call_outcome", None) or ""
        row.broken_promise_on = getattr(facts, "broken_promise_on", None)
    # Annotated rows (kind, oldest due), read in one query; the rest is set on them for the page.
    tasks: Any = todo_rows(
        todo_filter(open_todo(organisation, today=today).filter(customer_id__in=ids), kind=kind)
    )
    for task in tasks:
        task.reason = why(task)
        task.days_late = (today - task.oldest_due).days if task.oldest_due else None
        task.sendable = task.kind in SENDABLE and task.status == "todo"
        task.printable = task.kind in PRINTABLE and task.status == "todo"
        rows[task.customer_id].tasks.append(task)
    if not kind:
        asked_ones = pending_debtor_requests(organisation, collector=collector)
        for asked in asked_ones.prefetch_related(None).filter(customer_id__in=ids):
            rows[asked.customer_id].requests.append(asked)
        late = overdue_disputes(organisation, today=today, owner=collector)
        for dispute in late.filter(invoice__customer_id__in=ids):
            dispute.days_late = (today - dispute.due_on).days  # type: ignore[attr-defined,operator]
            rows[dispute.invoice.customer_id].disputes.append(dispute)
    balances = CustomerBalance.objects.filter(organisation=organisation, customer_id__in=ids)
    for balance in balances.order_by("customer_id", "-overdue"):
        row = rows[balance.customer_id]
        wanted = row.top.currency if row.top is not None else row.currency
        if balance.currency == wanted or not row.overdue:
            row.currency, row.overdue, row.not_due = (
                balance.currency,
                balance.overdue,
                balance.not_due,
            )
            oldest = balance.oldest_due_date
            row.days_late = (today - oldest).days if oldest and oldest < today else None
    return [rows[pk] for pk in ids if pk in rows]


def _customers(organisation: Organisation, ids: list[int]) -> QuerySet[Customer]:
    """The customers with what the "why" tells: last call and its outcome, last broken
    promise (the last contact comes with ``dunning``)."""
    calls = CallOutcome.objects.filter(
        organisation=organisation, reminder__customer_id=OuterRef("pk")
    ).order_by("-called_on", "-id")
    broken = Promise.objects.filter(customer_id=OuterRef("pk"), broken_on__isnull=False).order_by(
        "-broken_on"
    )
    return (
        Customer.objects.filter(organisation=organisation, pk__in=ids)
        .select_related("collector", "dunning")
        .annotate(
            last_call_on=Subquery(calls.values("called_on")[:1]),
            last_call_outcome=Subquery(calls.values("outcome")[:1]),
            broken_promise_on=Subquery(broken.values("promised_on")[:1]),
        )
    )
