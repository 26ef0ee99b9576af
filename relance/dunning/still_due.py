""" "Is it still due?": the one question every exit asks the ledger before anything reaches a
debtor.

An e-mail or SMS after it is claimed for sending, a letter or formal notice when it is printed
and when it is marked posted, a call or legal task when it is opened or listed: each asks
``still_due_reasons`` about the items it covers. A paid or credited item, an open dispute, a
promise that holds, an active payment plan or a paused customer stops it, with the reason; the
caller cancels the message or takes the task off the to-do (``reminders_cancel``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.dunning.models import (
    CustomerDunning,
    Dispute,
    PaymentPlan,
    PaymentPlanStatus,
    Promise,
)
from relance.dunning.promises import promises_holding_since
from relance.ledger.selectors import instalments_with_balance

K = TypeVar("K", bound=Hashable)

REASONS = {
    "settled": _("Plus rien n'est dû : un paiement ou un avoir a soldé les factures concernées."),
    "changed": _(
        "Un paiement ou un avoir est arrivé depuis la préparation : les montants "
        "du message ne sont plus justes."
    ),
    "disputed": _("Un litige est ouvert sur une facture concernée."),
    "promised": _("Une promesse de paiement en cours couvre une facture concernée."),
    "payment_plan": _("Un échéancier en cours couvre une facture concernée."),
    "paused": _("Les relances de ce client sont en pause."),
}


@dataclass(frozen=True)
class Covered:
    """What a message or task is about: its customer, and per instalment id the amount it
    states (None when it states none of its own: a letter printed with the day's figures)."""

    customer_id: int
    items: Mapping[int, Decimal | None] = field(default_factory=dict)


def still_due_reasons(
    organisation: Organisation, covered: Mapping[K, Covered], *, today: date
) -> dict[K, str]:
    """Why some of these messages or tasks must not go ahead any more (a reason code of
    ``REASONS``); those absent from the answer may. Two queries, whatever the batch."""
    ids = sorted({pk for entry in covered.values() for pk in entry.items})
    facts = _item_facts(organisation, ids, today=today)
    customers = sorted({entry.customer_id for entry in covered.values()})
    paused = set(
        CustomerDunning.objects.filter(customer_id__in=customers, paused=True)
        .values_list("customer_id", flat=True)
    )  # fmt: skip
    reasons: dict[K, str] = {}
    for key, entry in covered.items():
        reason = _reason(entry, facts, paused)
        if reason:
            reasons[key] = reason
    return reasons


def _reason(
    entry: Covered, facts: dict[int, tuple[Decimal, bool, bool, bool]], paused: set[int]
) -> str:
    if entry.customer_id in paused:
        return "paused"
    if not entry.items:
        return ""
    known = [(facts.get(pk), stated) for pk, stated in entry.items.items()]
    if all(fact is None or fact[0] <= 0 for fact, _ in known):
        return "settled"
    if any(fact is None or (stated is not None and fact[0] < stated) for fact, stated in known):
        return "changed"
    for index, reason in ((1, "disputed"), (2, "promised"), (3, "payment_plan")):
        if any(fact is not None and fact[0] > 0 and fact[index] for fact, _ in known):
            return reason
    return ""


def _item_facts(
    organisation: Organisation, ids: list[int], *, today: date
) -> dict[int, tuple[Decimal, bool, bool, bool]]:
    """Per instalment: what is still owed, and whether a dispute, a promise that holds or an
    active payment plan covers its invoice."""
    if not ids:
        return {}
    since = promises_holding_since(organisation, today=today)
    invoice = OuterRef("invoice_id")
    rows = (
        instalments_with_balance(organisation).filter(pk__in=ids)
        .annotate(
            disputed=Exists(Dispute.objects.filter(invoice_id=invoice, closed_on=None)),
            promised=Exists(Promise.objects.filter(invoices=invoice, broken_on=None,
                                                   promised_on__gte=since)),
            in_plan=Exists(PaymentPlan.objects.filter(invoices=invoice,
                                                      status=PaymentPlanStatus.ACTIVE)),
        )
        .values_list("id", "outstanding", "disputed", "promised", "in_plan")
    )  # fmt: skip
    return {
        pk: (Decimal(owed), bool(disputed), bool(promised), bool(in_plan))
        for pk, owed, disputed, promised, in_plan in rows
    }
