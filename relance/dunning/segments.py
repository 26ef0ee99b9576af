"""Segments of an organisation: their rules, the nightly recompute, and who is in which.

The figures of every customer are measured in a handful of set-based queries (one row per
due instalment, then GROUP BY customer over invoices, reminders, disputes and promises),
classified by ``relance.core.segmentation`` and written back in bulk. A segment a person
chose (``CustomerDunning.segment_is_manual``) is never replaced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.models import Organisation
from relance.core import segmentation as core
from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    Promise,
    ReminderItem,
    ReminderStatus,
    Scenario,
    Segment,
)
from relance.dunning.scenarios import DEFAULT_SCENARIO
from relance.ledger.models import Customer, Instalment, Invoice
from relance.lib import bulk
from relance.lib.forked import map_forked

ZERO = Decimal("0.00")
EPOCH = date(2000, 1, 1)
# Reminders that went out, or are about to (a manual task on the to-do counts as one).
COUNTED_REMINDERS = (ReminderStatus.SENT, ReminderStatus.READY, ReminderStatus.TODO)
_AMOUNT_DAYS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=24, decimal_places=2)


class DayNumber(Func):
    """Days from 2000-01-01 to a date column, as an integer, on SQLite and PostgreSQL."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - julianday('2000-01-01') AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra
        )


# ---------------------------------------------------------------------------- rules


@transaction.atomic
def segments_ensure_defaults(organisation: Organisation) -> None:
    """Give an organisation without segments the defaults (``bad_payer``, ``vip``, ``standard``).

    Only once: a segment the organisation later deleted or renamed is not brought back, and
    nothing is appended after its catch-all.
    """
    if Segment.objects.filter(organisation=organisation).exists():
        return
    Segment.objects.bulk_create(
        Segment(organisation=organisation, key=rule.key, name=rule.name, position=position,
                rule=rule.as_dict())
        for position, rule in enumerate(core.DEFAULT_RULES, 1)
    )  # fmt: skip


def segment_rules(organisation: Organisation) -> list[core.SegmentRule]:
    """The organisation's rules in the order they are tried; raises ``SegmentRuleError``."""
    rules = [
        core.SegmentRule.from_dict({**rule, "key": key, "name": name})
        for key, name, rule in Segment.objects.filter(organisation=organisation)
        .order_by("position", "id")
        .values_list("key", "name", "rule")
    ]
    core.check_rules(rules)
    return rules


def segment_scenarios(organisation: Organisation) -> dict[str, int]:
    """Segment key -> scenario id, for segments whose scenario was chosen explicitly."""
    return dict(
        Segment.objects.filter(organisation=organisation, scenario__isnull=False).values_list(
            "key", "scenario_id"
        )
    )


# -------------------------------------------------------------------------- figures


def portfolio_figures(organisation: Organisation, as_of: date) -> core.Portfolio:
    """The median invoice amount (in the organisation's currency) of invoices issued so far."""
    currency = organisation.default_currency
    amounts = Invoice.objects.filter(
        organisation=organisation, issue_date__lte=as_of, currency=currency
    ).order_by("amount_incl_tax")
    count = amounts.count()
    if not count:
        return core.Portfolio(median_invoice=None, currency=currency)
    middle = list(
        amounts.values_list("amount_incl_tax", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    value = middle[0] if count % 2 else (middle[0] + middle[1]) / 2
    return core.Portfolio(
        median_invoice=Decimal(value).quantize(Decimal("0.01")), currency=currency
    )


@dataclass
class _Tally:
    due_items: int = 0
    paid_items: int = 0
    late_paid: int = 0
    unpaid_late: int = 0
    paid_amount: Decimal = ZERO
    paid_amount_days: Decimal = ZERO


def _only(ids: list[int] | None, field_name: str) -> Q:
    return Q(**{f"{field_name}__in": ids}) if ids is not None else Q()


def _item_tallies(
    organisation: Organisation, as_of: date, ids: list[int] | None
) -> dict[int, _Tally]:
    """Per customer, what their instalments due by ``as_of`` say of how they pay: one row per
    instalment (with what was allocated to it by then) summed up per customer in the
    database, which gives back one row per customer instead of one per instalment."""
    settled = Q(allocations__date__lte=as_of)
    paid = settled & Q(allocations__payment__isnull=False)
    open_dispute = Dispute.objects.filter(
        invoice_id=OuterRef("invoice_id"), opened_on__lte=as_of
    ).filter(Q(closed_on=None) | Q(closed_on__gt=as_of))
    items = (
        Instalment.objects.filter(organisation=organisation, due_date__lte=as_of)
        .filter(_only(ids, "customer_id"))
        .values("id")
        .annotate(
            who=F("customer_id"),
            owed=F("amount"),
            due_day=DayNumber("due_date"),
            settled=Sum("allocations__amount", filter=settled),
            paid=Sum("allocations__amount", filter=paid),
            paid_day=Max(DayNumber("allocations__date"), filter=paid),
            paid_days=Sum(
                ExpressionWrapper(
                    F("allocations__amount") * DayNumber("allocations__date"),
                    output_field=_AMOUNT_DAYS,
                ),
                filter=paid,
            ),
            disputed=Exists(open_dispute),
        )
        .order_by()
        .values_list("who", "owed", "due_day", "settled", "paid", "paid_day", "paid_days",
                     "disputed")
    )  # fmt: skip
    inner, params = items.query.sql_with_params()
    late, today = core.LATE_DAYS, (as_of - EPOCH).days
    done = "(COALESCE(paid, 0) <> 0 AND COALESCE(settled, 0) >= owed)"
    sql = (
        f"SELECT who, COUNT(*), SUM(CASE WHEN {done} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {done} AND paid_day - due_day > {late} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN NOT {done} AND {today} - due_day > {late} AND NOT disputed"
        " THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {done} THEN paid ELSE 0 END),"
        f" SUM(CASE WHEN {done} THEN paid_days - paid * due_day ELSE 0 END)"
        f" FROM ({inner}) items GROUP BY who"
    )  # fmt: skip
    tallies: dict[int, _Tally] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for who, due, paid_items, late_paid, unpaid_late, amount, amount_days in cursor:
            tallies[who] = _Tally(
                due_items=due, paid_items=paid_items, late_paid=late_paid,
                unpaid_late=unpaid_late, paid_amount=_cents(amount),
                paid_amount_days=_cents(amount_days),
            )  # fmt: skip
    return tallies


def _cents(value: object) -> Decimal:
    """A sum from the database (a float on SQLite), to the cent."""
    return Decimal(str(value or 0)).quantize(ZERO)


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in rows}


def customer_figures(
    organisation: Organisation, as_of: date, *, customer_ids: list[int] | None = None
) -> dict[int, core.CustomerFigures]:
    """Figures of every customer (or of the ones named) as of a date, in set-based queries."""
    currency = organisation.default_currency
    tallies = _item_tallies(organisation, as_of, customer_ids)
    main = Q(currency=currency)
    invoices = _grouped(
        Invoice.objects.filter(organisation=organisation, issue_date__lte=as_of)
        .filter(_only(customer_ids, "customer_id"))
        .values("customer_id")
        .annotate(
            n=Count("id", filter=main),
            total=Sum("amount_incl_tax", filter=main),
            first=Min("issue_date"),
        )
        .order_by()
        .values_list("customer_id", "n", "total", "first")
    )
    reminders = _grouped(
        ReminderItem.objects.filter(
            reminder__organisation=organisation,
            reminder__run_date__lte=as_of,
            reminder__status__in=COUNTED_REMINDERS,
        )
        .filter(_only(customer_ids, "reminder__customer_id"))
        .values("reminder__customer_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reminder__customer_id", "n")
    )
    disputes = _grouped(
        Dispute.objects.filter(organisation=organisation, opened_on__lte=as_of)
        .filter(_only(customer_ids, "invoice__customer_id"))
        .values("invoice__customer_id")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(closed_on=None) | Q(closed_on__gt=as_of)),
        )
        .order_by()
        .values_list("invoice__customer_id", "n", "open")
    )
    promises = _grouped(
        Promise.objects.filter(organisation=organisation, broken_on__lte=as_of)
        .filter(_only(customer_ids, "customer_id"))
        .values("customer_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("customer_id", "n")
    )
    figures: dict[int, core.CustomerFigures] = {}
    for customer_id, since in (
        Customer.objects.filter(organisation=organisation)
        .filter(_only(customer_ids, "id"))
        .values_list("id", "customer_since")
        .iterator(20_000)
    ):
        tally = tallies.get(customer_id) or _Tally()
        n_invoices, total, first = invoices.get(customer_id, (0, None, None))
        start = since or first
        all_disputes, open_disputes = disputes.get(customer_id, (0, 0))
        figures[customer_id] = core.measure(
            paid_items=tally.paid_items,
            late_paid_items=tally.late_paid,
            unpaid_late_items=tally.unpaid_late,
            due_items=tally.due_items,
            paid_amount=tally.paid_amount,
            paid_amount_days=tally.paid_amount_days,
            reminder_items=reminders.get(customer_id, (0,))[0],
            relationship_days=None if start is None else max(0, (as_of - start).days),
            invoices=n_invoices,
            total_invoiced=Decimal(total or 0).quantize(Decimal("0.01")),
            open_disputes=open_disputes,
            disputes=all_disputes,
            broken_promises=promises.get(customer_id, (0,))[0],
        )
    return figures


# ------------------------------------------------------------------------ recompute


@dataclass
class SegmentsSummary:
    date: date
    segments: dict[str, int] = field(default_factory=dict)  # classified customers per segment
    changed: int = 0
    manual: int = 0  # customers whose segment a person chose: left alone

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "segments": dict(self.segments),
            "changed": self.changed,
            "manual": self.manual,
        }


def explanation_json(explanation: core.Explanation, as_of: date) -> dict[str, Any]:
    return {**explanation.as_dict(), "as_of": as_of.isoformat(), "manual": False}


def segments_plan(
    organisation: Organisation, as_of: date, rules: list[core.SegmentRule]
) -> core.SegmentPlan:
    """Where ``rules`` put every customer as of a date, compared with where they are now.

    The recompute writes this plan; the segment editor shows it before saving a rule."""
    portfolio = portfolio_figures(organisation, as_of)
    figures = customer_figures(organisation, as_of)
    current = {
        customer_id: core.Current(segment=segment, is_manual=manual)
        for customer_id, segment, manual in CustomerDunning.objects.filter(
            customer__organisation=organisation
        ).values_list("customer_id", "segment", "segment_is_manual")
    }
    return core.plan_segments(
        ((pk, current.get(pk, core.Current()), figures[pk]) for pk in sorted(figures)),
        rules,
        portfolio,
    )


@transaction.atomic
def segments_recompute(*, organisation: Organisation, as_of: date, actor: Actor) -> SegmentsSummary:
    """Put every customer whose segment nobody chose in the segment their history calls for."""
    # One writer per organisation: an import setting a segment by hand waits for us.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    segments_ensure_defaults(organisation)
    plan = segments_plan(organisation, as_of, segment_rules(organisation))
    changed = {pk for pk, _, _ in plan.changed}
    stored = dict(map_forked(partial(_stored, as_of=as_of, changed=changed),
                             list(plan.writes.items())))  # fmt: skip
    bulk.upsert_rows(
        CustomerDunning,
        ("customer", "segment", "segment_explanation"),
        ((pk, key, explanation) for pk, (key, explanation, _) in stored.items()),
        unique="customer",
        update=("segment", "segment_explanation"),
    )
    summary = SegmentsSummary(
        date=as_of, segments=plan.counts, changed=len(plan.changed), manual=plan.manual
    )
    uuids = _uuids(organisation, [pk for pk, _, _ in plan.changed])
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="customer_segment",
        entity_type="customer",
        changes=(
            (
                uuids[pk],
                {"segment": before},
                {"segment": after, "as_of": as_of.isoformat(), "reasons": stored[pk][2]},
            )
            for pk, before, after in plan.changed
        ),
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="segments_recompute",
        entity_type="organisation",
        entity_id=str(organisation.uuid),
        after=summary.as_dict(),
    )
    return summary


def _stored(
    write: tuple[int, tuple[str, core.Explanation]], *, as_of: date, changed: set[int]
) -> tuple[int, tuple[str, str, list[str]]]:
    """A customer's segment as stored: the explanation in JSON (worded in any language when
    shown), and for a customer who changed segment its reasons in French, for the audit
    trail."""
    pk, (key, why) = write
    explanation = json.dumps(explanation_json(why, as_of), ensure_ascii=False)
    reasons = [str(reason) for reason in why.reasons] if pk in changed else []
    return pk, (key, explanation, reasons)


def _uuids(organisation: Organisation, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        for pk, value in Customer.objects.filter(
            organisation=organisation, pk__in=ids[start : start + 500]
        ).values_list("id", "uuid"):
            found[pk] = str(value)
    return found


# ------------------------------------------------------------------------ selectors


@dataclass(frozen=True)
class CustomerSegment:
    key: str  # "" when never computed nor chosen
    name: str
    is_manual: bool
    scenario: str  # key of the scenario the customer is chased with
    explanation: dict[str, Any]


def customer_segment(organisation: Organisation, customer: Customer) -> CustomerSegment:
    """A customer's segment, whether a person chose it, its scenario and the explanation."""
    if customer.organisation_id != organisation.pk:
        raise LookupError(gettext("Ce client n'appartient pas à cette organisation."))
    dunning = CustomerDunning.objects.select_related("scenario").filter(customer=customer).first()
    key = dunning.segment if dunning else ""
    segment = (
        Segment.objects.select_related("scenario")
        .filter(organisation=organisation, key=key)
        .first()
    )
    if dunning is not None and dunning.scenario is not None:
        scenario = dunning.scenario.key
    elif segment is not None and segment.scenario is not None:
        scenario = segment.scenario.key
    elif key and Scenario.objects.filter(organisation=organisation, key=key).exists():
        scenario = key
    else:
        scenario = DEFAULT_SCENARIO
    return CustomerSegment(
        key=key,
        name=segment.name if segment else key,
        is_manual=bool(dunning and dunning.segment_is_manual),
        scenario=scenario,
        explanation=dict(dunning.segment_explanation) if dunning else {},
    )
