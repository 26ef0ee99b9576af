"""Tasks withdrawn from the to-do, and reminders cancelled, in a few statements whatever their
number: the same reminders, notes and audit rows as one by one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent
from relance.dunning.completion import reminders_cancel
from relance.dunning.models import Reminder
from relance.dunning.run import run_day
from relance.dunning.todo import open_todo, todo_withdraw_settled
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create, invoice_create, payment_record

DAY = date(2026, 3, 10)
CHECK = Actor.system("still-due check")


def _tasks(organisation, count: int) -> list[Reminder]:
    """``count`` customers, each with one task on the to-do."""
    actor = Actor.system("test")
    for n in range(count):
        found = customer_create(organisation=organisation, external_ref=f"K{n:02}",
                                name=f"Client {n}", actor=actor)  # fmt: skip
        invoice_create(organisation=organisation, customer=found, number=f"F-{n:02}",
                       issue_date=date(2026, 2, 1), due_date=date(2026, 3, 2),
                       amount_incl_tax=Decimal("100.00") + n, actor=actor)  # fmt: skip
    run_day(organisation=organisation, day=DAY, actor=actor)
    rows = Reminder.objects.filter(organisation=organisation)
    rows.update(status="todo", mode="manual", notes=["Étape manuelle."])
    return list(rows.order_by("customer__external_ref"))


def _pay(organisation, numbers: list[str]) -> None:
    for invoice in Invoice.objects.filter(organisation=organisation, number__in=numbers):
        payment_record(organisation=organisation, customer=invoice.customer, date=DAY,
                       reference=f"VIR-{invoice.number}", amount=invoice.amount_incl_tax,
                       invoice=invoice, actor=Actor.system("test"))  # fmt: skip


def _withdrawn(organisation) -> tuple[dict[int, str], int]:
    with CaptureQueriesContext(connection) as queries:
        reasons = todo_withdraw_settled(organisation=organisation, today=DAY, actor=CHECK)
    return reasons, len(queries)


def test_withdrawing_settled_tasks_takes_as_many_statements_for_two_as_for_ten(organisation):
    tasks = _tasks(organisation, 13)
    _pay(organisation, ["F-00", "F-01"])
    two, few = _withdrawn(organisation)
    _pay(organisation, [f"F-{n:02}" for n in range(2, 12)])
    ten, many = _withdrawn(organisation)
    assert (len(two), len(ten)) == (2, 10)
    assert few == many
    assert [r.customer.external_ref for r in open_todo(organisation, today=DAY)] == ["K12"]
    # Each withdrawn task says why, and the audit trail has one row for each.
    first = Reminder.objects.get(pk=tasks[0].pk)
    assert first.status == "cancelled"
    assert first.notes == ["Étape manuelle.",
                           "Annulée : Plus rien n'est dû : un paiement ou un avoir a soldé"
                           " les factures concernées."]  # fmt: skip
    events = AuditEvent.objects.filter(organisation=organisation, action="reminder_cancel")
    assert events.count() == 12
    event = events.get(entity_id=str(tasks[0].uuid))
    assert (event.entity_type, event.actor_label) == ("reminder", "still-due check")
    assert event.before == {"status": "todo"}
    assert event.after == {"status": "cancelled", "reason": "settled"}


def test_cancelling_leaves_alone_what_is_done_and_other_organisations_reminders(
    organisation, other_organisation
):
    sent, waiting = _tasks(organisation, 2)
    Reminder.objects.filter(pk=sent.pk).update(status="sent")
    (foreign,) = _tasks(other_organisation, 1)
    reasons = {sent.pk: "settled", waiting.pk: "paused", foreign.pk: "settled"}
    assert reminders_cancel(organisation=organisation, reasons=reasons, actor=CHECK) == 1
    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses == {sent.pk: "sent", waiting.pk: "cancelled", foreign.pk: "todo"}
    assert Reminder.objects.get(pk=waiting.pk).notes[-1] == (
        "Annulée : Les relances de ce client sont en pause."
    )
    assert AuditEvent.objects.filter(action="reminder_cancel").count() == 1
