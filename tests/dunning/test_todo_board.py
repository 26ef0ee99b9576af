"""The to-do by customer, read set-based: the order of the customers, the filters, the next
customer, and the rows' facts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from relance.accounts.audit import Actor
from relance.dunning.disputes import disputes_open
from relance.dunning.models import Reminder
from relance.dunning.services import dispute_close
from relance.dunning.todo_board import customer_todos, next_customer, todo_customers
from relance.ledger.services import customer_create, invoice_create
from tests.dunning.todo_helpers import RUN_DAY, customer, make_todo

LATER = RUN_DAY + timedelta(days=30)
ACTOR = Actor.system("test")


@pytest.fixture
def todo(organisation):
    return make_todo(organisation)


def ids(rows) -> list[int]:
    return [row["customer_id"] for row in rows]


def test_customers_come_largest_overdue_first_once_each(organisation, todo):
    Reminder.objects.filter(pk=todo.small_email.pk).update(customer=todo.call.customer)
    order = ids(todo_customers(organisation, today=LATER))
    refs = ["K-B", "K-A", "K-D"]
    assert order == [customer(organisation, ref).pk for ref in refs]
    rows = customer_todos(organisation, order, today=LATER)
    assert [len(row.tasks) for row in rows] == [2, 1, 1]
    garage = rows[0]
    assert [task.amount_due for task in garage.tasks] == sorted(
        (task.amount_due for task in garage.tasks), reverse=True
    )
    assert garage.overdue == garage.customer.balances.get().overdue
    assert garage.days_late == (LATER - garage.customer.balances.get().oldest_due_date).days


def test_filters_by_kind_and_collector(organisation, todo):
    calls = ids(todo_customers(organisation, today=LATER, kind="call"))
    assert calls == [todo.call.customer_id]
    nobody = ids(todo_customers(organisation, today=LATER, collector="none"))
    assert len(nobody) == 4
    assert ids(todo_customers(organisation, today=LATER, collector=str(todo.collector.pk))) == []
    assert ids(todo_customers(organisation, today=RUN_DAY - timedelta(days=1))) == []


def test_the_next_customer(organisation, todo):
    order = todo_customers(organisation, today=LATER)
    first, second, _, last = ids(order)
    assert next_customer(order, first) == second
    assert next_customer(order, last) is None
    assert next_customer(order, -1) == first  # no longer listed: the top of the list


# --- disputes past their settle-by date -----------------------------------------------------


def _late_dispute(organisation, ref, *, owner, category="quality", due_on=LATER - timedelta(3)):
    """A dispute on the customer's first invoice, to settle by ``due_on``."""
    found = customer(organisation, ref)
    (dispute,) = disputes_open(
        customer=found, invoices=[found.invoices.order_by("number")[0]], category=category,
        reason="Pièces abîmées", owner=owner, due_on=due_on, day=RUN_DAY, actor=ACTOR,
    )  # fmt: skip
    return dispute


def test_a_late_dispute_lists_its_customer_on_its_owners_todo(organisation, todo):
    traiteur = customer_create(organisation=organisation, external_ref="K-E",
                               name="Traiteur Blanc", actor=ACTOR)  # fmt: skip
    invoice_create(organisation=organisation, customer=traiteur, number="F-E1",
                   issue_date=RUN_DAY, due_date=RUN_DAY, amount_incl_tax=Decimal("90.00"),
                   actor=ACTOR)  # fmt: skip
    owned = _late_dispute(organisation, "K-E", owner=todo.collector)
    mine = ids(todo_customers(organisation, today=LATER, collector=str(todo.collector.pk)))
    assert mine == [traiteur.pk]  # no task for them, nobody assigned: the owner sees it
    (row,) = customer_todos(organisation, mine, today=LATER, collector=str(todo.collector.pk))
    assert (row.disputes, row.tasks) == ([owned], [])
    assert row.disputes[0].days_late == 3  # type: ignore[attr-defined]
    # Everyone's view has it; the customers nobody is assigned to do not (its owner has it);
    # a kind of task does not.
    assert traiteur.pk in ids(todo_customers(organisation, today=LATER))
    assert traiteur.pk not in ids(todo_customers(organisation, today=LATER, collector="none"))
    assert traiteur.pk not in ids(todo_customers(organisation, today=LATER, kind="call"))
    # On its date it is not late yet; resolved, it is gone.
    assert ids(todo_customers(organisation, today=LATER - timedelta(3),
                              collector=str(todo.collector.pk))) == []  # fmt: skip
    dispute_close(dispute=owned, day=LATER, actor=ACTOR, outcome="rejected", note="")
    assert ids(todo_customers(organisation, today=LATER, collector=str(todo.collector.pk))) == []


def test_an_unowned_late_dispute_is_for_everyone_and_its_customer_is_listed_once(
    organisation, todo
):
    unowned = _late_dispute(organisation, "K-B", owner=None, category="")
    order = ids(todo_customers(organisation, today=LATER))
    garage = todo.call.customer_id
    assert order.count(garage) == 1 and order[0] == garage  # its task and its dispute: one row
    rows = customer_todos(organisation, order, today=LATER)
    assert rows[0].disputes == [unowned] and len(rows[0].tasks) == 1
    assert [row.disputes for row in rows[1:]] == [[], [], []]
    assert garage in ids(todo_customers(organisation, today=LATER, collector="none"))
    assert ids(todo_customers(organisation, today=LATER, collector=str(todo.collector.pk))) == []
