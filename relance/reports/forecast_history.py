"""The ledger as it stood on a day, read for the forecast (``relance.core.forecast``).

Only what was known on ``as_of`` is read: invoices issued by then, allocations dated by then
(a payment dated later leaves its invoice open on ``as_of``), promises and payment plans
recorded by then and still in force that day, disputes opened by then and not closed by then,
formal notices sent by then. Each is one set-based query; the instalments are streamed
(``forecast_instalments``), and only the open ones become objects: the paid ones are kept
as integers, per customer (``PaidHistory``).

An instalment fully settled by ``as_of`` with at least one payment among its allocations is a
past payment: its delay is the day of its last allocation less its due date. One settled by
credit notes only says nothing about how the customer pays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max, Min, Q

from relance.accounts.models import Organisation
from relance.core.forecast import STEPS, OpenItem
from relance.core.forecast_commitments import PLAN, PROMISE, Commitment
from relance.core.forecast_delays import PaidHistory
from relance.dunning.models import (
    Dispute,
    PaymentPlan,
    PaymentPlanInstalment,
    Promise,
    ReminderItem,
    ReminderStatus,
)
from relance.dunning.promises import promises_holding_since
from relance.reports.forecast_instalments import day, instalment_rows


@dataclass
class LedgerAsOf:
    """What the forecast of ``as_of`` is computed from."""

    as_of: date
    history: PaidHistory = field(default_factory=PaidHistory)
    items: list[OpenItem] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    dispute_days: list[int] = field(default_factory=list)
    numbers: dict[Hashable, str] = field(default_factory=dict)  # invoice id -> number, open ones


def ledger_as_of(organisation: Organisation, as_of: date) -> LedgerAsOf:
    disputed = _open_disputes(organisation, as_of)
    steps = _steps_reached(organisation, as_of)
    ledger = LedgerAsOf(as_of=as_of)
    paid_item = ledger.history.add
    days: dict[int, date] = {}  # one date object per distinct due date
    for rows in instalment_rows(organisation, as_of):
        for key, customer, due, cents, paid, payments, last, invoice, number, currency in rows:
            if paid >= cents:
                if payments and last is not None:
                    paid_item(customer, last - due, cents, formal_notice=key in steps)
                continue
            assert number is not None and currency is not None  # read for every open item
            due_date = days.get(due)
            if due_date is None:
                due_date = days[due] = day(due)
            step, step_on = steps.get(key, ("", None))
            ledger.numbers[invoice] = number
            ledger.items.append(
                OpenItem(key=key, invoice=invoice, customer=customer, currency=currency,
                         due_date=due_date, open_amount=Decimal(cents - paid).scaleb(-2),
                         disputed_since=disputed.get(invoice), step=step, step_on=step_on)
            )  # fmt: skip
    ledger.commitments = _promises(organisation, as_of) + _plans(organisation, as_of)
    ledger.dispute_days = [
        (closed - opened).days
        for opened, closed in Dispute.objects.filter(
            organisation=organisation, closed_on__lte=as_of
        ).values_list("opened_on", "closed_on")
        if closed is not None
    ]
    return ledger


def _open_disputes(organisation: Organisation, as_of: date) -> dict[int, date]:
    """Invoice id -> the day its dispute open on ``as_of`` was opened."""
    return dict(
        Dispute.objects.filter(organisation=organisation, opened_on__lte=as_of)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .values_list("invoice_id")
        .annotate(since=Min("opened_on"))
        .order_by()
    )


def _steps_reached(organisation: Organisation, as_of: date) -> dict[int, tuple[str, date]]:
    """Instalment id -> the latest of ``STEPS`` sent for it by ``as_of``, and when."""
    reached: dict[int, tuple[str, date]] = {}
    rows = (
        ReminderItem.objects.filter(
            reminder__organisation=organisation,
            reminder__status=ReminderStatus.SENT,
            reminder__channel__in=STEPS,
            reminder__run_date__lte=as_of,
        )
        .values_list("instalment_id", "reminder__channel")
        .annotate(on=Max("reminder__run_date"))
        .order_by()
    )
    for instalment, channel, on in rows:
        known = reached.get(instalment)
        if known is None or STEPS.index(channel) > STEPS.index(known[0]):
            reached[instalment] = (channel, on)
    return reached


def _promises(organisation: Organisation, as_of: date) -> list[Commitment]:
    """The promises recorded by ``as_of`` and still holding that day, the latest first."""
    promises = (
        Promise.objects.filter(
            organisation=organisation, recorded_on__lte=as_of,
            promised_on__gte=promises_holding_since(organisation, today=as_of),
        )
        .filter(Q(broken_on__isnull=True) | Q(broken_on__gt=as_of))
    )  # fmt: skip
    invoices: dict[int, set[int]] = defaultdict(set)
    links = Promise.invoices.through.objects.filter(promise__in=promises.values("pk"))
    for promise_id, invoice_id in links.values_list("promise_id", "invoice_id"):
        invoices[promise_id].add(invoice_id)
    return [
        Commitment(PROMISE, frozenset(invoices[pk]), ((promised_on, amount),))
        for pk, promised_on, amount in promises.order_by("-recorded_on", "-pk").values_list(
            "pk", "promised_on", "amount"
        )
    ]


def _plans(organisation: Organisation, as_of: date) -> list[Commitment]:
    """The payment plans agreed by ``as_of`` and not ended by then."""
    plans = PaymentPlan.objects.filter(organisation=organisation, agreed_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of)
    )
    invoices: dict[int, set[int]] = defaultdict(set)
    links = PaymentPlan.invoices.through.objects.filter(paymentplan__in=plans.values("pk"))
    for plan_id, invoice_id in links.values_list("paymentplan_id", "invoice_id"):
        invoices[plan_id].add(invoice_id)
    schedules: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for plan_id, due, amount in (
        PaymentPlanInstalment.objects.filter(plan__in=plans.values("pk"))
        .order_by("plan_id", "sequence")
        .values_list("plan_id", "due_date", "amount")
    ):
        schedules[plan_id].append((due, amount))
    return [
        Commitment(PLAN, frozenset(invoices[pk]), tuple(schedules[pk]))
        for pk in plans.order_by("-agreed_on", "-pk").values_list("pk", flat=True)
    ]
