"""Reads behind the customer pages: the filtered list and the head of a customer's page.

The list is one query over the organisation's customers joined to their balance in one
currency (``CustomerBalance``, kept up to date by the ledger) and to their dunning state, so
that 100,000 customers sort and filter by amount without summing any instalment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum

from relance.accounts.models import AuditEvent, Membership, Organisation, Role, User
from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    PaymentPlan,
    PaymentPlanStatus,
    Promise,
    Scenario,
    Segment,
)
from relance.dunning.scenarios import DEFAULT_SCENARIO
from relance.ledger.models import Contact, Customer, CustomerBalance, Invoice
from relance.ledger.search import customer_condition

ZERO = Decimal("0.00")
DSO_DAYS = 90
# Overdue bucket of a customer, by its oldest overdue item: (first day late, last day late).
BUCKETS: dict[str, tuple[int, int | None]] = {
    "1_30": (1, 30),
    "31_60": (31, 60),
    "61_90": (61, 90),
    "over_90": (91, None),
}
# What the list shows of a customer's balance, named alike on the customer and the balance.
FIGURES = ("outstanding", "overdue", "oldest_due_date")
SORTS: dict[str, tuple[Any, ...]] = {
    "overdue": (F("bal__overdue").desc(nulls_last=True), "name", "id"),
    "outstanding": (F("bal__outstanding").desc(nulls_last=True), "name", "id"),
    "name": ("name", "id"),
}


@dataclass(frozen=True)
class CustomerFilters:
    currency: str
    q: str = ""
    segment: str = ""
    collector: User | None = None
    no_collector: bool = False
    bucket: str = ""
    scenario: Scenario | None = None
    paused: bool | None = None
    sort: str = "overdue"


def currencies_of(organisation: Organisation) -> list[str]:
    """The currencies customers owe in, the organisation's own first."""
    found = set(
        CustomerBalance.objects.filter(organisation=organisation)
        .values_list("currency", flat=True)
        .distinct()
    )
    found.discard(organisation.default_currency)
    return [organisation.default_currency, *sorted(found)]


def collectors_of(organisation: Organisation) -> list[User]:
    """Who may be given customers: the organisation's collectors and admins."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation=organisation, role__in=[Role.COLLECTOR, Role.ADMIN]
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    ]


def _scenario_condition(organisation: Organisation, scenario: Scenario) -> Q:
    """Customers chased with ``scenario``: their own choice, else their segment's (the same
    precedence as the daily run, ``relance.dunning.state.customer_states``). ``key`` leads
    from the queried model to the customer's id."""
    segments = list(
        Segment.objects.filter(organisation=organisation).values_list("key", "scenario_id")
    )
    keys = {key for key, chosen in segments if chosen == scenario.pk}
    keys |= {key for key, chosen in segments if chosen is None and key == scenario.key}
    if scenario.key != DEFAULT_SCENARIO:
        chosen = Q(scenario=scenario) | Q(scenario__isnull=True, segment__in=keys)
        return _dunning_in(chosen)
    # The default scenario takes everyone whose own choice or segment leads nowhere else.
    known = Scenario.objects.filter(organisation=organisation).values_list("key", flat=True)
    led = ({key for key, chosen in segments if chosen is not None} | set(known)) - keys
    elsewhere = (Q(scenario__isnull=False) & ~Q(scenario=scenario)) | Q(
        scenario__isnull=True, segment__in=led
    )
    return ~_dunning_in(elsewhere)


def _dunning_in(condition: Q) -> Q:
    """Customers (by ``customer_id``) whose dunning state matches: one ``IN`` subquery, read
    once, rather than a join row by row (the dunning rows carry large explanations)."""
    return Q(customer_id__in=CustomerDunning.objects.filter(condition).values("customer_id"))


def _customer_condition(organisation: Organisation, filters: CustomerFilters) -> tuple[Q, Q]:
    """What the customer must match: on its own row, and on its dunning state (a condition
    on ``customer_id``, to apply to a model that has that column)."""
    own, dunning = Q(), Q()
    if filters.q.strip():
        own &= customer_condition(organisation, filters.q)
    if filters.collector is not None:
        own &= Q(collector=filters.collector)
    elif filters.no_collector:
        own &= Q(collector__isnull=True)
    if filters.segment:
        dunning &= _dunning_in(Q(segment=filters.segment))
    if filters.scenario is not None:
        dunning &= _scenario_condition(organisation, filters.scenario)
    if filters.paused is not None:
        paused = _dunning_in(Q(paused=True))
        dunning &= paused if filters.paused else ~paused
    return own, dunning


def _bucket_condition(bucket: str, today: date, prefix: str = "") -> Q:
    """Customers whose oldest overdue item is late by a number of days in the bucket;
    ``prefix`` leads from the queried model to the balance."""
    first, last = BUCKETS[bucket]
    condition = Q(**{f"{prefix}overdue__gt": 0,
                     f"{prefix}oldest_due_date__lte": today - timedelta(first)})  # fmt: skip
    if last is not None:
        condition &= Q(**{f"{prefix}oldest_due_date__gte": today - timedelta(last)})
    return condition


def _with_balance(rows: QuerySet[Customer], currency: str) -> QuerySet[Customer]:
    return (
        rows.annotate(bal=FilteredRelation("balances", condition=Q(balances__currency=currency)))
        .annotate(
            outstanding=F("bal__outstanding"),
            overdue=F("bal__overdue"),
            oldest_due_date=F("bal__oldest_due_date"),
        )
        .select_related("collector", "dunning")
        .defer("dunning__segment_explanation")
    )


def _with_figures(balance: CustomerBalance) -> Customer:
    """The balance's customer, carrying the figures the list shows."""
    customer = balance.customer
    customer.outstanding = balance.outstanding  # type: ignore[attr-defined]
    customer.overdue = balance.overdue  # type: ignore[attr-defined]
    customer.oldest_due_date = balance.oldest_due_date  # type: ignore[attr-defined]
    return customer


@dataclass(frozen=True)
class CustomerList:
    """The customers of a list in order, read a page at a time.

    Sorted by amount, the customers who owe something in the currency come first, read
    along the balance index (``organisation, currency, -overdue``) so that a page costs
    what it shows; the customers who owe nothing follow, by name. A search reads the few
    customers it matches and sorts them.
    """

    organisation: Organisation
    filters: CustomerFilters
    today: date

    def _customers(self) -> QuerySet[Customer]:
        """Customer-driven: for a sort by name, or the few customers a search found."""
        own, dunning = _customer_condition(self.organisation, self.filters)
        rows = Customer.objects.filter(organisation=self.organisation).filter(own)
        if dunning:
            # ``customer_id`` here is the customer's own id, through its balance-free alias.
            rows = rows.annotate(customer_id=F("pk")).filter(dunning)
        rows = _with_balance(rows, self.filters.currency)
        if self.filters.bucket in BUCKETS:
            rows = rows.filter(_bucket_condition(self.filters.bucket, self.today, "bal__"))
        return rows

    def owing(self) -> QuerySet[CustomerBalance]:
        """Balance-driven, along the index in amount order; a page reads what it shows."""
        field = "overdue" if self.filters.sort == "overdue" else "outstanding"
        rows = CustomerBalance.objects.filter(
            organisation=self.organisation, currency=self.filters.currency
        )
        own, dunning = _customer_condition(self.organisation, self.filters)
        if own:
            matching = Customer.objects.filter(organisation=self.organisation).filter(own)
            rows = rows.filter(customer__in=matching.values("pk"))
        rows = rows.filter(dunning)
        if self.filters.bucket in BUCKETS:
            rows = rows.filter(_bucket_condition(self.filters.bucket, self.today))
        return (
            rows.select_related("customer", "customer__collector", "customer__dunning")
            .defer("customer__dunning__segment_explanation")
            .order_by(f"-{field}", "-id")
        )

    def owing_nothing(self) -> QuerySet[Customer]:
        has_balance = CustomerBalance.objects.filter(
            customer=OuterRef("pk"), currency=self.filters.currency
        )
        return self._customers().filter(~Exists(has_balance)).order_by("name", "id")

    def _owing(self, offset: int, limit: int) -> list[Customer]:
        return [_with_figures(balance) for balance in self.owing()[offset : offset + limit]]

    def every_values(self, fields: Sequence[str], chunk: int = 2_000) -> Iterator[tuple[Any, ...]]:
        """``fields`` of all the customers of the list, in its order, as tuples of streamed
        queries (an export): no model is built. Fields are named from the customer, the
        figures as ``outstanding``, ``overdue`` and ``oldest_due_date``."""
        sort = self.filters.sort if self.filters.sort in SORTS else "overdue"
        if self.filters.q.strip() or sort == "name":
            searched = self._customers().order_by(*SORTS[sort])
            yield from searched.values_list(*fields).iterator(chunk_size=chunk)
            return
        from_balance = [field if field in FIGURES else f"customer__{field}" for field in fields]
        yield from self.owing().values_list(*from_balance).iterator(chunk_size=chunk)
        if self.filters.bucket not in BUCKETS:  # only customers who owe something have one
            yield from self.owing_nothing().values_list(*fields).iterator(chunk_size=chunk)

    def fetch(self, offset: int, limit: int) -> list[Customer]:
        sort = self.filters.sort if self.filters.sort in SORTS else "overdue"
        if self.filters.q.strip() or sort == "name":
            return list(self._customers().order_by(*SORTS[sort])[offset : offset + limit])
        found = self._owing(offset, limit)
        if len(found) == limit or self.filters.bucket in BUCKETS:
            return found  # only customers who owe something have a bucket
        # The owing customers end on this page (or before): the others follow, by name.
        owing_count = offset + len(found) if found or not offset else self.owing().count()
        start = max(0, offset - owing_count)
        return found + list(self.owing_nothing()[start : start + limit - len(found)])


# ------------------------------------------------------------------ one customer's head


@dataclass(frozen=True)
class CurrencyFigures:
    balance: CustomerBalance
    sales: Decimal  # invoiced over the last DSO_DAYS days
    dso: int | None  # days of sales outstanding, None without recent sales

    @property
    def currency(self) -> str:
        return self.balance.currency


@dataclass(frozen=True)
class PauseState:
    paused: bool
    reason: str = ""
    since: date | None = None
    by: str = ""
    until: date | None = None  # the last day of the pause, when it has an end


@dataclass(frozen=True)
class Agreements:
    """What holds the customer's reminders besides a pause: disputes, a promise, a plan."""

    disputes: int
    overdue_disputes: int
    promise: Promise | None  # the next promised date still to come
    plan: PaymentPlan | None  # the plan under way


def customer_agreements(customer: Customer, *, today: date) -> Agreements:
    disputes = Dispute.objects.filter(invoice__customer=customer, closed_on=None)
    return Agreements(
        disputes=disputes.count(),
        overdue_disputes=disputes.filter(due_on__lt=today).count(),
        promise=Promise.objects.filter(customer=customer, broken_on=None, promised_on__gte=today)
        .order_by("promised_on", "id").first(),
        plan=PaymentPlan.objects.filter(customer=customer, status=PaymentPlanStatus.ACTIVE)
        .order_by("agreed_on", "id").first(),
    )  # fmt: skip


@dataclass(frozen=True)
class CustomerHead:
    figures: list[CurrencyFigures]
    avg_days_late: Decimal | None
    dunning: CustomerDunning | None
    pause: PauseState
    contacts: list[Contact] = field(default_factory=list)


def customer_figures(customer: Customer, *, today: date) -> list[CurrencyFigures]:
    """What the customer owes, aged, per currency, and a simple DSO: outstanding divided by
    what was invoiced over the last 90 days, times 90."""
    balances = list(CustomerBalance.objects.filter(customer=customer).order_by("currency"))
    sales = dict(
        Invoice.objects.filter(
            customer=customer, issue_date__gt=today - timedelta(DSO_DAYS), issue_date__lte=today
        )
        .values("currency")
        .annotate(total=Sum("amount_incl_tax"))
        .order_by()
        .values_list("currency", "total")
    )
    figures = []
    for balance in balances:
        sold = Decimal(sales.get(balance.currency) or ZERO)
        dso = round(balance.outstanding / sold * DSO_DAYS) if sold > 0 else None
        figures.append(CurrencyFigures(balance=balance, sales=sold, dso=dso))
    return figures


def pause_state(customer: Customer, dunning: CustomerDunning | None) -> PauseState:
    """Whether reminders are suspended, and why: the reason lives in the audit trail."""
    if dunning is None or not dunning.paused:
        return PauseState(paused=False)
    until = dunning.paused_until
    event = (
        AuditEvent.objects.filter(
            organisation_id=customer.organisation_id,
            entity_type="customer",
            entity_id=str(customer.uuid),
            action="customer_pause",
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:  # paused by an import or by hand in the admin: no reason recorded
        return PauseState(paused=True, until=until)
    who = event.actor.get_full_name() or event.actor.email if event.actor else event.actor_label
    return PauseState(
        paused=True,
        reason=str((event.after or {}).get("reason", "")),
        since=event.at.date(),
        by=who,
        until=until,
    )


def customer_head(customer: Customer, *, today: date) -> CustomerHead:
    dunning = CustomerDunning.objects.select_related("scenario").filter(customer=customer).first()
    explanation = dunning.segment_explanation if dunning else {}
    late = (explanation.get("figures") or {}).get("avg_days_late")
    return CustomerHead(
        figures=customer_figures(customer, today=today),
        avg_days_late=Decimal(str(late)) if late is not None else None,
        dunning=dunning,
        pause=pause_state(customer, dunning),
        contacts=list(customer.contacts.order_by("-is_primary", "name", "id")),
    )
