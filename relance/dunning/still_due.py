""" "Is it still due?": the one question every exit asks the ledger before anything reaches a
debtor.

An e-mail or SMS after it is claimed for sending, a letter or formal notice when it is printed
and when it is marked posted, a call or legal task when it is opened or listed: each asks
``still_due_reasons`` about the items it covers. A paid or credited item, an open dispute, a
promise that holds, an active payment plan (or one the debtor asked for and nobody answered
yet) or a paused customer stops it, with the reason; the
caller cancels the message or takes the task off the to-do (``reminders_cancel``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from functools import cache
from typing import TypeVar

from django.db import connection
from django.db.models import ManyToManyField, Model
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.core.planner import pause_holds
from relance.dunning.models import (
    CustomerDunning,
    DebtorRequest,
    DebtorRequestKind,
    DebtorRequestStatus,
    Dispute,
    PaymentPlan,
    PaymentPlanStatus,
    Promise,
)
from relance.dunning.promises import promises_holding_since
from relance.ledger.models import Allocation, Instalment
from relance.lib.bulk import quoted_names

K = TypeVar("K", bound=Hashable)

REASONS = {
    "settled": _("Plus rien n'est dû : un paiement ou un avoir a soldé les factures concernées."),
    "changed": _(
        "Un paiement ou un avoir est arrivé depuis la préparation : les montants "
        "du message ne sont plus justes."
    ),
    "disputed": _("Un litige est ouvert sur une facture concernée."),
    "promised": _("Une promesse de paiement en cours couvre une facture concernée."),
    "payment_plan": _(
        "Un échéancier, en cours ou demandé par le client, couvre une facture concernée."
    ),
    "paused": _("Les relances de ce client sont en pause."),
}


@dataclass(frozen=True)
class Covered:
    """What a message or task is about: its customer, and per instalment id the amount it
    states (None when it states none of its own: a letter printed with the day's figures)."""

    customer_id: int
    items: Mapping[int, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class StillDueCheck:
    """The question asked for one organisation on one day: its settings are read once, the
    ledger afresh at every ``reasons`` call. A sending batch makes one and asks it after each
    claim; each call is two small statements, whatever the number of items."""

    organisation_id: int
    today: date
    since: date  # the earliest promise date that still holds today

    @classmethod
    def for_day(cls, organisation: Organisation, *, today: date) -> StillDueCheck:
        return cls(organisation.pk, today, promises_holding_since(organisation, today=today))

    def reasons(self, covered: Mapping[K, Covered]) -> dict[K, str]:
        """Why some of these must not go ahead any more (a reason code of ``REASONS``);
        those absent from the answer may."""
        ids = sorted({pk for entry in covered.values() for pk in entry.items})
        facts = self._item_facts(ids)
        paused = self._paused(sorted({entry.customer_id for entry in covered.values()}))
        found: dict[K, str] = {}
        for key, entry in covered.items():
            reason = _reason(entry, facts, paused)
            if reason:
                found[key] = reason
        return found

    def _item_facts(self, ids: list[int]) -> dict[int, tuple[Decimal, bool, bool, bool]]:
        """Per instalment: what is still owed, and whether a dispute, a promise that holds or
        an active payment plan covers its invoice."""
        facts: dict[int, tuple[Decimal, bool, bool, bool]] = {}
        since = connection.ops.adapt_datefield_value(self.since)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                cursor.execute(_facts_sql(len(chunk)),
                               [since, PaymentPlanStatus.ACTIVE.value,
                                DebtorRequestKind.PLAN.value, DebtorRequestStatus.PENDING.value,
                                *chunk])  # fmt: skip
                for pk, organisation, owed, disputed, promised, in_plan in cursor.fetchall():
                    if organisation == self.organisation_id:
                        facts[pk] = (_decimal(owed), bool(disputed), bool(promised),
                                     bool(in_plan))  # fmt: skip
        return facts

    def _paused(self, customer_ids: list[int]) -> set[int]:
        """The customers whose pause holds today (the planner's rule: an end date past is a
        pause over, even before the morning run records the resume)."""
        paused: set[int] = set()
        with connection.cursor() as cursor:
            for start in range(0, len(customer_ids), CHUNK):
                chunk = customer_ids[start : start + CHUNK]
                cursor.execute(_paused_sql(len(chunk)), chunk)
                paused.update(
                    pk for pk, until in cursor.fetchall()
                    if pause_holds(True, _day(until), self.today)
                )  # fmt: skip
        return paused


def still_due_reasons(
    organisation: Organisation, covered: Mapping[K, Covered], *, today: date
) -> dict[K, str]:
    """Why some of these messages or tasks must not go ahead any more (a reason code of
    ``REASONS``); those absent from the answer may."""
    return StillDueCheck.for_day(organisation, today=today).reasons(covered)


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


# Ids per statement, well below every database's limit on parameters.
CHUNK = 500
# SQLite returns the sums of its decimal columns as floats: read them as Django does (15
# significant digits), so that 0.1 + 0.2 owed compares as 0.3.
_FLOAT = Context(prec=15)


def _decimal(value: object) -> Decimal:
    if isinstance(value, float):
        return _FLOAT.create_decimal_from_float(value)
    return Decimal(str(value))


def _through(model: type[Model], relation: str) -> tuple[str, str, str]:
    """The link table of a many-to-many field to invoices: (table, owner column, invoice
    column)."""
    link = model._meta.get_field(relation)
    assert isinstance(link, ManyToManyField)
    through = link.remote_field.through
    assert through is not None
    quote = connection.ops.quote_name
    return (quote(through._meta.db_table), quote(link.m2m_column_name()),
            quote(link.m2m_reverse_name()))  # fmt: skip


@cache
def _facts_template() -> str:
    """The facts of a set of instalments, written once: the ORM would build the same
    statement anew for each message of a batch, at many times the cost of running it.

    The organisation is checked on the rows read rather than in the WHERE clause: given
    both, SQLite (without statistics) walks the organisation's index, every instalment of
    it, instead of fetching the few ids by primary key."""
    instalment, pk, amount, invoice, organisation = quoted_names(
        Instalment, "id", "amount", "invoice", "organisation"
    )
    allocation, allocated, allocation_instalment = quoted_names(Allocation, "amount", "instalment")
    dispute, dispute_invoice, closed_on = quoted_names(Dispute, "invoice", "closed_on")
    promise, promise_pk, broken_on, promised_on = quoted_names(Promise, "id", "broken_on",
                                                         "promised_on")  # fmt: skip
    promise_link, link_promise, link_invoice = _through(Promise, "invoices")
    plan, plan_pk, status = quoted_names(PaymentPlan, "id", "status")
    plan_link, link_plan, plan_invoice = _through(PaymentPlan, "invoices")
    asked, asked_pk, kind, asked_status = quoted_names(DebtorRequest, "id", "kind", "status")
    asked_link, link_asked, asked_invoice = _through(DebtorRequest, "invoices")
    return (
        f"SELECT i.{pk}, i.{organisation}, i.{amount} - COALESCE((SELECT SUM(a.{allocated})"
        f" FROM {allocation} a WHERE a.{allocation_instalment} = i.{pk}), 0),"
        f" EXISTS(SELECT 1 FROM {dispute} d WHERE d.{dispute_invoice} = i.{invoice}"
        f" AND d.{closed_on} IS NULL),"
        f" EXISTS(SELECT 1 FROM {promise} p JOIN {promise_link} pl ON pl.{link_promise} ="
        f" p.{promise_pk} WHERE pl.{link_invoice} = i.{invoice} AND p.{broken_on} IS NULL"
        f" AND p.{promised_on} >= %s),"
        f" (EXISTS(SELECT 1 FROM {plan} q JOIN {plan_link} ql ON ql.{link_plan} = q.{plan_pk}"
        f" WHERE ql.{plan_invoice} = i.{invoice} AND q.{status} = %s)"
        f" OR EXISTS(SELECT 1 FROM {asked} r JOIN {asked_link} rl"
        f" ON rl.{link_asked} = r.{asked_pk} WHERE rl.{asked_invoice} = i.{invoice}"
        f" AND r.{kind} = %s AND r.{asked_status} = %s))"
        f" FROM {instalment} i WHERE i.{pk} IN ({{ids}})"
    )


@cache
def _facts_sql(count: int) -> str:
    return _facts_template().replace("{ids}", ", ".join(["%s"] * count))


@cache
def _paused_sql(count: int) -> str:
    table, customer, paused, until = quoted_names(
        CustomerDunning, "customer", "paused", "paused_until"
    )
    placeholders = ", ".join(["%s"] * count)
    return (
        f"SELECT {customer}, {until} FROM {table} WHERE {paused} AND {customer} IN ({placeholders})"
    )


def _day(value: object) -> date | None:
    """A date column as the database driver gives it (SQLite: ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
