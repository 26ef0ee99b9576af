"""Loading what the planner needs for a whole organisation, in a handful of set-based queries."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q

from relance.accounts.models import Organisation
from relance.core.planner import CustomerState, ItemState
from relance.core.scenario import Scenario
from relance.dunning.completion import UNDER_WAY
from relance.dunning.models import (
    CustomerDunning,
    DebtorRequest,
    DebtorRequestKind,
    DebtorRequestStatus,
    Dispute,
    InstalmentDunning,
    PaymentPlan,
    PaymentPlanStatus,
    Promise,
    Reminder,
)
from relance.dunning.scenarios import DEFAULT_SCENARIO
from relance.dunning.segments import segment_scenarios
from relance.ledger.models import Customer
from relance.ledger.selectors import open_instalments

CENT = Decimal("0.01")


def open_items(
    organisation: Organisation, *, only: set[int] | None = None
) -> dict[int, list[ItemState]]:
    """Open items with their dunning state, per customer id (of the customers ``only``
    names, when given: a page about one customer reads that customer's items alone)."""
    scope = Q() if only is None else Q(customer_id__in=sorted(only))
    item_scope = Q() if only is None else Q(instalment__customer_id__in=sorted(only))
    open_dispute = Dispute.objects.filter(invoice_id=OuterRef("invoice_id"), closed_on=None)
    promised = (
        Promise.objects.filter(invoices=OuterRef("invoice_id"), broken_on=None)
        .values("invoices")
        .annotate(until=Max("promised_on"))
        .values("until")
    )
    in_plan = PaymentPlan.objects.filter(
        invoices=OuterRef("invoice_id"), status=PaymentPlanStatus.ACTIVE
    )
    # A plan the debtor asked for holds its invoices like an agreed one until it is answered.
    plan_asked = DebtorRequest.objects.filter(
        invoices=OuterRef("invoice_id"), kind=DebtorRequestKind.PLAN,
        status=DebtorRequestStatus.PENDING,
    )  # fmt: skip
    rows = (
        open_instalments(organisation)
        .filter(scope)
        .annotate(
            disputed=Exists(open_dispute), promised_until=promised, in_plan=Exists(in_plan),
            plan_asked=Exists(plan_asked),
        )
        .values_list(
            "id", "customer_id", "invoice__number", "due_date", "outstanding",
            "invoice__currency", "disputed", "promised_until", "in_plan", "plan_asked",
        )
        .order_by()
    )  # fmt: skip
    states = {
        row[0]: row[1:]
        for row in InstalmentDunning.objects.filter(
            item_scope, instalment__organisation=organisation
        ).values_list(
            "instalment_id", "last_step", "last_step_on", "shift_days", "resumed_on", "repeats"
        )
    }
    items: dict[int, list[ItemState]] = {}
    for (
        pk,
        customer_id,
        number,
        due,
        outstanding,
        currency,
        disputed,
        until,
        in_plan,
        plan_asked,
    ) in rows.iterator(20_000):
        last_step, last_on, shift, resumed, repeats = states.get(pk, ("", None, 0, None, 0))
        items.setdefault(customer_id, []).append(
            ItemState(
                id=pk, invoice_number=number, due_date=due,
                outstanding=Decimal(outstanding).quantize(CENT), currency=currency,
                last_step=last_step or None, last_step_on=last_on, shift_days=shift,
                resumed_on=resumed, disputed=bool(disputed), promised_until=until,
                in_payment_plan=bool(in_plan or plan_asked), repeats=repeats,
            )
        )  # fmt: skip
    return items


def customer_states(
    organisation: Organisation, scenarios: dict[int, Scenario], *, only: set[int] | None = None
) -> Iterator[CustomerState]:
    """Customers that have open items, with their scenario and contact history."""
    items = open_items(organisation, only=only)
    by_key = {scenario.key: scenario for scenario in scenarios.values()}
    by_segment = segment_scenarios(organisation)  # segment key -> scenario id, when chosen
    default = by_key[DEFAULT_SCENARIO]
    dunning = {
        row[0]: row[1:]
        for row in CustomerDunning.objects.filter(customer__organisation=organisation)
        .filter(Q(customer_id__in=list(items)) if len(items) < 5000 else Q())
        .values_list(
            "customer_id", "segment", "scenario_id", "paused", "paused_until",
            "last_contact_on", "first_reminder_on", "first_reminder_paper",
        )
    }  # fmt: skip
    under_way = set(
        Reminder.objects.filter(organisation=organisation, status__in=UNDER_WAY)
        .filter(Q() if only is None else Q(customer_id__in=sorted(only)))
        .values_list("customer_id", flat=True).distinct()
    )  # fmt: skip
    ids = sorted(items if only is None else set(items) & only)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for pk, ref, country, postal_code, kind in Customer.objects.filter(
            pk__in=chunk
        ).values_list("id", "external_ref", "country", "postal_code", "kind"):
            segment, scenario_id, paused, until, last_contact, first_on, first_paper = dunning.get(
                pk, ("", None, False, None, None, None, False)
            )
            # The customer's own scenario, else its segment's, else the one named like the
            # segment, else the default.
            scenario = (
                (scenarios.get(scenario_id) if scenario_id else None)
                or (scenarios.get(by_segment[segment]) if segment in by_segment else None)
                or by_key.get(segment)
                or default
            )
            yield CustomerState(
                id=pk, ref=ref, scenario=scenario, items=tuple(items[pk]), country=country,
                postal_code=postal_code, kind=kind, paused=paused, paused_until=until,
                last_contact_on=last_contact,
                first_reminder_on=first_on, first_reminder_paper=first_paper,
                pending=pk in under_way,
            )  # fmt: skip
